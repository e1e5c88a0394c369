#!/usr/bin/env bash
# Reporting through the command-line tool, as an office would use it: start
# the five services, build the office history of test_reporting through
# `opstap submit` (intake, experts and activities, a cohort, placements,
# surveys), check every figure of `opstap report` worked out by hand (k = 1,
# and suppression at k = 5), the table and CSV forms and the exit codes;
# kill -9 reporting during traffic and check nothing was missed or counted
# twice; delete its data and check the rebuilt report is the same, byte for
# byte; erase a candidate and check the report did not change. Stops every
# child by pid.
#   tests/reporting_submit.sh BIN_DIR SOURCE_DIR
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bin="$1"
tmp="$(mktemp -d /tmp/opstap-reporting-XXXXXX)"
declare -A pids=()
py=/usr/bin/python3

cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT

base="$(free_base 50)"
export OPSTAP_CONFIG="$tmp/directory.conf"
: >"$OPSTAP_CONFIG"
offset=0
for service in intake training placement feedback reporting; do
  p=$((base + offset))
  echo "$service $service * tcp://127.0.0.1:$p tcp://127.0.0.1:$((p + 1)) tcp://127.0.0.1:$((p + 2))" \
    >>"$OPSTAP_CONFIG"
  offset=$((offset + 10))
done
# k = 1 for the first report; reporting restarts with 5 after it.
export OPSTAP_REPORT_K=1
opstap="$bin/opstap"

start() { # start SERVICE
  "$bin/opstap-$1" --data "$tmp/var" >>"$tmp/$1.log" 2>&1 &
  pids[$1]=$!
}
stop() { # stop SERVICE SIGNAL
  kill "-$2" "${pids[$1]}"; wait "${pids[$1]}" 2>/dev/null
  unset "pids[$1]"
}
for service in intake training placement feedback reporting; do start "$service"; done
check "status --wait sees all five services" bash -c "'$opstap' status --wait 10 >/dev/null"

# ---------------------------------------------------------------------------
# The history (the same as tests/test_reporting_fixture.c)

$py - >"$tmp/history.jsonl" <<'PY'
import json
out = []
def cmd(c, **f):
    f = dict(f)
    out.append(dict({"cmd": c, "office": f.pop("office", "nijmegen")}, **f))
def register(id, date, referral, birth=1980, treatment="done", motivated=True, willing=True,
             office="nijmegen"):
    cmd("candidate.register", office=office, id=id, birth_year=birth, referral=referral,
        benefit="wia", treatment=treatment,
        criteria={"psych_limitation": True, "motivated": motivated, "willing_to_train": willing,
                  "arranges_benefits": True, "seeks_paid_work": True},
        consent={"processing": True, "evaluation_contact": True},
        contact={"name": "Jan Jansen"}, date=date)
for id, date, ref in [("nij-00", "2017-06-30", "uwv"), ("nij-01", "2017-07-01", "uwv"),
                      ("nij-02", "2017-07-03", "municipality"), ("nij-03", "2017-07-03", "uwv"),
                      ("nij-04", "2017-07-10", "self")]:
    register(id, date, ref)
register("nij-05", "2017-07-10", "mental_health", treatment="in_treatment")
register("nij-06", "2017-08-01", "uwv", motivated=False)
register("nij-07", "2017-08-02", "uwv", birth=1950, willing=False)
register("nij-08", "2017-09-30", "social_team")
register("nij-09", "2017-10-01", "uwv")
for id, date in [("nij-00", "2017-06-30"), ("nij-01", "2017-07-01"), ("nij-02", "2017-07-04"),
                 ("nij-03", "2017-07-04"), ("nij-04", "2017-07-11"), ("nij-05", "2017-07-11")]:
    cmd("candidate.info_session", id=id, date=date)
