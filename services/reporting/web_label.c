/*  web_label - the dashboard's words in Dutch and English. Codes without a
    label (referral sources, stages, reasons) are shown as the code: they
    are the programme's own terms and the same in both languages.  */
#include "web.h"

typedef struct {
    const char *key, *nl, *en;
} label_t;

static const label_t s_labels[] = {
    {"title", "Opstap: rapportage", "Opstap: report"},
    {"intake", "Instroom", "Intake"},
    {"experts", "Ervaringsdeskundigen", "Experts by experience"},
    {"training", "Training", "Training"},
    {"placement", "Werkplekken", "Placements"},
    {"satisfaction", "Tevredenheid", "Satisfaction"},
    {"registered", "Aangemeld", "Registered"},
    {"eligible", "Geschikt", "Eligible"},
    {"not_eligible", "Niet geschikt", "Not eligible"},
    {"total", "Totaal", "Total"},
    {"by_reason", "naar reden", "by reason"},
    {"info_session_attended", "Voorlichting bijgewoond", "Info session attended"},
    {"admitted", "Toegelaten", "Admitted"},
    {"deferred", "Uitgesteld", "Deferred"},
    {"declined", "Afgewezen", "Declined"},
    {"withdrawn", "Teruggetrokken", "Withdrawn"},
    {"referral", "Verwijzer", "Referral"},
    {"stage", "Fase", "Stage"},
    {"stagnation", "Stagnatie", "Stagnation"},
    {"in_motion", "In beweging", "In motion"},
    {"fte", "Fte", "FTE"},
    {"paid", "Betaald", "Paid"},
    {"volunteer", "Vrijwilliger", "Volunteer"},
    {"activities", "Activiteiten", "Activities"},
    {"count", "aantal", "count"},
    {"minutes", "minuten", "minutes"},
    {"setting_share", "Aandeel tijd naar setting", "Share of time by setting"},
    {"own_office", "eigen kantoor", "own office"},
    {"other_office", "ander kantoor", "other office"},
    {"external", "extern", "external"},
    {"clients_reached", "Cliënten bereikt", "Clients reached"},
    {"talks_per_client", "Gesprekken per cliënt", "Talks per client"},
    {"cohorts_started", "Groepen gestart", "Cohorts started"},
    {"cohorts_waiting", "Groepen wachtend", "Cohorts waiting"},
    {"enrolled", "Ingeschreven", "Enrolled"},
    {"attendance_rate", "Aanwezigheid", "Attendance rate"},
    {"certificates", "Certificaten", "Certificates"},
    {"goals", "Doelen", "Goals"},
    {"smart_share", "Aandeel SMART", "SMART share"},
    {"reflections_signed", "Reflecties ondertekend", "Reflections signed"},
    {"hosts", "Werkgevers", "Hosts"},
    {"vacancies_open", "Open vacatures", "Open vacancies"},
    {"started", "Gestart", "Started"},
    {"active", "Actief", "Active"},
    {"ended", "Beëindigd", "Ended"},
    {"paid_job", "betaald werk", "paid job"},
    {"completed", "afgerond", "completed"},
    {"continued", "voortgezet", "continued"},
    {"ended_early", "voortijdig gestopt", "ended early"},
    {"paid_jobs", "Betaald werk", "Paid jobs"},
    {"paid_jobs_20h", "Betaald werk ≥ 20 uur", "Paid jobs ≥ 20 hours"},
    {"paid_job_rate", "Aandeel betaald werk", "Paid-job rate"},
    {"median_days_to_paid_job", "Mediaan dagen tot betaald werk",
     "Median days to paid job"},
    {"under_2_contacts", "Minder dan 2 contacten", "Fewer than 2 contacts"},
    {"mean_hours", "Gemiddeld uren per week", "Mean hours per week"},
    {"all", "Alles", "All"},
    {"expert", "ervaringsdeskundige", "expert"},
    {"programme", "programma", "programme"},
    {"invited", "Uitgenodigd", "Invited"},
    {"responded", "Gereageerd", "Responded"},
    {"response_rate", "Respons", "Response rate"},
    {"graded", "Met cijfer", "Graded"},
    {"mean", "Gemiddeld cijfer", "Mean grade"},
    {"min", "Laagste cijfer", "Lowest grade"},
    {"min_count", "keer laagste", "times lowest"},
    {"max", "Hoogste cijfer", "Highest grade"},
    {"max_count", "keer hoogste", "times highest"},
    {"histogram", "cijfer", "grade"},
    {"figure", "Cijfer", "Figure"},
    {"office", "Kantoor", "Office"},
    {"all_offices", "alle kantoren", "all offices"},
    {"from", "Van", "From"},
    {"to", "Tot en met", "To"},
    {"language", "Taal", "Language"},
    {"show", "Toon", "Show"},
    {"csv", "Download CSV", "Download CSV"},
    {"charts", "Grafieken", "Charts"},
    {"figures", "Cijfers", "Figures"},
    {"period", "Periode", "Period"},
    {"funnel", "Van aanmelding tot betaald werk", "From registration to paid job"},
    {"grades", "Cijfers van deelnemers", "Grades given"},
    {"time_split", "Tijd van ervaringsdeskundigen naar setting",
     "Experts' time by setting"},
    {"outcomes", "Uitkomsten per kantoor", "Outcomes by office"},
    {"attendance", "Aanwezigheid per bijeenkomstnummer", "Attendance per meeting number"},
    {"attendance_by_meeting", "Aanwezigheid per bijeenkomst", "Attendance by meeting"},
    {"meeting", "Bijeenkomst", "Meeting"},
    {"no_total",
     "Kies één kantoor voor deze grafiek: een totaal over een deel van de "
     "kantoren wordt niet berekend.",
     "Choose one office for this chart: no total is computed over a part of the "
     "offices."},
    {"disclosure", "Over “<k”", "About “<k”"},
    {"disclosure_text",
     "Om deelnemers te beschermen tonen we een aantal deelnemers (of hun aanmeldingen, "
     "reacties, werkplekken, certificaten, uitkomsten) van 1 tot k−1 als “<k”, en ook "
     "een gemiddelde, percentage, mediaan of uiterste over minder dan k deelnemers. "
     "Nul blijft nul. “–” betekent: niets om over te rekenen. Hier is k = ",
     "To protect participants, a count of participants (or of their registrations, "
     "responses, placements, certificates, outcomes) from 1 to k−1 is shown as “<k”, "
     "and so is a mean, rate, median or extreme over fewer than k participants. Zero "
     "stays zero. “–” means: nothing to compute it over. Here k = "},
    {"suppressed", "onderdrukt", "suppressed"},
    {"error", "Fout", "Error"},
    {NULL, NULL, NULL}};

const char *
web_label (web_lang_t lang, const char *key)
{
    for (const label_t *l = s_labels; l->key; l++)
        if (streq (l->key, key))
            return lang == WEB_EN ? l->en : l->nl;
    return key;
}
