#!/usr/bin/env bash
# Training through `opstap submit`, as a coordinator would: run
# examples/training.jsonl from creation to certificates, read the training
# stream back, then kill -9 training and, right after restarting it, register
# and admit a candidate in intake and enrol it in training on the next lines
# (read your writes across a restart). Stops every child by pid.
#   tests/training_submit.sh BIN_DIR SOURCE_DIR
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bin="$1"
src="$2"
tmp="$(mktemp -d /tmp/opstap-training-XXXXXX)"
intake_pid=""
training_pid=""

cleanup() {
  for pid in $intake_pid $training_pid; do kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT

base="$(free_base 20)"
export OPSTAP_CONFIG="$tmp/directory.conf"
cat >"$OPSTAP_CONFIG" <<EOF
intake   intake   * tcp://127.0.0.1:$base tcp://127.0.0.1:$((base + 1)) tcp://127.0.0.1:$((base + 2))
training training * tcp://127.0.0.1:$((base + 10)) tcp://127.0.0.1:$((base + 11)) tcp://127.0.0.1:$((base + 12))
EOF
opstap="$bin/opstap"

start_training() {
  "$bin/opstap-training" --data "$tmp/var" 2>>"$tmp/training.log" &
  training_pid=$!
}
"$bin/opstap-intake" --data "$tmp/var" 2>>"$tmp/intake.log" &
intake_pid=$!
start_training
check "status --wait sees intake and training" \
  bash -c "'$opstap' status --wait 10 >/dev/null"

# The example, from creation to certificates.
example="$src/examples/training.jsonl"
lines=$(grep -cvE '^\s*(#|$)' "$example")
"$opstap" submit "$example" >"$tmp/example.replies"
check "example: submit exits 0" test $? -eq 0
check "example: one ok reply per command ($lines)" \
  test "$(grep -c '"ok":true' "$tmp/example.replies")" -eq "$lines"
check "example: four certificates, Dex and Eva without" /usr/bin/python3 -c "
import json, sys
finish = [r for r in map(json.loads, open(sys.argv[1])) if 'certified' in r][0]
got = sorted(c['candidate'] for c in finish['certified'])
missed = sorted(c['candidate'] for c in finish['not_certified'])
sys.exit(0 if got == ['t-ada', 't-ben', 't-cor', 't-fay'] and missed == ['t-dex', 't-eva'] else 1)
" "$tmp/example.replies"

"$opstap" tail --service training --from 1 >"$tmp/training.events"
check "tail training exits 0" test $? -eq 0
check "training stream: seq 1..N, every event type, four certificates" /usr/bin/python3 -c "
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
types = [e['type'] for e in events]
want = {'expert.registered', 'expert.assigned', 'expert.activity_logged', 'cohort.created',
        'cohort.enrolled', 'cohort.started', 'meeting.recorded', 'goal.set', 'goal.revised',
        'reflection.recorded', 'cohort.finished', 'certificate.issued'}
ok = [e['seq'] for e in events] == list(range(1, len(events) + 1))
ok = ok and want <= set(types) and types.count('certificate.issued') == 4
ok = ok and types.count('meeting.recorded') == 10 and all('at' in e for e in events)
sys.exit(0 if ok else 1)
" "$tmp/training.events"
for secret in "Drie ochtenden" "alle ochtenden op tijd" "merkbaar betrouwbaarder" "depression"; do
  check "no '$secret' in the training stream or logs" \
    bash -c "! grep -qF '$secret' '$tmp/training.events' '$tmp/training.log'"
done

# Read your writes right after a restart: register, admit, enrol on the next line.
"$opstap" submit >/dev/null <<EOF
{"cmd": "cohort.create", "office": "nijmegen", "id": "k-rw", "trainer_kind": "professional", "trainer": "staff-1", "start": "2018-06-04"}
EOF
for i in 1 2 3 4 5; do
  kill -KILL "$training_pid"; wait "$training_pid" 2>/dev/null
  start_training
  cat >"$tmp/rw.jsonl" <<EOF
{"cmd": "candidate.register", "office": "nijmegen", "id": "rw-$i", "birth_year": 1990, "referral": "self", "benefit": "none", "treatment": "none", "criteria": {"psych_limitation": true, "motivated": true, "willing_to_train": true, "arranges_benefits": true, "seeks_paid_work": true}, "consent": {"processing": true, "evaluation_contact": false}, "date": "2018-05-01"}
{"cmd": "candidate.info_session", "office": "nijmegen", "id": "rw-$i", "date": "2018-05-07"}
{"cmd": "candidate.admit", "office": "nijmegen", "id": "rw-$i", "date": "2018-05-14"}
{"cmd": "cohort.enroll", "office": "nijmegen", "cohort": "k-rw", "candidate": "rw-$i"}
EOF
  "$opstap" submit "$tmp/rw.jsonl" >"$tmp/rw-$i.replies"
  check "restart $i: admitted and enrolled on the next line" \
    test "$(grep -c '"ok":true' "$tmp/rw-$i.replies")" -eq 4
done

kill -TERM "$training_pid"; wait "$training_pid"; rc_training=$?
kill -TERM "$intake_pid"; wait "$intake_pid"; rc_intake=$?
training_pid=""
intake_pid=""
check "both stop cleanly on SIGTERM" test "$rc_training$rc_intake" = "00"

if [ "$failures" -ne 0 ]; then
  for f in "$tmp"/*.log "$tmp"/*.replies; do echo "== $f"; tail -n 20 "$f"; done
fi
summary
