#!/usr/bin/env bash
# Zeros written ahead of a store's data (finding 12): a running intake keeps
# at least 1 MiB written past its data. When the disk refuses (here a file
# size limit, set with prlimit) the service logs it once, answers commands
# as before and says when writing ahead works again; the store then passes
# opstap-storecheck and holds every command answered ok.
#   tests/test_reserve.sh BIN_DIR SOURCE_DIR
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bin="$1"
src="$2"
declare -A pids=()
scratch reserve

base="$(free_base 10)"
echo "intake intake * $(ep "$base") $(ep "$base + 1") $(ep "$base + 2")" >"$tmp/conf"
export OPSTAP_CONFIG="$tmp/conf" OPSTAP_WEB_PORT=0 OPSTAP_TIMEOUT=5
limit=$((512 * 1024))
data="$tmp/var/intake/data.mdb"
log="$tmp/intake.log"

logged() { # logged PATTERN: waits up to 5 s for PATTERN in the log
  for _ in $(seq 1 50); do
    grep -q "$1" "$log" && return 0
    sleep 0.1
  done
  return 1
}
register() { # register ID: candidate.register answered ok
  sed -n '/"candidate.register"/{p;q}' "$src/examples/intake.jsonl" |
    /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); c["id"]=sys.argv[1]; print(json.dumps(c))' "$1" |
    "$bin/opstap" submit | grep -q '"ok":true'
}
size() { stat -c %s "$data"; }

prlimit --fsize="$limit:unlimited" "$bin/opstap-intake" --data "$tmp/var" 2>"$log" &
pids[intake]=$!
check "with a file size limit, the refusal is logged" \
  logged "event=store.reserve_error instance=intake message=\"store: reserve: File too large\""
check "a command is answered ok" register c-reserve-1
check "the data file stays within the limit ($(size) bytes)" test "$(size)" -le "$limit"
sleep 0.5
check "the refusal is logged once, not at every tick" \
  test "$(grep -c "event=store.reserve_error" "$log")" -eq 1
prlimit --pid "${pids[intake]}" --fsize=unlimited:unlimited
check "without the limit, writing ahead is logged to work again" \
  logged "event=store.reserve_ok instance=intake"
check "at least 1 MiB is written ahead ($(size) bytes)" test "$(size)" -ge $((1024 * 1024))
check "a command is answered ok after" register c-reserve-2
kill -TERM "${pids[intake]}" && wait "${pids[intake]}"
check "intake stops cleanly on SIGTERM" test $? -eq 0
unset "pids[intake]"

"$bin/opstap-storecheck" "$tmp/var/intake" >"$tmp/check.out"
check "the store passes storecheck" test $? -eq 0
check "... with both registrations' events" grep -q " events 2 head 2 " "$tmp/check.out"

summary
