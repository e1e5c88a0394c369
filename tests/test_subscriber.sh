#!/usr/bin/env bash
# examples/subscriber.py, the subscriber a data team copies:
# - intake and training on free ports while commands flow; the subscriber
#   and intake killed with SIGKILL, again and again, and started again:
#   every event of both streams once in its SQLite rows, equal to the
#   stream, and the position equal to the head;
# - a producer reset (a new epoch) or restored from a backup (head below
#   the position): exit 3 and nothing changed, or with --on-reset restart
#   the instance's rows dropped and followed again from 1; no epoch (an
#   older producer): followed on; replays without an answer asked again
#   (a fake producer, tests/fake_producer.py, says what the stream is);
# - CURVE: with a subscriber key it follows; without keys it says within
#   seconds that keys may be needed, and keeps trying.
#   tests/test_subscriber.sh BIN_DIR SOURCE_DIR
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bin="$1"
src="$2"
py=/usr/bin/python3
sub="$src/examples/subscriber.py"
scratch subscriber
declare -A pids=()

export OPSTAP_PORT_BASE="$(free_base 50)"
base=$OPSTAP_PORT_BASE
opstap="$bin/opstap"
start() { # start SERVICE [ARGS...]: a service on the loopback defaults
  local service="$1"; shift
  "$bin/opstap-$service" --data "$tmp/var" "$@" 2>>"$tmp/$service.log" &
  pids[$service]=$!
}
kill9() { # kill9 NAME: SIGKILL and reap
  kill -KILL "${pids[$1]}" 2>/dev/null
  wait "${pids[$1]}" 2>/dev/null
  unset "pids[$1]"
}
subscribe() { # subscribe: the subscriber in the background, following both
  starts=$((starts + 1))
  "$py" "$sub" --service intake,training --db "$tmp/sub.db" --quiet \
    2>>"$tmp/subscriber.log" &
  pids[subscriber]=$!
  # Running once it says what it follows (a signal before that would find
  # the forked shell, or python without its handler).
  for _ in $(seq 100); do
    [ "$(grep -c following "$tmp/subscriber.log")" -ge $((2 * starts)) ] && break
    sleep 0.05
  done
}
starts=0
answer() { # answer INSTANCE...: waits up to 10 s until each answers opstap status
  local _
  for _ in $(seq 50); do
    # (exit 1 while any instance of the directory is down: not these)
    { "$opstap" status --json 2>/dev/null || true; } | "$py" -c "
import json, sys
up = {r['instance'] for r in map(json.loads, sys.stdin) if r.get('ok')}
sys.exit(0 if set(sys.argv[1:]) <= up else 1)" "$@" && return 0
    sleep 0.2
  done
  return 1
}
rows() { # rows SQL: the answer of the subscriber's database, one row a line
  "$py" -c "
import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print('|'.join(str(c) for c in row))" "$1" "$2"
}

# --- Exactly once through SIGKILLs of the subscriber and the producer ----------
start intake
start training
check "intake and training up" answer intake training
# 600 candidates in intake, 120 experts and their talks in training, sent
# as 40 runs of opstap submit 0.2 s apart, so that they flow for seconds:
# each command with its own rid, so a retry after intake's death applies once.
mkdir "$tmp/load"
"$py" - "$tmp/load" <<'PY'
import json, sys
criteria = dict(psych_limitation=True, motivated=True, willing_to_train=True,
                arranges_benefits=True, seeks_paid_work=True)
