/*  mix_script - the programme mix as scripts of groups of ten candidates at
    one office: each group runs in phases through intake, training (a cohort
    with its ten meetings), placement (half of them placed), feedback (a
    survey each) and a report query. The commands of a phase may run at the
    same time; a phase starts when the one before has been answered.  */
#ifndef OPSTAP_MIX_SCRIPT_H
#define OPSTAP_MIX_SCRIPT_H

#include <stdbool.h>

#define MIX_SERVICES   5
#define MIX_GROUP_SIZE 10
#define MIX_PHASE_MAX  32

typedef enum {
    MIX_INTAKE,
    MIX_TRAINING,
    MIX_PLACEMENT,
    MIX_FEEDBACK,
    MIX_REPORTING
} mix_service_t;

typedef struct {
    mix_service_t service;
    //  Runs after the group's intake commands (carries "after").
    bool after_intake;
    bool query;
    //  The body's entries without braces, rid or after (heap; caller frees).
    char *fields;
} mix_cmd_t;

extern const char *const mix_service_names[MIX_SERVICES];

//  Fills OUT with the commands of phase PHASE of group GROUP of run RUN;
//  returns how many (at most MIX_PHASE_MAX), 0 when the group is done.
int mix_phase (int run, int group, int phase, mix_cmd_t *out);

//  Commands in one group's whole script.
int mix_group_commands (void);

#endif
