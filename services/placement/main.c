/*  opstap-placement - the placement service as a process.  */
#include "placement.h"

int
main (int argc, char *argv[])
{
    return service_main (placement_service (), argc, argv);
}
