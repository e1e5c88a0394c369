/*  opstap-testfollower - the follower test service as a process.  */
#include "follower.h"

int
main (int argc, char *argv[])
{
    return service_main (follower_service (), argc, argv);
}
