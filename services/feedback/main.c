/*  opstap-feedback - the feedback service as a process.  */
#include "feedback.h"

int
main (int argc, char *argv[])
{
    return service_main (feedback_service (), argc, argv);
}
