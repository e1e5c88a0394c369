#!/usr/bin/env bash
# End to end, as a person would: start the built services on free loopback
# ports, run every example through `opstap submit`, read the streams back
# with `opstap tail` and with the independent Python subscriber, submit each
# example twice (the same replies: each line has its rid), check
# `opstap status`, scan everything printed for contact details, stop by pid.
#   tests/test_end_to_end.sh BIN_DIR SOURCE_DIR
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bin="$1"
src="$2"
tmp="$(mktemp -d /tmp/opstap-e2e-XXXXXX)"
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT

start_services() { # start_services DATA_DIR
  pids=()
  for service in intake training placement feedback reporting; do
    [ -x "$bin/opstap-$service" ] || continue
    "$bin/opstap-$service" --data "$1" 2>>"$tmp/services.log" &
    pids+=("$!")
  done
}

stop_services() {
  local clean=0
  for pid in "${pids[@]}"; do
    kill -TERM "$pid"; wait "$pid" || clean=1
  done
  pids=()
  return $clean
}

export OPSTAP_PORT_BASE="$(free_base 50)"
base=$OPSTAP_PORT_BASE
opstap="$bin/opstap"

for example in "$src"/examples/*.jsonl; do
  name="$(basename "$example" .jsonl)"
  data="$tmp/var-$name"
  start_services "$data"
  check "$name: status --wait sees every service up" \
    bash -c "'$opstap' status --wait 10 >'$tmp/status'"
  lines=$(grep -cvE '^\s*(#|$)' "$example")
  "$opstap" submit "$example" >"$tmp/$name.replies"
  check "$name: submit exits 0" test $? -eq 0
  check "$name: one ok reply per command ($lines)" \
    test "$(grep -c '"ok":true' "$tmp/$name.replies")" -eq "$lines"
  "$opstap" submit "$example" >"$tmp/$name.again"
  check "$name: submitted again, exit 0 and the same replies (each line has its rid)" \
    test "$?|$(cmp -s "$tmp/$name.replies" "$tmp/$name.again" && echo same)" = "0|same"
  for service in intake training placement feedback; do
    [ -x "$bin/opstap-$service" ] || continue
    "$opstap" tail --service "$service" --from 1 >"$tmp/$name.$service.events"
    check "$name: tail $service exits 0" test $? -eq 0
    # Every sequence number once, in order.
    check "$name: $service stream has seq 1..N" /usr/bin/python3 -c "
import json, sys
seqs = [json.loads(l)['seq'] for l in open(sys.argv[1])]
sys.exit(0 if seqs == list(range(1, len(seqs) + 1)) else 1)" "$tmp/$name.$service.events"
  done
  stop_services
  check "$name: every service stops cleanly on SIGTERM" test $? -eq 0
done

# The intake stream through the independent Python subscriber.
data="$tmp/var-python"
start_services "$data"
"$opstap" status --wait 10 >/dev/null
"$opstap" submit "$src/examples/intake.jsonl" >"$tmp/py.replies"
"$opstap" tail --service intake --from 1 >"$tmp/py.tail"
/usr/bin/python3 "$src/examples/subscriber.py" --db "$tmp/py.db" --until-idle 1 \
  >"$tmp/py.events" 2>"$tmp/py.err"
check "python subscriber exits 0" test $? -eq 0
check "python subscriber decodes every event ($(wc -l <"$tmp/py.tail"))" /usr/bin/python3 -c "
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
sys.exit(0 if len(a) == len(b) > 0 and a == b else 1)" "$tmp/py.tail" "$tmp/py.events"

# Bad input: exit 1, every line still answered.
printf '%s\n' '{"cmd":"candidate.get","office":"nijmegen","id":"c-anna"}' 'not json' \
  '{"cmd":"candidate.get","office":"nijmegen","id":"123456782"}' \
  '{"cmd":"candidate.get","office":"nijmegen","id":"c-anna","Piet Pietersen":1}' >"$tmp/bad.jsonl"
"$opstap" submit "$tmp/bad.jsonl" >"$tmp/bad.replies"
check "submit with errors exits 1" test $? -eq 1
check "submit answers every line" test "$(wc -l <"$tmp/bad.replies")" -eq 4
check "an unknown field is named to the caller" grep -qF '"field":"Piet Pietersen"' "$tmp/bad.replies"
check "and not written to the log" bash -c "! grep -qF 'Piet Pietersen' '$tmp/services.log'"
check "the refusal is logged without it" grep -qF 'field=(unknown)' "$tmp/services.log"
check "a BSN-like id is refused" grep -q '"invalid_argument"' "$tmp/bad.replies"
# What submit refuses itself, before sending: each line answered, in order.
big="$(head -c 300000 /dev/zero | tr '\0' a)"
printf '%s\n' '[1,2]' '{"cmd":5}' '{"cmd":"candidate.nothing","office":"nijmegen"}' \
  '{"cmd":"service.status"}' '{"cmd":"candidate.get","id":"c-anna"}' \
  '{"cmd":"candidate.get","office":7,"id":"c-anna"}' \
  "{\"cmd\":\"candidate.get\",\"office\":\"nijmegen\",\"id\":\"c-anna\",\"x\":\"$big\"}" \
  '{"cmd":"candidate.get","office":"nijmegen","id":"c-anna","rid":5}' >"$tmp/local.jsonl"
"$opstap" submit "$tmp/local.jsonl" >"$tmp/local.replies" 2>"$tmp/local.err"
check "submit refusing lines itself exits 1" test $? -eq 1
check "... each line answered, the reasons in order" /usr/bin/python3 -c "
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
want = [(None, 'a command must be a JSON object'), ('cmd', 'cmd must be a string'),
        ('cmd', 'unknown command candidate.nothing'), ('cmd', 'service.status is a query'),
        ('office', 'office is required'), ('office', 'office must be an identifier'),
        ('frame', 'command larger than'), ('rid', '')]
got = [(x['error'].get('field'), x['error']['message']) for x in r]
ok = len(got) == len(want) and all(
    f == wf and wm in m and x['error']['code'] == 'invalid_argument'
    for (f, m), (wf, wm), x in zip(got, want, r))
print(got, file=sys.stderr) if not ok else None
sys.exit(0 if ok else 1)" "$tmp/local.replies"
"$opstap" --config /nonexistent status >/dev/null 2>&1
check "a missing directory file exits 2" test $? -eq 2
# An operator's mistakes on the command line: exit 2 and the reason, each.
refuses() { # refuses REASON PROGRAM ARGS...: PROGRAM exits 2, REASON on stderr
  local reason="$1"
  shift
  "$@" >/dev/null 2>"$tmp/refused.err"
  [ $? -eq 2 ] && grep -qF -- "$reason" "$tmp/refused.err"
}
check "report --k 0" refuses "--k needs an integer of 1 or more" "$opstap" report --k 0
check "report --from without a value" refuses "report: --from needs a value" "$opstap" report --from
check "report --pages" refuses "report: unexpected argument --pages" "$opstap" report --pages 1
check "keys without a name" refuses "keys needs a NAME" "$opstap" keys --role operator
check "keys --role king" refuses "keys: unknown role king" "$opstap" keys anna --role king
check "keys with two names" refuses "keys: unexpected bob" "$opstap" keys anna bob
check "audit without --service" refuses "audit needs --service" "$opstap" audit
check "audit --everything" refuses "audit: unexpected --everything" "$opstap" audit --everything
check "erase-status without an id" refuses "erase-status needs a candidate ID" "$opstap" erase-status
check "erase-status --now" refuses "erase-status: unexpected --now" "$opstap" erase-status c-1 --now
check "audit --service intak (a typo) names the services there are" refuses \
  "no service intak in the directory; it lists intake, training, placement, feedback, reporting" \
  "$opstap" audit --service intak
check "tail --service intak likewise" refuses "no service intak in the directory" \
  "$opstap" tail --service intak
check "report --office 'a b'" refuses "a b is not an office" "$opstap" report --office "a b" \
  --from 2017-01-01 --to 2017-12-31
check "help for a command there is not" refuses "help: no command frob" "$opstap" help frob
# Offices, where the directory says which there are.
printf '%s\n' "intake intake-a nijmegen,arnhem $(ep base) $(ep base+1) $(ep base+2)" \
  "reporting reporting * $(ep base+40) $(ep base+41) $(ep base+42)" >"$tmp/offices.conf"
check "audit --office ede, which no intake instance serves" refuses \
  "no instance of intake serves office ede; the directory lists nijmegen,arnhem" \
  "$opstap" --config "$tmp/offices.conf" audit --service intake --office ede
check "erase-status --office ede likewise" refuses "no instance of intake serves office ede" \
  "$opstap" --config "$tmp/offices.conf" erase-status c-1 --office ede
check "opstap endpoints lists the directory" test \
  "$("$opstap" --config "$tmp/offices.conf" endpoints | awk '{print $2, $3, $4}' | tr '\n' ' ')" \
  = "intake-a nijmegen,arnhem $(ep base) reporting * $(ep base+40) "
# Help and version: on stdout, exit 0, for the tool, each command, each service.
helps() { # helps TEXT PROGRAM ARGS...: PROGRAM exits 0 with TEXT on stdout, nothing on stderr
  local text="$1"
  shift
  "$@" >"$tmp/help.out" 2>"$tmp/help.err" && grep -qF -- "$text" "$tmp/help.out" \
    && test ! -s "$tmp/help.err"
}
for args in --help -h help; do
  check "opstap $args" helps "usage: opstap [--config FILE] COMMAND [ARGS]" "$opstap" $args
done
check "opstap --version names the version and commit" helps "opstap 0." "$opstap" --version
check "... commit" grep -qE '^opstap [0-9]+\.[0-9]+\.[0-9]+ \(commit [0-9a-z-]+\)$' "$tmp/help.out"
for command in submit tail status report keys audit erase-status endpoints; do
  check "opstap $command --help" helps "usage: opstap $command" "$opstap" "$command" --help
  check "opstap help $command" helps "usage: opstap $command" "$opstap" help "$command"
done
check "opstap submit -h is help, not a file" helps "usage: opstap submit" "$opstap" submit -h
for service in intake training placement feedback; do
  check "opstap-$service --help lists --cert and --retention" helps \
    "[--cert FILE] [--retention SPEC] [--batch N]" "$bin/opstap-$service" --help --data "$tmp/no"
  check "opstap-$service --version" helps "opstap-$service 0." "$bin/opstap-$service" --version
done
# And a service's: the usage or the reason, nothing started.
check "opstap-intake --batch 0" \
  refuses "opstap-intake: --batch: needs a number of commands, 1-4096" "$bin/opstap-intake" \
  --batch 0 --data "$tmp/no"
check "opstap-intake --frobnicate" refuses "opstap-intake: --frobnicate: unknown option" \
  "$bin/opstap-intake" --frobnicate 1
check "... and shows the usage" grep -qF "usage: opstap-intake" "$tmp/refused.err"
check "opstap-intake --data without a value" \
  refuses "opstap-intake: --data: needs a value" "$bin/opstap-intake" --data
check "opstap-intake --config /nonexistent" refuses \
  "event=config.error message=\"cannot open /nonexistent" "$bin/opstap-intake" --config /nonexistent
check "... and made no store" test ! -e "$tmp/no"

# Contact details appear in the candidate.get reply and nowhere else (the
# services' log is checked to be there, so the scan cannot pass on nothing).
check "the services log to stderr" grep -q 'event=service.start' "$tmp/services.log"
for secret in "anna@example.nl" "Anna de Vries" "06-11111111" "eva@example.nl"; do
  check "no '$secret' in events or logs" \
    bash -c "! grep -rqF '$secret' '$tmp'/*.events '$tmp/services.log' '$tmp/py.tail'"
done
check "candidate.get carries the contact details" grep -qF "anna@example.nl" "$tmp/py.replies"
check "only candidate.get carries them" \
  test "$(grep -cF 'anna@example.nl' "$tmp/py.replies")" -eq 1

# A data team's subscriber: `opstap tail --follow` prints what is there, then
# each new event as it comes, and ends (exit 0) on SIGTERM.
head="$(grep -c . "$tmp/py.tail")"
"$opstap" tail --service intake --from "$head" --follow >"$tmp/follow.out" 2>"$tmp/follow.err" &
follower=$!
pids+=("$follower")
lines_at_least() { # lines_at_least N: waits up to 10 s for N lines in follow.out
  for _ in $(seq 100); do
    [ "$(grep -c . "$tmp/follow.out")" -ge "$1" ] && return 0
    sleep 0.1
  done
  return 1
}
check "tail --follow prints the last event there ($head)" lines_at_least 1
echo '{"cmd":"candidate.register","office":"nijmegen","id":"c-late","birth_year":1990,"referral":"self","benefit":"none","treatment":"none","criteria":{"psych_limitation":true,"motivated":true,"willing_to_train":true,"arranges_benefits":true,"seeks_paid_work":true},"consent":{"processing":true,"evaluation_contact":false},"date":"2018-01-01"}' |
  "$opstap" submit >/dev/null
check "... then the new one as it comes" lines_at_least 2
check "... which is candidate.registered for c-late, seq $((head + 1))" /usr/bin/python3 -c "
import json, sys
e = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
sys.exit(0 if [x['seq'] for x in e] == [int(sys.argv[2]), int(sys.argv[2]) + 1]
         and e[1]['type'] == 'candidate.registered' and e[1]['candidate'] == 'c-late' else 1)" \
  "$tmp/follow.out" "$head"
kill -TERM "$follower"
wait "$follower"
check "... and SIGTERM ends it with exit 0" test $? -eq 0
unset 'pids[-1]'
check "tail --from 0 is a usage error that says why" \
  refuses "--from needs a sequence number >= 1" "$opstap" tail --service intake --from 0
check "tail of an instance not in the directory names it" \
  refuses "no instance nobody of service intake" "$opstap" tail --service intake --instance nobody
check "tail with an unknown argument names it" \
  refuses "unexpected argument --now" "$opstap" tail --service intake --now
stop_services

summary