for id, date in [("nij-00", "2017-07-03"), ("nij-01", "2017-07-05"), ("nij-02", "2017-07-10"),
                 ("nij-03", "2017-07-10"), ("nij-04", "2017-07-12")]:
    cmd("candidate.admit", id=id, date=date)
cmd("candidate.defer", id="nij-05", reason="in treatment", until="2017-12-01", date="2017-07-20")
cmd("candidate.defer", id="nij-08", reason="waiting list", until="2017-11-01", date="2017-09-30")
cmd("candidate.decline", id="nij-06", reason="not eligible", date="2017-08-15")
cmd("candidate.withdraw", id="nij-07", reason="moved", date="2017-08-20")
for id, stage, stagnation, date in [
        ("nij-00", "growth", None, "2017-06-30"),
        ("nij-00", "growth", "running_through_process", "2017-07-02"),
        ("nij-01", "disruption", None, "2017-07-05"), ("nij-01", "reorientation", None, "2017-08-10"),
        ("nij-02", "equilibrium", "stuck_in_equilibrium", "2017-07-06"),
        ("nij-02", "disruption", None, "2017-10-05"), ("nij-03", "growth", None, "2017-07-06"),
        ("nij-04", "reorientation", "lost_in_reorientation", "2017-09-30"),
        ("nij-05", "disruption", "fighting_in_disruption", "2017-08-01"),
        ("nij-05", "equilibrium", None, "2017-07-15")]:
    extra = {"stagnation": stagnation} if stagnation else {}
    cmd("candidate.assess_stage", id=id, stage=stage, date=date, **extra)
register("arn-01", "2017-08-01", "client_org", office="arnhem")
register("arn-02", "2017-09-01", "other", office="arnhem")
cmd("candidate.info_session", office="arnhem", id="arn-01", date="2017-08-02")
cmd("candidate.admit", office="arnhem", id="arn-01", date="2017-08-03")
for office, id, paid, fte, date in [("nijmegen", "e1", True, 0.5, "2017-06-01"),
                                    ("nijmegen", "e2", True, 0.5, "2017-07-15"),
                                    ("nijmegen", "e3", False, 0.2, "2017-10-02"),
                                    ("arnhem", "e9", False, 0.3, "2017-07-01")]:
    cmd("expert.register", office=office, id=id, paid=paid, fte=fte, experience=["anxiety"],
        max_caseload=10, date=date)
for office, e, kind, minutes, setting, cand, date in [
        ("nijmegen", "e1", "one_on_one", 60, "own_office", "nij-00", "2017-06-30"),
        ("nijmegen", "e1", "one_on_one", 60, "own_office", "nij-01", "2017-07-01"),
        ("nijmegen", "e1", "one_on_one", 45, "own_office", "nij-01", "2017-07-20"),
        ("nijmegen", "e1", "one_on_one", 60, "other_office", "nij-02", "2017-08-01"),
        ("nijmegen", "e2", "one_on_one", 30, "external", "nij-03", "2017-09-30"),
        ("nijmegen", "e2", "one_on_one", 60, "own_office", "nij-04", "2017-08-10"),
        ("nijmegen", "e2", "one_on_one", 60, "own_office", "nij-05", "2017-08-11"),
        ("nijmegen", "e1", "joint_talk", 90, "own_office", "nij-02", "2017-08-15"),
        ("nijmegen", "e2", "joint_talk", 30, "external", "nij-06", "2017-09-01"),
        ("nijmegen", "e1", "group_session", 120, "own_office", None, "2017-09-05"),
        ("nijmegen", "e2", "case_consultation", 30, "own_office", None, "2017-07-10"),
        ("nijmegen", "e1", "one_on_one", 60, "own_office", "nij-08", "2017-10-01"),
        ("arnhem", "e9", "one_on_one", 30, "own_office", "arn-01", "2017-08-05")]:
    extra = {"candidate": cand} if cand else {}
    cmd("expert.activity", office=office, expert=e, kind=kind, minutes=minutes, setting=setting,
        date=date, **extra)
