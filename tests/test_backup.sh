#!/usr/bin/env bash
# Backup while running (issue 9): commands flow into intake while mdb_copy
# copies its store; the copy passes opstap-storecheck, a store with a gap
# made from it fails it, and an intake started on the restored copy replays
# every event it holds, equal to the original's. A fresh reporting that
# follows the restored intake, once the commands the backup missed are sent
# again, gives the same report as the original deployment's.
#   tests/test_backup.sh BIN_DIR SOURCE_DIR
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bin="$1"
src="$2"
py=/usr/bin/python3
declare -A pids=()
scratch backup

base="$(free_base 60)"
line() { echo "$1 $1 * $(ep "$2") $(ep "$2 + 1") $(ep "$2 + 2")"; }
{ line intake "$base"; line reporting "$base + 10"; } >"$tmp/orig.conf"
{ line intake "$base + 30"; line reporting "$base + 40"; } >"$tmp/restored.conf"
export OPSTAP_WEB_PORT=0 OPSTAP_TIMEOUT=5

start() { # start DEPLOYMENT SERVICE
  OPSTAP_CONFIG="$tmp/$1.conf" "$bin/opstap-$2" --instance "$2" --data "$tmp/$1" \
    2>>"$tmp/services.log" &
  pids[$1/$2]=$!
}
stop() { # stop DEPLOYMENT SERVICE: SIGTERM, and it must exit 0
  kill -TERM "${pids[$1/$2]}" && wait "${pids[$1/$2]}"
  local rc=$?
  unset "pids[$1/$2]"
  return $rc
}
quiet() { "$@" >/dev/null; }
op() { local config="$1"; shift; "$bin/opstap" --config "$tmp/$config.conf" "$@"; }
head_of() { # head_of DEPLOYMENT: intake's stream head
  { op "$1" status --json 2>/dev/null || true; } |
    $py -c 'import json,sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
print(next(r["head"] for r in rows if r.get("instance") == "intake" and r.get("ok")))'
}
caught_up() { # caught_up DEPLOYMENT: reporting has applied intake's whole stream
  for _ in $(seq 1 100); do
    op "$1" status --json 2>/dev/null >"$tmp/status.json"
    $py -c 'import json,sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
heads = {r["instance"]: r["head"] for r in rows if r.get("ok")}
sys.exit(0 if len(heads) == 2 and all(c["position"] == heads[c["instance"]]
         for r in rows if r.get("ok") for c in r["consumers"]) else 1)' "$tmp/status.json" &&
      return 0
    sleep 0.1
  done
  return 1
}
report() { # report DEPLOYMENT OUT
  caught_up "$1" && op "$1" report --from 2017-01-01 --to 2018-12-31 --k 1 \
    --format json >"$2"
}

# 600 registrations over three offices, varied enough to fill the report.
sed -n '/"candidate.register"/{p;q}' "$src/examples/intake.jsonl" >"$tmp/register.json"
$py - "$tmp/register.json" >"$tmp/work.jsonl" <<'PY'
import json, sys
base = json.load(open(sys.argv[1]))
offices = ["nijmegen", "arnhem", "ede"]
referrals = ["uwv", "municipality", "mental_health", "self", "client_org"]
for i in range(600):
    cmd = dict(base, id=f"b-{i:04d}", office=offices[i % 3],
               referral=referrals[i % 5], birth_year=1960 + i % 40,
               date=f"2017-{1 + i % 12:02d}-{1 + i % 28:02d}")
    print(json.dumps(cmd))
PY

start orig intake
start orig reporting
check "original: status --wait sees intake and reporting up" \
  quiet op orig status --wait 10
op orig submit "$tmp/work.jsonl" >"$tmp/orig.replies" &
submit=$!
for _ in $(seq 1 200); do
  [ "$(head_of orig)" -ge 100 ] 2>/dev/null && break
  sleep 0.05
done
before=$(head_of orig)
mkdir -p "$tmp/backup/intake"
mdb_copy "$tmp/orig/intake" "$tmp/backup/intake"
check "mdb_copy of the running store exits 0" test $? -eq 0
# The vault is backed up apart (docs/SECURITY.md): without it the copy's
# contact details cannot be read.
cp "$tmp/orig/intake.vault" "$tmp/backup/intake.vault"
kill -0 "$submit" 2>/dev/null
check "commands were still flowing when the copy finished (head $before)" test $? -eq 0
wait "$submit"
check "original: the submit exits 0" test $? -eq 0
final=$(head_of orig)

"$bin/opstap-storecheck" "$tmp/backup/intake" >"$tmp/check.out"
check "storecheck passes the backup" test $? -eq 0
cat "$tmp/check.out" | sed 's/^/  /'
n=$(sed -n 's/.* events \([0-9]*\) head.*/\1/p' "$tmp/check.out")
check "the backup holds $n events: from the $before seen before it, short of $final" \
  test "${n:-0}" -ge "$before" -a "${n:-0}" -lt "$final"
subjects=$(sed -n 's/.* subjects \([0-9]*\) .*/\1/p' "$tmp/check.out")
check "... each indexed by its candidate, in candidates (subjects $subjects)" \
  test "${subjects:-0}" -eq "${n:-1}"

# The checker must see a broken store: the backup's events less one.
mkdir -p "$tmp/broken"
mdb_dump -s events "$tmp/backup/intake" |
  $py -c 'import sys
