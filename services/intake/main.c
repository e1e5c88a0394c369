/*  opstap-intake - the intake service as a process.  */
#include "intake.h"

int
main (int argc, char *argv[])
{
    return service_main (intake_service (), argc, argv);
}