for id, start in [("k1", "2017-07-15"), ("k2", "2017-09-15"), ("k3", "2017-10-15")]:
    cmd("cohort.create", id=id, trainer_kind="professional", trainer="t-anna", start=start)
members = ["nij-00", "nij-01", "nij-02", "nij-03", "nij-04"]
for m in members:
    cmd("cohort.enroll", cohort="k1", candidate=m, date="2017-07-12")
cmd("cohort.start", cohort="k1", date="2017-07-20")
dates = ["2017-07-20", "2017-07-27", "2017-08-03", "2017-08-10", "2017-08-17", "2017-08-24",
         "2017-08-31", "2017-09-07", "2017-09-14", "2017-09-21"]
absent = [None, "nij-00", None, None, "nij-00", None, None, "nij-00", None, "nij-04"]
for i in range(10):
    cmd("meeting.record", cohort="k1", number=i + 1, date=dates[i],
        present=[m for m in members if m != absent[i]])
for id, cand, smart, date in [("g1", "nij-01", True, "2017-07-27"), ("g2", "nij-02", False, "2017-07-27"),
                              ("g3", "nij-03", True, "2017-07-27"), ("g4", "nij-04", False, "2017-07-27"),
                              ("g5", "nij-00", True, "2017-10-02")]:
    cmd("goal.set", id=id, candidate=cand, cohort="k1", goal="op tijd komen", situation="s",
        task="t", action="a", result="r", reflection="f",
        smart={"concrete": True, "divisible": True, "measurable": smart, "feasible": True},
        date=date)
cmd("goal.revise", id="g2", smart={"measurable": True}, date="2017-08-10")
for goal, both, date in [("g1", True, "2017-08-20"), ("g3", False, "2017-08-21"),
                         ("g2", True, "2017-10-03")]:
    cmd("reflection.record", goal=goal, date=date, action_taken="a", went_well="w",
        could_improve="c", supervisor_response="s", improvement="i", signed_candidate=True,
        signed_supervisor=both)
cmd("cohort.finish", cohort="k1", date="2017-09-28")
reqs = dict.fromkeys(["one_year", "hours_12_24", "function_profile", "onboarding",
                      "fixed_supervisor", "buddy", "allows_training", "insured",
                      "paid_job_effort"], True)
for id, date in [("h1", "2017-06-15"), ("h2", "2017-08-01"), ("h3", "2017-10-05")]:
    cmd("host.register", id=id, name="Groen & Zorg B.V.", sector="zorg", client_org=False,
        requirements=reqs, date=date)
for id, host, lo, hi, date in [("v1", "h1", 16, 24, "2017-06-20"), ("v2", "h1", 12, 20, "2017-07-01"),
                               ("v3", "h2", 20, 24, "2017-08-02"), ("v4", "h2", 12, 16, "2017-10-06")]:
    cmd("vacancy.open", id=id, host=host, function="gardener", hours_min=lo, hours_max=hi, date=date)
def placement(id, cand, vacancy, hours, start):
    cmd("placement.propose", id=id, candidate=cand, vacancy=vacancy, hours_per_week=hours,
        start=start, supervisor="Piet de Vries", buddy="Anne", date=start)
    for agreement in ["candidate_host", "programme_host"]:
        cmd("placement.sign", id=id, agreement=agreement, date=start)
    cmd("placement.start", id=id, date=start)
placement("p1", "nij-01", "v1", 20, "2017-07-10")
placement("p2", "nij-02", "v2", 16, "2017-07-12")
placement("p3", "nij-03", "v3", 24, "2017-08-07")
cmd("placement.contact", id="p1", **{"with": "trainer"}, date="2017-08-01")
cmd("placement.contact", id="p1", **{"with": "coordinator"}, date="2017-09-01")
cmd("placement.contact", id="p2", **{"with": "trainer"}, date="2017-08-01")
cmd("placement.end", id="p1", date="2017-09-15", outcome="paid_job",
    paid_job={"employer_kind": "host", "hours": 24, "contract": "temporary"})