lines = sys.stdin.read().split("\n")
start = lines.index("HEADER=END") + 1
# key/value line pairs after the header; drop the 50th pair (seq 50)
del lines[start + 98:start + 100]
print("\n".join(lines), end="")' | mdb_load -s events "$tmp/broken" 2>/dev/null
mdb_dump -s candidates "$tmp/backup/intake" | mdb_load -s candidates "$tmp/broken"
"$bin/opstap-storecheck" "$tmp/broken" >"$tmp/broken.out"
check "storecheck fails a store with a gap (exit 1)" test $? -eq 1
check "... and names the gap" grep -q "seq 51 follows 49 (a gap)" "$tmp/broken.out"
check "... and the index entry in candidates left pointing at it" \
  grep -q "points at event 50, which is missing" "$tmp/broken.out"

# A damaged page is a scan that fails: LMDB refuses a leaf whose header no
# longer says leaf. corrupt DIR MARKER copies the backup to DIR and clears
# that flag in every leaf page whose records hold MARKER (live or freed:
# freed ones are never read). Only the records count, not the free space
# between them, where a reused page keeps bytes of what it held before.
corrupt() {
  cp -r "$tmp/backup/intake" "$1"
  $py - "$1/data.mdb" "$2" <<'PY'
import sys
path, marker = sys.argv[1], sys.argv[2].encode()
data = bytearray(open(path, "rb").read())
hit = 0
for at in range(0, len(data), 4096):
    page = data[at:at + 4096]
    upper = int.from_bytes(page[14:16], "little")
    if page[10] == 0x02 and marker in page[upper:]:
        data[at + 10] = data[at + 11] = 0
        hit += 1
open(path, "wb").write(data)
sys.exit(0 if hit else 1)
PY
}
check "damaged copy: the events' leaf pages cleared" corrupt "$tmp/bad-events" \
  candidate.registered
"$bin/opstap-storecheck" "$tmp/bad-events" >"$tmp/bad-events.out"
check "storecheck fails a store whose events cannot be read (exit 1)" test $? -eq 1
check "... and says the scan failed" grep -q "the store failed a scan$" \
  "$tmp/bad-events.out"
check "damaged copy: the candidate records' leaf pages cleared" \
  corrupt "$tmp/bad-candidates" info_session
"$bin/opstap-storecheck" "$tmp/bad-candidates" >"$tmp/bad-candidates.out"
check "storecheck fails a store whose candidates cannot be read (exit 1)" test $? -eq 1
check "... and names the table" grep -q "the store failed a scan of candidates" \
  "$tmp/bad-candidates.out"

# Restore: a fresh data directory holding the copy, intake started on it.
mkdir -p "$tmp/restored"
cp -r "$tmp/backup/intake" "$tmp/restored/intake"
cp "$tmp/backup/intake.vault" "$tmp/restored/intake.vault"
start restored intake
intake_up() { # intake_up DEPLOYMENT: waits up to 10 s for intake to answer
  local tries=0
  while [ $tries -lt 100 ]; do
    quiet head_of "$1" 2>/dev/null && return 0
    tries=$((tries + 1))
    sleep 0.1
  done
  return 1
}
check "restored: intake starts on the copy" intake_up restored
check "restored: its head is the backup's ($n)" test "$(head_of restored)" = "$n"
op restored tail --service intake --from 1 >"$tmp/restored.events"
op orig tail --service intake --from 1 >"$tmp/orig.events"
check "restored: replay gives seq 1..$n, each equal to the original's" $py - \
  "$tmp/restored.events" "$tmp/orig.events" "$n" <<'PY'
import json, sys
restored = [json.loads(l) for l in open(sys.argv[1])]
orig = [json.loads(l) for l in open(sys.argv[2])]
n = int(sys.argv[3])
sys.exit(0 if [e["seq"] for e in restored] == list(range(1, n + 1))
         and restored == orig[:n] else 1)
PY

# A fresh reporting follows the restored intake; the commands the backup
# missed are sent again; the report must equal the original's.
start restored reporting
report orig "$tmp/orig.report"
check "original: report exits 0" test $? -eq 0
$py - "$tmp/restored.events" "$tmp/work.jsonl" >"$tmp/missed.jsonl" <<'PY'
import json, sys
have = {json.loads(l).get("candidate") for l in open(sys.argv[1])}
for l in open(sys.argv[2]):
    if json.loads(l)["id"] not in have:
        print(l, end="")
PY
op restored submit "$tmp/missed.jsonl" >"$tmp/missed.replies"
check "restored: the $(grep -c . "$tmp/missed.jsonl") commands it missed succeed" \
  test $? -eq 0 -a "$(grep -c '"ok":true' "$tmp/missed.replies")" -eq $((600 - n))
report restored "$tmp/restored.report"
check "restored: report equals the original's" cmp -s "$tmp/orig.report" \
  "$tmp/restored.report"
check "restored: its head equals the original's ($final)" \
  test "$(head_of restored)" = "$final"

for p in orig/intake orig/reporting restored/intake restored/reporting; do
  check "$p stops cleanly on SIGTERM" stop "${p%/*}" "${p#*/}"
done
"$bin/opstap-storecheck" "$tmp/restored/reporting" "$tmp/restored/intake" \
  >"$tmp/check2.out"
check "storecheck passes the restored reporting store against intake's head" \
  test $? -eq 0
sed 's/^/  /' "$tmp/check2.out"
summary
