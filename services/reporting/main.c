/*  opstap-reporting - the reporting service as a process.  */
#include "reporting.h"

int
main (int argc, char *argv[])
{
    //  A bad k would fail every report: refuse to start instead.
    if (reporting_k () < 0) {
        fprintf (stderr,
                 "opstap-reporting: OPSTAP_REPORT_K must be an integer of 1 or more\n");
        return 2;
    }
    return service_main (reporting_service (), argc, argv);
}