cmd("placement.end", id="p2", date="2017-09-30", outcome="completed")
placement("p4", "nij-04", "v1", 18, "2017-09-20")
placement("p5", "nij-00", "v2", 16, "2017-10-02")
for id, cand, about, invited, responded, grade in [
        ("s1", "nij-01", "expert", "2017-07-01", "2017-07-05", 8.5),
        ("s2", "nij-02", "expert", "2017-07-10", "2017-07-12", 10),
        ("s3", "nij-03", "expert", "2017-08-01", "2017-10-02", 6),
        ("s4", "nij-04", "training", "2017-09-30", "2017-09-30", None),
        ("s5", "nij-05", "programme", "2017-09-01", "2017-09-02", 10),
        ("s6", "nij-06", "programme", "2017-09-05", None, None),
        ("s7", "nij-01", "placement", "2017-09-10", "2017-09-11", 6.5),
        ("s8", "nij-00", "training", "2017-06-30", "2017-07-02", 9),
        ("s9", "nij-08", "programme", "2017-10-01", None, None)]:
    cmd("survey.invite", id=id, candidate=cand, about=about, date=invited)
    if responded:
        extra = {"grade": grade} if grade else {}
        cmd("survey.respond", survey=id, experience="fijn gesprek", date=responded, **extra)
for c in out:
    print(json.dumps(c))
PY
lines=$(wc -l <"$tmp/history.jsonl")
"$opstap" submit "$tmp/history.jsonl" >"$tmp/history.replies"
check "history: submit exits 0" test $? -eq 0
check "history: one ok reply per command ($lines)" \
  test "$(grep -c '"ok":true' "$tmp/history.replies")" -eq "$lines"

# ---------------------------------------------------------------------------
# Every figure of nijmegen's third quarter, worked out by hand (see the
# comments of tests/test_reporting.c): k = 1 (asked for below the operator's 5
# with OPSTAP_REPORT_K=1), then k = 5.

cat >"$tmp/expected.py" <<'PY'
S = "S"   # suppressed
zero_grades = {g: 0 for g in ["%.1f" % (1 + i / 2) for i in range(19)]}
def hist(given={}):
    h = dict(zero_grades)
    h.update(given)
    return h
def survey(invited, responded, rate, graded, mean, lo, lo_n, hi, hi_n, histogram):
    return {"invited": invited, "responded": responded, "response_rate": rate, "graded": graded,
            "mean": mean, "min": lo, "min_count": lo_n, "max": hi, "max_count": hi_n,
            "histogram": histogram}
def kinds(**given):
    out = {k: {"count": 0, "minutes": 0} for k in
           ["one_on_one", "joint_talk", "group_session", "workshop", "case_consultation",
            "presentation", "network_contact", "employer_info"]}
    out.update({k: {"count": c, "minutes": m} for k, (c, m) in given.items()})
    return out
