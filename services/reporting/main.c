/*  opstap-reporting - the reporting service as a process, with its
    dashboard beside it.  */
#include "reporting.h"
#include "web.h"

int
main (int argc, char *argv[])
{
    //  Help and version before the dashboard binds its port.
    if (service_main_info ("reporting", argc, argv))
        return fflush (stdout) == 0 ? 0 : 1;
    //  k is read once, here: a bad one refuses to start.
    service_def_t *def = reporting_service_new (0);
    if (!def)
        return 2;
    //  The dashboard asks this instance over its command socket; without it
    //  (port 0, or taken) the service still runs.
    web_t *web = web_start (argc, argv);
    int rc = service_main (def, argc, argv);
    web_destroy (&web);
    reporting_service_destroy (&def);
    return rc;
}
