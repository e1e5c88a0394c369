#!/usr/bin/env bash
# Erasure everywhere, and nothing personal leaves the stores (issue 7):
# every example through all five services, then
#  - every event of every stream, every log line, every report and the
#    audit trails are scanned for the contact details, free texts and
#    BSN-like numbers the examples entered: none found;
#  - three candidates (one per follower's speciality) are erased; once
#    `opstap erase-status --complete` says so, every store is dumped with
#    mdb_dump and holds neither their ids nor anything they entered;
#  - report.summary is the same before, after, and from a reporting
#    instance rebuilt from the streams afterwards.
#   tests/test_erasure.sh BIN_DIR SOURCE_DIR
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bin="$1"
src="$2"
pids=()
scratch erase

export OPSTAP_PORT_BASE="$(free_base 60)"
base=$OPSTAP_PORT_BASE
opstap="$bin/opstap"
data="$tmp/var"
erased=(t-ada c-fenna fb-fatima)

start_services() {
  for service in intake training placement feedback reporting; do
    "$bin/opstap-$service" --data "$data" 2>>"$tmp/services.log" &
    pids+=("$!")
  done
}
stop_services() {
  for pid in "${pids[@]}"; do kill -TERM "$pid"; wait "$pid"; done
  pids=()
}
report() { # report FILE: every office, every year, as JSON
  "$opstap" report --from 2000-01-01 --to 2030-12-31 --format json >"$1"
}
settled() { # every consumer has caught up
  "$opstap" status --json 2>/dev/null | /usr/bin/python3 -c "
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
lag = sum(c.get('lag', 1) for r in rows for c in r.get('consumers', []))
sys.exit(0 if rows and lag == 0 else 1)"
}
wait_settled() { for _ in $(seq 50); do settled && return 0; sleep 0.2; done; return 1; }

start_services
check "services up" "$opstap" status --wait 10 >/dev/null
for f in intake training placement feedback; do
  "$opstap" submit "$src/examples/$f.jsonl" >"$tmp/$f.replies"
  check "$f example: every command ok" test $? -eq 0
done
check "consumers caught up" wait_settled
report "$tmp/before.json"
check "report before erasure has registrations" grep -q '"registered"' "$tmp/before.json"

# What the examples entered that must never leave intake (contact details)
# or its own store (free texts), and what each erased candidate entered.
/usr/bin/python3 - "$src/examples" "$tmp" "${erased[@]}" <<'PY'
import json, os, re, sys
folder, out, erased = sys.argv[1], sys.argv[2], sys.argv[3:]
personal = {"name", "email", "phone", "buddy", "supervisor", "experience", "situation",
            "task", "result", "reflection", "action", "went_well", "supervisor_response",
            "improvement", "could_improve", "action_taken", "text"}
lines = []
for f in sorted(os.listdir(folder)):
    if f.endswith(".jsonl"):
        lines += [json.loads(l) for l in open(os.path.join(folder, f))
                  if l.strip() and not l.startswith("#")]
def strings(obj, key=None, cmd=None):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from strings(v, k, obj.get("cmd", cmd))
    elif isinstance(obj, str) and (key in personal
                                   or (key == "goal" and cmd in ("goal.set", "goal.revise"))):
        yield obj
secrets = sorted({s for l in lines for s in strings(l) if len(s) >= 6})
# Records that belong to an erased candidate: its own lines, and lines about
# its records (a reflection names the goal, a survey response the survey).
ids = set(erased) | {l["id"] for l in lines if l.get("candidate") in erased and "id" in l}
owned = [l for l in lines if any(isinstance(v, str) and v in ids for v in l.values())]
others = {s for l in lines if l not in owned for s in strings(l)}
theirs = sorted({s for l in owned for s in strings(l) if len(s) >= 6} - others)
open(os.path.join(out, "secrets"), "w").write("\n".join(secrets) + "\n")
open(os.path.join(out, "theirs"), "w").write("\n".join(theirs + erased) + "\n")
PY
check "the examples hold contact details and texts to look for ($(wc -l <"$tmp/secrets"))" \
  test "$(wc -l <"$tmp/secrets")" -ge 20

# --- Nothing personal in streams, logs, reports or audit trails --------------
for service in intake training placement feedback reporting; do
  "$opstap" tail --service "$service" --from 1 >"$tmp/$service.events" 2>/dev/null
  "$opstap" audit --service "$service" >"$tmp/$service.audit"
