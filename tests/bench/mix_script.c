/*  mix_script - the phases of one group's programme (see mix_script.h).  */
#include "mix_script.h"

#include "codec.h"

#include <czmq.h>

#define PLACED     (MIX_GROUP_SIZE / 2)
#define LAST_PHASE 15

const char *const mix_service_names[MIX_SERVICES] = {"intake", "training", "placement",
                                                     "feedback", "reporting"};

typedef struct {
    int run, group, office, day0;
    mix_cmd_t *out;
    int count;
} script_t;

static void
s_add (script_t *s, mix_service_t service, bool after, bool query, char *fields)
{
    s->out[s->count++] = (mix_cmd_t){service, after, query, fields};
}

//  The date OFFSET days after the group's first day, in BUF.
static const char *
s_day (const script_t *s, int offset, char *buf)
{
    codec_format_date (s->day0 + offset, buf);
    return buf;
}

static void
s_intake (script_t *s, int phase)
{
    char d[11];
    for (int i = 0; i < MIX_GROUP_SIZE; i++) {
        int c = s->group * MIX_GROUP_SIZE + i;
        char *f;
        if (phase == 0)
            f = zsys_sprintf (
                "\"cmd\":\"candidate.register\",\"office\":\"o%d\",\"id\":\"M%d-%d\","
                "\"birth_year\":%d,\"referral\":\"uwv\",\"benefit\":\"wia\","
                "\"treatment\":"
                "\"done\",\"criteria\":{\"psych_limitation\":true,\"motivated\":true,"
                "\"willing_to_train\":true,\"arranges_benefits\":true,\"seeks_paid_"
                "work\":"
                "true},\"consent\":{\"processing\":true,\"evaluation_contact\":true},"
                "\"wishes\":{\"function\":\"hovenier\",\"sector\":\"groen\"},"
                "\"date\":\"%s\"",
                s->office, s->run, c, 1965 + c % 35, s_day (s, 0, d));
        else
            f = zsys_sprintf (
                "\"cmd\":\"candidate.%s\",\"office\":\"o%d\",\"id\":\"M%d-%d\","
                "\"date\":\"%s\"",
                phase == 1 ? "info_session" : "admit", s->office, s->run, c,
                s_day (s, phase == 1 ? 3 : 5, d));
        s_add (s, MIX_INTAKE, false, false, f);
    }
}

static void
s_training (script_t *s, int phase)
{
    char d[11];
    int g = s->group, o = s->office, r = s->run;
    if (phase == 0)
        s_add (s, MIX_TRAINING, false, false,
               zsys_sprintf (
                   "\"cmd\":\"cohort.create\",\"office\":\"o%d\",\"id\":\"K%d-%d\","
                   "\"trainer_kind\":\"professional\",\"trainer\":\"staff%d\","
                   "\"start\":\"%s\"",
                   o, r, g, g % 7, s_day (s, 14, d)));
    else if (phase == 3)
        for (int i = 0; i < MIX_GROUP_SIZE; i++)
            s_add (
                s, MIX_TRAINING, true, false,
                zsys_sprintf ("\"cmd\":\"cohort.enroll\",\"office\":\"o%d\",\"cohort\":"
                              "\"K%d-%d\",\"candidate\":\"M%d-%d\",\"date\":\"%s\"",
                              o, r, g, r, g * MIX_GROUP_SIZE + i, s_day (s, 10, d)));
    else if (phase == 4)
        s_add (s, MIX_TRAINING, false, false,
               zsys_sprintf (
                   "\"cmd\":\"cohort.start\",\"office\":\"o%d\",\"cohort\":\"K%d-%d\","
                   "\"date\":\"%s\"",
                   o, r, g, s_day (s, 14, d)));
    else if (phase >= 5 && phase <= 14) {
        int n = phase - 4;
        char present[MIX_GROUP_SIZE * 24] = "";
        for (int i = 0; i < MIX_GROUP_SIZE; i++)
            if ((i + n) % 7)
                snprintf (present + strlen (present), sizeof present - strlen (present),
                          "%s\"M%d-%d\"", *present ? "," : "", r, g * MIX_GROUP_SIZE + i);
        s_add (s, MIX_TRAINING, false, false,
               zsys_sprintf ("\"cmd\":\"meeting.record\",\"office\":\"o%d\",\"cohort\":"
                             "\"K%d-%d\",\"number\":%d,\"date\":\"%s\",\"present\":[%s]",
                             o, r, g, n, s_day (s, 14 + 7 * (n - 1), d), present));
    } else if (phase == LAST_PHASE)
        s_add (s, MIX_TRAINING, false, false,
               zsys_sprintf ("\"cmd\":\"cohort.finish\",\"office\":\"o%d\",\"cohort\":"
                             "\"K%d-%d\",\"date\":\"%s\"",
                             o, r, g, s_day (s, 14 + 63, d)));
}

