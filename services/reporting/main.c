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
    //  A store of an older format is rebuilt from the streams: emptied
    //  before the service (and its consumers) open it.
    const char *data = getenv ("OPSTAP_DATA");
    zsys_set_logident ("reporting");
    zsys_set_logstream (stderr);
    if (reporting_prepare (
            reporting_arg (argc, argv, "--data", data && *data ? data : "var"),
            reporting_arg (argc, argv, "--instance", "reporting")))
        return 1;
    //  The dashboard asks this instance over its command socket; without it
    //  (port 0, or taken) the service still runs.
    web_t *web = web_start (argc, argv);
    int rc = service_main (reporting_service (), argc, argv);
    web_destroy (&web);
    return rc;
}