for i in range(600):
    out = open("%s/%02d.jsonl" % (sys.argv[1], i // 15), "a")
    office = ["nijmegen", "arnhem"][i % 2]
    print(json.dumps({"cmd": "candidate.register", "rid": "load-r%d" % i, "office": office,
                      "id": "s-%d" % i, "birth_year": 1970 + i % 30, "referral": "self",
                      "benefit": "none", "treatment": "done", "criteria": criteria,
                      "consent": {"processing": True, "evaluation_contact": False},
                      "date": "2018-03-01"}), file=out)
    if i % 5 == 0:
        print(json.dumps({"cmd": "expert.register", "rid": "load-e%d" % i, "office": office,
                          "id": "x-%d" % i, "paid": True, "fte": 0.5,
                          "experience": ["debt"], "max_caseload": 10}), file=out)
        print(json.dumps({"cmd": "expert.activity", "rid": "load-a%d" % i, "office": office,
                          "expert": "x-%d" % i, "kind": "one_on_one", "minutes": 45,
                          "setting": "own_office", "candidate": "s-%d" % i,
                          "date": "2018-03-02"}), file=out)
PY
(
  for chunk in "$tmp"/load/*.jsonl; do
    OPSTAP_TIMEOUT=2 "$opstap" submit "$chunk" >>"$tmp/load.replies" 2>>"$tmp/load.err" \
      || echo "$chunk: exit $?" >>"$tmp/load.failed"
    sleep 0.2
  done
) &
pids[load]=$!
subscribe
kills=0
round=0
# At least six rounds, and on while the commands flow.
while [ "$round" -lt 6 ] || kill -0 "${pids[load]}" 2>/dev/null; do
  round=$((round + 1))
  sleep "0.$((RANDOM % 6 + 4))"
  kill9 subscriber
  kills=$((kills + 1))
  if [ $((round % 2)) -eq 0 ]; then
    kill9 intake
    sleep 0.3
    start intake
  fi
  subscribe
done
wait "${pids[load]}"
check "the load went through intake's deaths (every submit exits 0)" test ! -e "$tmp/load.failed"
check "... every command answered ok" test "$(grep -c '"ok":true' "$tmp/load.replies")" -eq 840
unset 'pids[load]'
kill -TERM "${pids[subscriber]}"
wait "${pids[subscriber]}"
check "SIGTERM stops the subscriber with exit 0" test $? -eq 0
unset 'pids[subscriber]'
"$py" "$sub" --service intake,training --db "$tmp/sub.db" --quiet --until-idle 1 \
  2>>"$tmp/subscriber.log"
check "after $kills SIGKILLs ($((kills / 2)) of intake) it catches up and stops when idle (exit 0)" test $? -eq 0
for service in intake training; do
  "$opstap" tail --service "$service" --from 1 >"$tmp/$service.events"
done
check "every event of both streams once, equal to the stream, position = head" "$py" - \
  "$tmp/sub.db" "$tmp/intake.events" "$tmp/training.events" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ok = True
for path in sys.argv[2:]:
    stream = [json.loads(l) for l in open(path)]
    name = stream[0]["instance"]
    rows = db.execute("SELECT seq, body FROM events WHERE instance = ? ORDER BY seq",
                      (name,)).fetchall()
    position = db.execute("SELECT position FROM positions WHERE instance = ?",
                          (name,)).fetchone()[0]
    counted = db.execute("SELECT sum(n) FROM counts WHERE instance = ?", (name,)).fetchone()[0]
    same = [json.loads(body) for _, body in rows] == stream
    print("%s: %d events, %d rows, position %d, counted %s, equal %s" %
          (name, len(stream), len(rows), position, counted, same))
    ok = ok and same and [s for s, _ in rows] == list(range(1, len(stream) + 1))
    ok = ok and position == len(stream) and counted == len(stream)
sys.exit(0 if ok else 1)
PY
check "intake's stream holds all 600 registrations" \
  test "$(grep -c '"candidate.registered"' "$tmp/intake.events")" -ge 600
kill9 intake
kill9 training

# --- Reset, restore, no epoch, no answer: a fake producer ----------------------
fake() { # fake STATE-JSON: the fake intake's stream from now on
  echo "$1" >"$tmp/fake.state"
}
fake '{"epoch": "e1", "head": 5}'
"$py" "$src/tests/fake_producer.py" "$((base + 1))" "$((base + 2))" "$tmp/fake.state" \
  2>>"$tmp/fake.log" &
pids[fake]=$!
follow() { # follow DB [ARGS...]: the subscriber until idle; its exit status
  local db="$1"; shift
  OPSTAP_TIMEOUT=1 "$py" "$sub" --db "$db" --quiet --until-idle 1 "$@" 2>"$tmp/follow.log"
}
follow "$tmp/fake.db"
check "fake producer: followed to 5 (exit 0)" test $? -eq 0
check "... 5 rows, position 5 and epoch e1 kept" \
  test "$(rows "$tmp/fake.db" "SELECT count(*), position, epoch FROM events, positions")" = "5|5|e1"
fake '{"epoch": "e2", "head": 3}'
follow "$tmp/fake.db"
check "reset (another epoch): exit 3" test $? -eq 3
check "... saying it was reset" grep -q "intake was reset: its store is new (epoch e2, was e1)" \
  "$tmp/follow.log"
check "... and changing nothing" \
  test "$(rows "$tmp/fake.db" "SELECT count(*), position, epoch FROM events, positions")" = "5|5|e1"
follow "$tmp/fake.db" --on-reset restart
check "reset with --on-reset restart: exit 0" test $? -eq 0
check "... its rows dropped and followed again from 1" grep -q "dropped its 5 rows" "$tmp/follow.log"
check "... now 3 rows of epoch e2" \
  test "$(rows "$tmp/fake.db" "SELECT count(*), max(seq), position, epoch FROM events, positions")" \
  = "3|3|3|e2"
fake '{"epoch": "e2", "head": 1}'
follow "$tmp/fake.db"
check "restored from a backup (same epoch, head 1 < position 3): exit 3" test $? -eq 3
check "... saying so" grep -q "intake was restored from a backup: head 1 is below the position 3" \
  "$tmp/follow.log"
fake '{"head": 2}'
follow "$tmp/fake.db"
check "a producer without epoch, head 2 < position 3: followed on (exit 0)" test $? -eq 0
check "... with a warning" grep -q "sends no epoch" "$tmp/follow.log"
fake '{"epoch": "e2", "head": 6, "drop": 2}'
follow "$tmp/fake.db"
check "two replays without an answer: asked again, then 6 (exit 0)" test $? -eq 0
check "... saying it asks again" grep -q "no answer from intake .* asking again" "$tmp/follow.log"
check "... and 6 rows" test "$(rows "$tmp/fake.db" "SELECT count(*) FROM events")" = 6
kill9 fake
# A producer that is not there yet: it waits, and follows once it comes.
OPSTAP_TIMEOUT=1 "$py" "$sub" --db "$tmp/late.db" --quiet --until-idle 1 \
  2>"$tmp/late.log" &
pids[late]=$!
sleep 3
check "no producer for 3 s: still running" kill -0 "${pids[late]}"
fake '{"epoch": "e9", "head": 2}'
"$py" "$src/tests/fake_producer.py" "$((base + 1))" "$((base + 2))" "$tmp/fake.state" \
  2>>"$tmp/fake.log" &
pids[fake]=$!
wait "${pids[late]}"
check "... then followed it (exit 0, 2 rows)" \
  test "$?|$(rows "$tmp/late.db" "SELECT count(*) FROM events")" = "0|2"
unset 'pids[late]'
kill9 fake

# --- CURVE ------------------------------------------------------------------------
keys="$tmp/keys"
"$opstap" keys intake --dir "$keys" --role service --add >/dev/null 2>&1
"$opstap" keys team --dir "$keys" --role subscriber --add >/dev/null 2>&1
start intake --keys "$keys"
check "intake up with keys" env OPSTAP_KEYS="$keys" OPSTAP_CERT="$keys/team.key_secret" \
  bash -c "$(declare -f answer); opstap='$opstap' py='$py' answer intake"
OPSTAP_KEYS="$keys" OPSTAP_CERT="$keys/team.key_secret" "$py" "$sub" --db "$tmp/curve.db" \
  --quiet --until-idle 1 2>"$tmp/curve.log"
check "with a subscriber key over CURVE: exit 0" test $? -eq 0
check "... every intake event, as before the restart" \
  test "$(rows "$tmp/curve.db" "SELECT count(*) FROM events")" = "$(grep -c . "$tmp/intake.events")"
timeout 4 "$py" "$sub" --db "$tmp/nokeys.db" --quiet 2>"$tmp/nokeys.log"
check "without keys: still trying after 4 s (stopped by timeout)" test $? -eq 124
check "... having said that these services may need keys" \
  grep -q "refused the handshake: these services may need keys (OPSTAP_KEYS)" "$tmp/nokeys.log"
kill9 intake

if [ "$failures" -ne 0 ]; then
  for f in "$tmp"/*.log "$tmp"/load.err; do echo "== $f"; tail -n 15 "$f"; done
fi
summary