K1 = {
 "intake": {"registered": 8, "eligible": 6,
            "not_eligible": {"total": 2, "by_reason": {"psych_limitation": 0, "motivated": 1,
                "willing_to_train": 1, "arranges_benefits": 0, "seeks_paid_work": 0, "age": 1}},
            "info_session_attended": 5, "admitted": 5,
            "deferred": {"total": 2, "by_reason": {"in treatment": 1, "waiting list": 1}},
            "declined": 1, "withdrawn": 1,
            "referral": {"self": 1, "uwv": 4, "municipality": 1, "mental_health": 1,
                         "social_team": 1, "client_org": 0, "other": 0},
            "stage": {"equilibrium": 1, "disruption": 1, "reorientation": 2, "growth": 2},
            "stagnation": {"stuck_in_equilibrium": 1, "fighting_in_disruption": 1,
                           "lost_in_reorientation": 1, "inhibited_in_growth": 0,
                           "running_through_process": 1},
            "in_motion": 2},
 "experts": {"experts": 2, "fte": 1.0, "paid": 2, "volunteer": 0,
             "activities": kinds(one_on_one=(6, 315), joint_talk=(2, 120), group_session=(1, 120),
                                 case_consultation=(1, 30)),
             "setting_share": {"own_office": 0.7949, "other_office": 0.1026, "external": 0.1026},
             "clients_reached": 6, "talks_per_client": 1.3333},
 "training": {"cohorts_started": 1, "cohorts_waiting": 1, "enrolled": 5, "attendance_rate": 0.92,
              "certificates": 3, "goals": 4, "smart_share": 0.75, "reflections_signed": 1,
              # k1's meetings 1 .. 10, 5 members each; absent as above.
              "attendance_by_meeting": {"1": 1.0, "2": 0.8, "3": 1.0, "4": 1.0, "5": 0.8,
                                        "6": 1.0, "7": 1.0, "8": 0.8, "9": 1.0, "10": 0.8}},
 "placement": {"hosts": 2, "vacancies_open": 1, "started": 4, "active": 2,
               "ended": {"paid_job": 1, "completed": 1, "continued": 0, "ended_early": 0},
               "paid_jobs": 1, "paid_jobs_20h": 1, "paid_job_rate": 0.5,
               "median_days_to_paid_job": 67.0, "under_2_contacts": 1, "mean_hours": 19.5},
 "satisfaction": {
   "all": survey(7, 5, 0.7143, 4, 8.75, 6.5, 1, 10.0, 2, hist({"6.5": 1, "8.5": 1, "10.0": 2})),
   "expert": survey(3, 2, 0.6667, 2, 9.25, 8.5, 1, 10.0, 1, hist({"8.5": 1, "10.0": 1})),
   "training": survey(1, 1, 1.0, 0, None, None, None, None, None, hist()),
   "placement": survey(1, 1, 1.0, 1, 6.5, 6.5, 1, 6.5, 1, hist({"6.5": 1})),
   "programme": survey(2, 1, 0.5, 1, 10.0, 10.0, 1, 10.0, 1, hist({"10.0": 1}))}}

def at_k(section, k):
    """What disclosure control makes of the k = 1 figures at k (DOMAIN.md 5)."""
    plain = {"experts", "fte", "paid", "volunteer", "activities", "setting_share",
             "cohorts_started", "cohorts_waiting", "hosts", "vacancies_open"}
    basis = {"talks_per_client": ("experts", "clients_reached"),
             "attendance_rate": ("training", "enrolled"),
             "smart_share": ("training", "goals"),
             "paid_job_rate": ("placement", None), "median_days_to_paid_job": ("placement", "paid_jobs"),
             "mean_hours": ("placement", "started")}
    def count(v):
        return S if isinstance(v, int) and 0 < v < k else v
    def walk(obj, name):
        if name in plain:
            return obj
        if isinstance(obj, dict):
            return {key: walk(v, key) for key, v in obj.items()}
        return count(obj)
    out = {}
    for name, figures in section.items():
        if name == "satisfaction":
            sats = {}
            for about, s in figures.items():
                t = {key: (count(v) if not isinstance(v, dict) else {g: count(n) for g, n in v.items()})
                     for key, v in s.items()}
                for key, b in [("response_rate", "invited"), ("mean", "graded"), ("min", "graded"),
                               ("max", "graded")]:
                    if s[key] is not None and s[b] < k:
                        t[key] = S
                sats[about] = t
            out[name] = sats
            continue
        t = {key: walk(v, key) for key, v in figures.items()}
        for key, (sec, b) in basis.items():
            if sec == name and figures[key] is not None:
                n = sum(figures["ended"].values()) if b is None else figures[b]
                if n < k:
                    t[key] = S
        # Each meeting number's rate is over the cohort's members (enrolled).
        if name == "training" and figures["enrolled"] < k:
            t["attendance_by_meeting"] = {n: S for n in figures["attendance_by_meeting"]}
        out[name] = t
    return out
