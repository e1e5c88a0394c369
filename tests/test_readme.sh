#!/usr/bin/env bash
# The README as a new user follows it: scripts/up on free ports and a fresh
# data directory, then every command of "Using it" in order, as written,
# each exiting 0; the set stopped and started again with --secure on the
# same data, and every command of "Secure mode" likewise. On the way,
# scripts/up itself: it says where everything is only once every service
# answers (and the dashboard it names answers), refuses a port that is
# taken, and exits 1 when a service fails to start or dies.
#   tests/test_readme.sh BIN_DIR SOURCE_DIR
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bin="$1"
src="$2"
scratch readme
declare -A pids=()
unset OPSTAP_KEYS OPSTAP_CERT OPSTAP_CONFIG OPSTAP_DATA OPSTAP_TIMEOUT

# A clone as the README sees it: scripts/ and examples/ of this tree, the
# programs under test as build/bin, and var/ its own.
root="$tmp/clone"
mkdir -p "$root/build"
ln -s "$src/scripts" "$root/scripts"
ln -s "$src/examples" "$root/examples"
ln -s "$bin" "$root/build/bin"
export OPSTAP_BIN="$bin" OPSTAP_PORT_BASE="$(free_base 50)"
base=$OPSTAP_PORT_BASE

blocks() { # blocks: the README's ```sh blocks, each line prefixed by its number
  /usr/bin/python3 - "$src/README.md" <<'PY'
import sys
block, n = None, 0
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line == "```sh":
        block, n = [], n + 1
    elif line == "```" and block is not None:
        for command in block:
            print("%d\t%s" % (n, command))
        block = None
    elif block is not None:
        block.append(line)
PY
}
blocks >"$tmp/blocks"
check "the README opens with exactly scripts/up and scripts/test" test \
  "$(awk -F'\t' '$1 == 1 {print $2}' "$tmp/blocks" | awk '{print $1}' | tr '\n' ' ')" \
  = "scripts/up scripts/test "
check "... before any other text than the title" \
  test "$(sed -n '1p;3p' "$src/README.md" | tr '\n' '|')" = "# Opstap|\`\`\`sh|"