done
"$opstap" report --from 2000-01-01 --to 2030-12-31 --format csv >"$tmp/report.csv"
check "streams were read ($(cat "$tmp"/*.events | wc -l) events)" \
  test "$(cat "$tmp"/*.events | wc -l)" -ge 100
check "audit trails were read ($(cat "$tmp"/*.audit | wc -l) entries)" \
  test "$(cat "$tmp"/*.audit | wc -l)" -ge 100
check "the services log to stderr" grep -q 'event=service.start' "$tmp/services.log"
scan=("$tmp"/*.events "$tmp"/*.audit "$tmp/services.log" "$tmp/before.json" "$tmp/report.csv")
check "no contact detail or free text in events, logs, reports, audit" \
  bash -c "! grep -F -f '$tmp/secrets' ${scan[*]}"
check "no BSN-like number (9 digits) in events, logs, reports, audit" \
  bash -c "! grep -E '(^|[^0-9])[0-9]{9}([^0-9]|$)' ${scan[*]}"
check "the scan can find: candidate.get shows contact details" \
  bash -c "echo '{\"cmd\":\"candidate.get\",\"office\":\"nijmegen\",\"id\":\"c-anna\"}' \
    | '$opstap' submit | grep -qF -f '$tmp/secrets'"

# --- Erasure ----------------------------------------------------------------
for id in "${erased[@]}"; do
  echo "{\"cmd\":\"candidate.erase\",\"office\":\"nijmegen\",\"id\":\"$id\"}"
done | "$opstap" submit >"$tmp/erase.replies"
check "candidate.erase ok for ${erased[*]}" test "$(grep -c '"ok":true' "$tmp/erase.replies")" -eq 3
check "consumers caught up after erasure" wait_settled
"$opstap" erase-status t-ada >"$tmp/status.pending"
check "erase-status: intake still holds the id until complete" \
  grep -qE '^intake +intake +holds' "$tmp/status.pending"
sed 's/^/  /' "$tmp/status.pending"
check "erase-status: every follower is clean" \
  test "$(grep -cE '^(training|placement|feedback|reporting) .* clean' "$tmp/status.pending")" -eq 4
for id in "${erased[@]}"; do
  "$opstap" erase-status "$id" --complete >"$tmp/complete.$id"
  check "erase-status --complete $id" grep -q "^complete: " "$tmp/complete.$id"
  "$opstap" erase-status "$id" >"$tmp/after.$id"
  check "erase-status $id: erased everywhere" grep -q "^erased everywhere" "$tmp/after.$id"
done
report "$tmp/after.json"
check "report unchanged by the erasure" cmp -s "$tmp/before.json" "$tmp/after.json"

# A reporting rebuilt from the streams after the erasure: same figures.
stop_services
rm -rf "$data/reporting" "$data/reporting.audit"
start_services
check "services up again" "$opstap" status --wait 10 >/dev/null
check "rebuilt reporting caught up" wait_settled
report "$tmp/rebuilt.json"
check "report rebuilt from the streams after erasure is the same" \
  cmp -s "$tmp/before.json" "$tmp/rebuilt.json"
stop_services

# Reading the stores directly: no id, no text, no contact detail of theirs.
for store in "$data"/*; do
  case "$store" in *.vault) continue ;; esac
  mdb_dump -p -a "$store" >>"$tmp/dump" 2>>"$tmp/dump.err" || echo "fail $store" >>"$tmp/dump.err"
done
check "every store dumped ($(ls "$data" | grep -vc '\.vault$') stores, incl. audit)" \
  test "$(ls "$data" | wc -l)" -ge 10 -a ! -s "$tmp/dump.err"
check "the dump holds the others (c-anna)" grep -qF 'c-anna' "$tmp/dump"
while read -r secret; do
  check "no store holds '$secret'" bash -c "! grep -qF -- '$secret' '$tmp/dump'"
done <"$tmp/theirs"

# --- Retention: services remove expired records on their own ---------------
# A short period for the test: a trajectory that ended a second ago is due.
export OPSTAP_RETENTION="candidate=1s,audit=1y,check=1s"
start_services
check "services up with retention=1s" "$opstap" status --wait 10 >/dev/null
/usr/bin/python3 -c "
import json, sys
for l in open(sys.argv[1]):
    if l.startswith('{') and '\"candidate.register\"' in l:
        b = json.loads(l); b['id'] = 'r-gone'; print(json.dumps(b)); break" \
  "$src/examples/intake.jsonl" >"$tmp/retention.jsonl"
echo '{"cmd":"candidate.register","office":"nijmegen","id":"r-kept","birth_year":1990,"referral":"self","benefit":"none","treatment":"none","criteria":{"psych_limitation":true,"motivated":true,"willing_to_train":true,"arranges_benefits":true,"seeks_paid_work":true},"consent":{"processing":true,"evaluation_contact":false},"date":"2018-01-01"}' >>"$tmp/retention.jsonl"
echo '{"cmd":"candidate.withdraw","office":"nijmegen","id":"r-gone","reason":"found work","date":"2018-02-01"}' >>"$tmp/retention.jsonl"
"$opstap" submit "$tmp/retention.jsonl" >"$tmp/retention.replies"
check "retention: register two, one withdraws" test $? -eq 0
# The first pass runs 2 s after the start, then every second: on a busy
# machine give it up to 10 s.
gone() { # submit exits non-zero on the not_found it waits for
  local reply
  reply="$(echo '{"cmd":"candidate.get","office":"nijmegen","id":"r-gone"}' |
    "$opstap" submit 2>/dev/null || true)"
  grep -q not_found <<<"$reply"
}
wait_gone() { for _ in $(seq 50); do gone && return 0; sleep 0.2; done; return 1; }
check "retention: the withdrawn candidate is gone" wait_gone
echo '{"cmd":"candidate.get","office":"nijmegen","id":"r-kept"}' | "$opstap" submit >"$tmp/retention.get"
check "retention: the running trajectory is kept" grep -q '"ok":true' "$tmp/retention.get"
check "retention: logged" grep -q 'event=retention.erase instance=intake candidates=1' "$tmp/services.log"
"$opstap" audit --service intake --caller retention >"$tmp/retention.audit"
check "retention: the erasure is in the audit trail, by 'retention'" \
  grep -q '"cmd":"candidate.erase".*"outcome":"ok"' "$tmp/retention.audit"
check "retention: followers removed it too" wait_settled
"$opstap" erase-status r-gone >"$tmp/retention.status"
check "retention: erase-status shows every follower clean" \
  test "$(grep -cE '^(training|placement|feedback|reporting) .* clean' "$tmp/retention.status")" -eq 4
stop_services

# --- Retention of the audit trail: entries older than the period go --------
export OPSTAP_RETENTION="candidate=7y,audit=3s,check=1s"
sleep 3 # every entry so far is older than the period
start_services
check "services up with audit=3s" "$opstap" status --wait 10 >/dev/null
expired() { grep -q 'event=retention.audit instance=intake entries=' "$tmp/services.log"; }
wait_expired() { for _ in $(seq 50); do expired && return 0; sleep 0.2; done; return 1; }
check "audit retention: intake logs the entries it removed" wait_expired
echo '{"cmd":"candidate.get","office":"nijmegen","id":"r-kept"}' | "$opstap" submit >/dev/null
"$opstap" audit --service intake >"$tmp/audit.after"
check "audit retention: the older entries are gone (the retention erasure's)" \
  bash -c "! grep -q '\"caller\":\"retention\"' '$tmp/audit.after'"
check "audit retention: a new entry is kept" grep -q '"record":"r-kept"' "$tmp/audit.after"
# More than an answer holds (1000): the oldest are printed, and it says so.
for _ in $(seq 1000); do
  echo '{"cmd":"candidate.get","office":"nijmegen","id":"r-kept"}'
done >"$tmp/gets.jsonl"
"$opstap" submit "$tmp/gets.jsonl" >/dev/null
"$opstap" audit --service intake >"$tmp/audit.many" 2>"$tmp/audit.many.err"
check "audit: 1000 entries printed of the more it holds" test "$(wc -l <"$tmp/audit.many")" -eq 1000
check "... and stderr says there are more" \
  grep -q 'intake holds more matching entries than the 1000 oldest shown' "$tmp/audit.many.err"
"$opstap" audit --service intake --record nobody >"$tmp/audit.none" 2>"$tmp/audit.none.err"
check "... and nothing when all are shown" test ! -s "$tmp/audit.none.err"
stop_services

summary
