/*  opstap-intake - the intake service as a process.  */
#include "intake.h"

int
main (int argc, char *argv[])
{
    service_def_t *def = intake_service_new ();
    int rc = service_main (def, argc, argv);
    intake_service_destroy (&def);
    return rc;
}