PY

report() { "$opstap" report "$@"; }
compare() { # compare JSON_FILE OFFICE K: every figure against expected.py
  $py - "$1" "$2" "$3" "$tmp/expected.py" <<'PY'
import json, sys
reply = json.load(open(sys.argv[1]))
office, k = sys.argv[2], int(sys.argv[3])
exec(open(sys.argv[4]).read())
want = at_k(K1, k)
def norm(v):
    if isinstance(v, dict) and v == {"suppressed": True}:
        return S
    if isinstance(v, dict):
        return {key: norm(x) for key, x in v.items()}
    return v
got = norm(reply["offices"][office])
bad = []
def diff(g, w, path):
    if isinstance(w, dict) and isinstance(g, dict):
        for key in set(w) | set(g):
            diff(g.get(key, "absent"), w.get(key, "absent"), path + "." + key)
    elif g != w and not (isinstance(g, float) and isinstance(w, float) and abs(g - w) < 1e-9):
        bad.append("%s: got %r, expected %r" % (path, g, w))
diff(got, want, office)
for b in bad:
    print("   ", b)
sys.exit(1 if bad or reply["k"] != k else 0)
PY
}
report --office nijmegen --from 2017-07-01 --to 2017-09-30 --format json >"$tmp/k1.json"
check "report --format json exits 0" test $? -eq 0
check "k = 1: every figure of nijmegen as worked out" compare "$tmp/k1.json" nijmegen 1
export OPSTAP_REPORT_K=5
stop reporting TERM
start reporting
report --from 2017-07-01 --to 2017-09-30 --k 1 --format json >"$tmp/k5.json"
check "k = 5 (a request for k = 1 cannot lower it): every figure suppressed as it should" \
  compare "$tmp/k5.json" nijmegen 5
check "one JSON line" test "$(wc -l <"$tmp/k5.json")" -eq 1

# Table and CSV.
report --from 2017-07-01 --to 2017-09-30 >"$tmp/table.txt"
check "table: exits 0" test $? -eq 0
check "table: a column per office and the total" \
  grep -qE '^intake +arnhem +nijmegen +total$' "$tmp/table.txt"
check "table: registered 2, 8, 10 and suppressed cells as <5" \
  grep -qE '^  registered +<5 +8 +10$' "$tmp/table.txt"
check "table: attendance by meeting number, flattened (-, none in arnhem)" \
  grep -qE '^  attendance_by_meeting\.2 +- +0\.8 +0\.8$' "$tmp/table.txt"
check "table: every section" bash -c "for s in intake experts training placement satisfaction; do
  grep -qE \"^\$s \" '$tmp/table.txt' || exit 1; done"
report --from 2017-07-01 --to 2017-09-30 --format csv >"$tmp/report.csv"
check "csv: header" test "$(head -1 "$tmp/report.csv")" = "office,section,figure,value"
check "csv: nested figures flattened with dots" \
  grep -qx 'nijmegen,intake,not_eligible.by_reason.age,<5' "$tmp/report.csv"
check "csv: rows for the total, fractions as numbers" \
  grep -qx 'total,experts,setting_share.own_office,0.8049' "$tmp/report.csv"
check "csv: attendance by meeting number, a row per number" bash -c "
  grep -qx 'nijmegen,training,attendance_by_meeting.10,0.8' '$tmp/report.csv' &&
  grep -qx 'total,training,attendance_by_meeting.1,1.0' '$tmp/report.csv' &&
  grep -qx 'arnhem,training,attendance_by_meeting.1,' '$tmp/report.csv'"
check "csv: one row per office and figure, four fields each" $py -c "
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
keys = [(r[0], r[1], r[2]) for r in rows[1:]]
sys.exit(0 if all(len(r) == 4 for r in rows) and len(keys) == len(set(keys)) and
         {r[0] for r in rows[1:]} == {'arnhem', 'nijmegen', 'total'} else 1)
