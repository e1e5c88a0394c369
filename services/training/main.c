/*  opstap-training - the training service as a process.  */
#include "training.h"

int
main (int argc, char *argv[])
{
    //  The certificate rule comes from the environment, read once here.
    service_def_t *def = training_service_new (NULL);
    if (!def)
        return 2;
    int rc = service_main (def, argc, argv);
    training_service_destroy (&def);
    return rc;
}