up() { # up [--secure]: scripts/up in the clone, in the background, log in up.log
  (cd "$root" && exec scripts/up "$@") >>"$tmp/up.log" 2>&1 &
  pids[up]=$!
}
ready() { # ready: waits up to 60 s for scripts/up's "services up" line (the Nth)
  for _ in $(seq 600); do
    [ "$(grep -c 'services up in' "$tmp/up.log")" -ge "$1" ] && return 0
    kill -0 "${pids[up]}" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
stop_up() { # stop_up: SIGTERM to scripts/up; its exit status
  kill -TERM "${pids[up]}"
  wait "${pids[up]}"
  local rc=$?
  unset 'pids[up]'
  return $rc
}
run_block() { # run_block N: the README's Nth block in one shell in the clone,
  # each command's exit status in block-N.rc
  awk -F'\t' -v n="$1" '$1 == n {print $2}' "$tmp/blocks" >"$tmp/block-$1.sh"
  /usr/bin/python3 - "$tmp/block-$1.sh" "$tmp/block-$1.rc" >"$tmp/block-$1.run" <<'PY'
import shlex, sys
commands = [l for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
for i, command in enumerate(commands):
    print(command.rstrip("\n"))
    print("echo %s $? >>%s" % (shlex.quote("%d %s" % (i + 1, command.split("#")[0].strip())),
                               shlex.quote(sys.argv[2])))
PY
  (cd "$root" && bash "$tmp/block-$1.run") >"$tmp/block-$1.out" 2>"$tmp/block-$1.err"
}
each_ok() { # each_ok N: every command of block N ran and exited 0 (names any other)
  local want
  want=$(grep -cvE '^\s*(#|$)' "$tmp/block-$1.sh")
  [ "$(grep -c . "$tmp/block-$1.rc")" -eq "$want" ] || return 1
  ! grep -vE ' 0$' "$tmp/block-$1.rc"
}

# --- Using it --------------------------------------------------------------------
up
check "scripts/up: every service answers" ready 1
check "... and only then it says so: after all five services started" /usr/bin/python3 - \
  "$tmp/up.log" <<'PY'
import sys
log = open(sys.argv[1]).read().splitlines()
ready = [i for i, l in enumerate(log) if "services up in" in l][0]
starts = [i for i, l in enumerate(log) if "event=service.start" in l]
sys.exit(0 if len(starts) == 5 and max(starts) < ready else 1)
PY
check "... naming every command port, the dashboard and the data directory" /usr/bin/python3 - \
  "$tmp/up.log" "$base" "$root/var" <<'PY'
import sys
log, base, data = open(sys.argv[1]).read(), int(sys.argv[2]), sys.argv[3]
want = ["commands tcp://127.0.0.1:%d" % (base + p) for p in (0, 10, 20, 30, 40)]
want += ["http://127.0.0.1:%d/?from=" % (base + 45), "data       " + data]
missing = [w for w in want if w not in log]
print("missing: %s" % missing) if missing else None
sys.exit(1 if missing else 0)
PY
dashboard="$(grep -o 'http://127.0.0.1:[0-9]*/?from=[^ ]*' "$tmp/up.log" | head -1)"
check "... and the dashboard it names answers 200" \
  test "$(curl -s -o /dev/null -w '%{http_code}' "$dashboard")" = 200
(cd "$root" && OPSTAP_DATA="$tmp/other" scripts/up) >"$tmp/taken.log" 2>&1
check "a second scripts/up on the same ports exits 1" test $? -eq 1
check "... naming the port that is taken and what to do" grep -q \
  "port $base (intake command): Address already in use" "$tmp/taken.log"
check "... and OPSTAP_PORT_BASE" grep -q "OPSTAP_PORT_BASE=" "$tmp/taken.log"
run_block 2
check "every command of 'Using it' exits 0 ($(grep -c . "$tmp/block-2.rc") commands)" each_ok 2
intake_replies() { # intake_replies FILE: the replies to intake.jsonl's lines in FILE, in order
  grep -F '"rid":"intake-' "$1"
}
intake_replies "$tmp/block-2.out" >"$tmp/intake.replies"
check "... the second submit of intake.jsonl answers as the first" /usr/bin/python3 -c "
import sys
lines = open(sys.argv[1]).read().splitlines()
half = len([l for l in open(sys.argv[2]) if l.startswith('{')])
sys.exit(0 if len(lines) == 2 * half and lines[:half] == lines[half:] else 1)" \
  "$tmp/intake.replies" "$src/examples/intake.jsonl"
check "... the subscriber kept the streams in var/subscriber.db" /usr/bin/python3 -c "
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = dict(db.execute('SELECT instance, count(*) FROM events GROUP BY instance'))
pos = dict(db.execute('SELECT instance, position FROM positions'))
sys.exit(0 if rows and rows == pos and set(rows) == {'intake', 'training'} else 1)" \
  "$root/var/subscriber.db"
check "... the report table prints suppressed fractions as such" \
  grep -q "suppressed" "$tmp/block-2.out"
check "scripts/up stops every service on SIGTERM, exit 0" stop_up

# --- Secure mode -------------------------------------------------------------------
up --secure
check "scripts/up --secure: every service answers" ready 2
check "... naming the keys to export" grep -q "export OPSTAP_KEYS=$root/var/keys" "$tmp/up.log"
"$bin/opstap" status >"$tmp/nokeys.out" 2>"$tmp/nokeys.err"
check "opstap without keys: exit 1, every service refused" \
  test "$?|$(grep -c refused "$tmp/nokeys.out")" = "1|5"
check "... saying these services may need keys" \
  grep -q "these services may need keys (OPSTAP_KEYS)" "$tmp/nokeys.err"
SECONDS=0
echo '{"cmd":"candidate.get","office":"nijmegen","id":"c-anna"}' | "$bin/opstap" submit \
  >/dev/null 2>"$tmp/nokeys-submit.err"
check "... and submit says so at once: exit 2 within 3 s (${SECONDS} s)" \
  test "$?|$((SECONDS <= 3))" = "2|1"
run_block 3
check "every command of 'Secure mode' exits 0 ($(grep -c . "$tmp/block-3.rc") commands)" each_ok 3
# Its last two lines are queries: they answer with the state as it is now.
check "... intake.jsonl again over CURVE: its commands answered as in its first run" \
  test "$(intake_replies "$tmp/block-3.out" | head -n 16)" = "$(head -n 16 "$tmp/intake.replies")"
check "... erase-status completed Eva's erasure" \
  grep -q "complete: intake intake no longer names c-eva" "$tmp/block-3.out"
check "scripts/up --secure stops on SIGTERM, exit 0" stop_up

# --- A service that fails to start, or dies ------------------------------------------
mkdir -p "$tmp/bad" && echo "not a store" >"$tmp/bad/intake"
(cd "$root" && OPSTAP_DATA="$tmp/bad" timeout 60 scripts/up) >"$tmp/bad.log" 2>&1
check "a service that cannot start: scripts/up exits 1" test $? -eq 1
check "... naming it" grep -q "opstap-intake (exit 1) stopped while starting" "$tmp/bad.log"
up
check "scripts/up again on the README's data" ready 3
victim="$(pgrep -P "${pids[up]}" -x opstap-training)"
kill -KILL "$victim"
wait "${pids[up]}"
check "a service killed: scripts/up stops the others and exits 1" test $? -eq 1
unset 'pids[up]'
check "... naming it" grep -qE "opstap-training( \(exit 137\))? stopped by itself" "$tmp/up.log"

if [ "$failures" -ne 0 ]; then
  for f in "$tmp"/up.log "$tmp"/block-*.err "$tmp"/block-*.rc; do echo "== $f"; tail -n 25 "$f"; done
fi
summary