static char *
s_placement_one (script_t *s, int phase, int i)
{
    char d[11];
    int o = s->office, r = s->run, c = s->group * MIX_GROUP_SIZE + i;
    if (phase == 1)
        return zsys_sprintf (
            "\"cmd\":\"vacancy.open\",\"office\":\"o%d\",\"id\":\"V%d-%d\","
            "\"host\":\"H%d-%d\",\"function\":\"hovenier\",\"hours_min\":12,"
            "\"hours_max\":24,\"date\":\"%s\"",
            o, r, c, r, s->group, s_day (s, 1, d));
    if (phase == 3)
        return zsys_sprintf (
            "\"cmd\":\"placement.propose\",\"office\":\"o%d\",\"id\":\"P%d-%d\","
            "\"candidate\":\"M%d-%d\",\"vacancy\":\"V%d-%d\",\"hours_per_week\":20,"
            "\"start\":\"%s\",\"supervisor\":\"Supervisor %d\",\"buddy\":\"Buddy %d\"",
            o, r, c, r, c, r, c, s_day (s, 30, d), c % 13, c % 17);
    if (phase == 4 || phase == 5)
        return zsys_sprintf (
            "\"cmd\":\"placement.sign\",\"office\":\"o%d\",\"id\":\"P%d-%d\","
            "\"agreement\":\"%s\",\"date\":\"%s\"",
            o, r, c, phase == 4 ? "candidate_host" : "programme_host",
            s_day (s, 11 + phase, d));
    if (phase == 6)
        return zsys_sprintf (
            "\"cmd\":\"placement.start\",\"office\":\"o%d\",\"id\":\"P%d-%d\","
            "\"date\":\"%s\"",
            o, r, c, s_day (s, 30, d));
    if (phase == 7)
        return zsys_sprintf (
            "\"cmd\":\"placement.contact\",\"office\":\"o%d\",\"id\":\"P%d-%"
            "d\",\"with\":\"trainer\",\"date\":\"%s\"",
            o, r, c, s_day (s, 60, d));
    if (phase == 8)
        return zsys_sprintf ("\"cmd\":\"placement.end\",\"office\":\"o%d\",\"id\":\"P%d-%"
                             "d\",\"date\":\"%s\","
                             "\"outcome\":\"paid_job\",\"paid_job\":{\"employer_kind\":"
                             "\"host\",\"hours\":24,"
                             "\"contract\":\"temporary\"}",
                             o, r, c, s_day (s, 200, d));
    return NULL;
}

static void
s_placement (script_t *s, int phase)
{
    char d[11];
    if (phase == 0)
        s_add (
            s, MIX_PLACEMENT, false, false,
            zsys_sprintf (
                "\"cmd\":\"host.register\",\"office\":\"o%d\",\"id\":\"H%d-%d\",\"name\":"
                "\"Host %d\",\"sector\":\"groen\",\"client_org\":false,\"requirements\":{"
                "\"one_year\":true,\"hours_12_24\":true,\"function_profile\":true,"
                "\"onboarding\":true,\"fixed_supervisor\":true,\"buddy\":true,"
                "\"allows_training\":true,\"insured\":true,\"paid_job_effort\":true},"
                "\"date\":\"%s\"",
                s->office, s->run, s->group, s->group, s_day (s, 0, d)));
    for (int i = 0; phase > 0 && i < PLACED; i++) {
        char *f = s_placement_one (s, phase, i);
        if (f)
            s_add (s, MIX_PLACEMENT, phase == 3, false, f);
    }
}

static void
s_feedback (script_t *s, int phase)
{
    char d[11];
    for (int i = 0; (phase == 3 || phase == 4) && i < MIX_GROUP_SIZE; i++) {
        int c = s->group * MIX_GROUP_SIZE + i;
        char *f = phase == 3
                      ? zsys_sprintf ("\"cmd\":\"survey.invite\",\"office\":\"o%d\","
                                      "\"id\":\"S%d-%d\",\"candidate\":\"M%d-%d\","
                                      "\"about\":\"programme\",\"date\":\"%s\"",
                                      s->office, s->run, c, s->run, c, s_day (s, 20, d))
                      : zsys_sprintf ("\"cmd\":\"survey.respond\",\"office\":\"o%d\","
                                      "\"survey\":\"S%d-%d\",\"date\":\"%s\","
                                      "\"grade\":%d",
                                      s->office, s->run, c, s_day (s, 25, d), 6 + c % 5);
        s_add (s, MIX_FEEDBACK, phase == 3, false, f);
    }
}

int
mix_phase (int run, int group, int phase, mix_cmd_t *out)
{
    if (phase < 0 || phase > LAST_PHASE)
        return 0;
    script_t s = {run, group, group % 10, 17897 + (group * 5) % 600, out, 0};
    if (phase <= 2)
        s_intake (&s, phase);
    s_training (&s, phase);
    s_placement (&s, phase);
    s_feedback (&s, phase);
    if (phase == 9)
        s_add (&s, MIX_REPORTING, false, true,
               zsys_sprintf ("\"cmd\":\"report.summary\",\"office\":\"o%d\","
                             "\"from\":\"2019-01-01\",\"to\":\"2020-12-31\"",
                             s.office));
    return s.count;
}

int
mix_group_commands (void)
{
    mix_cmd_t cmds[MIX_PHASE_MAX];
    int total = 0;
    for (int phase = 0, n; (n = mix_phase (0, 0, phase, cmds)) > 0; phase++) {
        for (int i = 0; i < n; i++)
            free (cmds[i].fields);
        total += n;
    }
    return total;
}