" "$tmp/report.csv"

# Exit codes: a refused report is 1, usage and connection problems 2.
report --from 2017-09-30 --to 2017-07-01 >/dev/null 2>&1
check "from after to: exit 1" test $? -eq 1
report --from 2017-07-01 >/dev/null 2>&1
check "no --to: exit 2" test $? -eq 2
report --from 2017-07-01 --to 2017-09-30 --format xml >/dev/null 2>&1
check "unknown format: exit 2" test $? -eq 2

# ---------------------------------------------------------------------------
# Killed during traffic: 2000 registrations on 2017-11-01 while reporting is
# killed and restarted again and again; then exactly 2000 counted.

$py - >"$tmp/traffic.jsonl" <<'PY'
import json
for i in range(2000):
    print(json.dumps({"cmd": "candidate.register", "office": "nijmegen", "id": "t-%04d" % i,
        "birth_year": 1990, "referral": "self", "benefit": "none", "treatment": "none",
        "criteria": {"psych_limitation": True, "motivated": True, "willing_to_train": True,
                     "arranges_benefits": True, "seeks_paid_work": True},
        "consent": {"processing": True, "evaluation_contact": False}, "date": "2017-11-01"}))
PY
"$opstap" submit "$tmp/traffic.jsonl" >"$tmp/traffic.replies" &
submit_pid=$!
kills=0
while sleep 0.2 && kill -0 "$submit_pid" 2>/dev/null; do
  stop reporting KILL
  start reporting
  kills=$((kills + 1))
done
wait "$submit_pid"
check "traffic: submit exits 0" test $? -eq 0
report --office nijmegen --from 2017-11-01 --to 2017-11-01 --format json >"$tmp/traffic.json"
check "traffic: reporting was killed while commands went in ($kills times)" test "$kills" -ge 2
check "traffic: 2000 registrations, none missed or counted twice" $py -c "
import json, sys
sys.exit(0 if json.load(open(sys.argv[1]))['total']['intake']['registered'] == 2000 else 1)
" "$tmp/traffic.json"

# ---------------------------------------------------------------------------
# Rebuild: stop reporting, delete its data, start it: the same bytes.

report --from 2017-06-01 --to 2017-12-31 --format json >"$tmp/before.json"
stop reporting TERM
rm -rf "$tmp/var/reporting"
start reporting
report --from 2017-06-01 --to 2017-12-31 --format json >"$tmp/rebuilt.json"
check "rebuild: the same report, byte for byte" cmp -s "$tmp/before.json" "$tmp/rebuilt.json"

# Erasure after counting: the same report; no record in reporting names them.
echo '{"cmd": "candidate.erase", "office": "nijmegen", "id": "nij-02"}' | "$opstap" submit \
  >"$tmp/erase.reply"
check "erase: ok" grep -q '"ok":true' "$tmp/erase.reply"
report --from 2017-06-01 --to 2017-12-31 --format json >"$tmp/erased.json"
check "erasure: the same report, byte for byte" cmp -s "$tmp/before.json" "$tmp/erased.json"
stop reporting TERM
rm -rf "$tmp/var/reporting"
start reporting
report --from 2017-06-01 --to 2017-12-31 --format json >"$tmp/erased-rebuilt.json"
check "erasure, then rebuild: the same report" cmp -s "$tmp/before.json" "$tmp/erased-rebuilt.json"
stop reporting TERM
check "rebuilt after the erasure: nij-02 nowhere in reporting's store" \
  bash -c "! grep -qaF nij-02 '$tmp/var/reporting/data.mdb'"
OPSTAP_TIMEOUT=1 report --from 2017-07-01 --to 2017-09-30 >/dev/null 2>&1
check "reporting down: exit 2" test $? -eq 2

for service in intake training placement feedback; do stop "$service" TERM; done
summary
