/*  opstap-reporting - the reporting service as a process.  */
#include "reporting.h"
#include "web.h"

int
main (int argc, char *argv[])
{
    //  A bad k would fail every report: refuse to start instead.
    if (reporting_k () < 0) {
        fprintf (stderr,
                 "opstap-reporting: OPSTAP_REPORT_K must be an integer of 1 or more\n");
        return 2;
    }
    //  The dashboard asks this instance over its command socket; without it
    //  (port 0, or taken) the service still runs.
    web_t *web = web_start (argc, argv);
    int rc = service_main (reporting_service (), argc, argv);
    web_destroy (&web);
    return rc;
}
