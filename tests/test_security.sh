#!/usr/bin/env bash
# CURVE, roles, offices, revocation and the audit trail (issue 7), with the
# five services started on keys made by `opstap keys`:
#  - no key, or a key not in the clients directory: no connection;
#  - a trainer is refused candidate.get; a coordinator of nijmegen is
#    refused every command of every service for arnhem, and sees no arnhem
#    events on the stream (replay with opstap tail, live PUB from Python);
#  - removing a key from the clients directory refuses its next command on
#    a connection made before, without a restart;
#  - the audit trails name each read and export above.
#   tests/test_security.sh BIN_DIR SOURCE_DIR
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bin="$1"
src="$2"
pids=()
scratch sec

export OPSTAP_PORT_BASE="$(free_base 60)"
base=$OPSTAP_PORT_BASE
opstap="$bin/opstap"
keys="$tmp/keys"
py=/usr/bin/python3
client="$(dirname "$0")/security_client.py"

# --- Keys ---------------------------------------------------------------------
for service in intake training placement feedback reporting; do
  "$opstap" keys "$service" --dir "$keys" --role service --add >/dev/null 2>&1
done
"$opstap" keys coord-all --dir "$keys" --role coordinator --add >/dev/null 2>&1
"$opstap" keys coord-nij --dir "$keys" --role coordinator --offices nijmegen --add \
  >"$tmp/keys.out" 2>&1
"$opstap" keys trainer --dir "$keys" --role trainer --add >/dev/null 2>&1
"$opstap" keys operator --dir "$keys" --role operator --add >/dev/null 2>&1
"$opstap" keys stranger --dir "$keys" --role coordinator >/dev/null 2>&1
rm "$keys/clients/stranger.key" # made, but never let in
check "opstap keys prints the policy line" \
  grep -qE '^.{40} coordinator nijmegen coord-nij$' "$tmp/keys.out"
check "policy has 9 callers" test "$(grep -c . "$keys/policy")" -eq 9

as() { # as NAME opstap-args...: run opstap with NAME's certificate
  local name="$1"; shift
  OPSTAP_KEYS="$keys" OPSTAP_CERT="$keys/$name.key_secret" OPSTAP_TIMEOUT=2 "$opstap" "$@"
}
register() { # register ID OFFICE: a candidate.register body from the example
  $py -c "
import json, sys
for l in open(sys.argv[1]):
    if l.startswith('{') and '\"candidate.register\"' in l:
        b = json.loads(l); b['id'], b['office'] = sys.argv[2], sys.argv[3]
        print(json.dumps(b)); break" "$src/examples/intake.jsonl" "$1" "$2"
}

for service in intake training placement feedback reporting; do
  "$bin/opstap-$service" --data "$tmp/var" --keys "$keys" 2>>"$tmp/services.log" &
  pids+=("$!")
done
check "operator: status sees every service up" as operator status --wait 10 >/dev/null

# --- Who may connect ------------------------------------------------------------
{ register c-nij-1 nijmegen; register c-nij-2 nijmegen; register c-arn-1 arnhem; } \
  | as coord-all submit >"$tmp/register.replies"
check "coordinator for all offices registers 3" \
  test "$(grep -c '"ok":true' "$tmp/register.replies")" -eq 3
echo '{"cmd":"candidate.list","office":"nijmegen"}' \
  | OPSTAP_TIMEOUT=1 "$opstap" submit >"$tmp/nokey.out" 2>&1
check "a client without a key gets no answer" bash -c "! grep -q '\"ok\"' '$tmp/nokey.out'"
echo '{"cmd":"candidate.list","office":"nijmegen"}' | as stranger submit >"$tmp/stranger.out" 2>&1
check "a key not in the clients directory gets no answer" \
  bash -c "! grep -q '\"ok\"' '$tmp/stranger.out'"

# --- Roles and offices ---------------------------------------------------------
echo '{"cmd":"candidate.get","office":"nijmegen","id":"c-nij-1"}' | as trainer submit \
  >"$tmp/trainer.out"
check "trainer is refused candidate.get (forbidden)" grep -q '"code":"forbidden"' "$tmp/trainer.out"
echo '{"cmd":"candidate.get","office":"nijmegen","id":"c-nij-1"}' | as coord-nij submit \
  >"$tmp/get.out"
check "coordinator of nijmegen reads a nijmegen candidate" grep -q '"ok":true' "$tmp/get.out"
# Every command of every service, for arnhem: all forbidden.
grep -hoE '\{"[a-z_]+\.[a-z_]+", s_[a-z_]+,' "$src"/services/*/*.c \
  | grep -oE '"[a-z_]+\.[a-z_]+"' | tr -d '"' | sort -u >"$tmp/commands"
check "all commands listed ($(wc -l <"$tmp/commands"))" test "$(wc -l <"$tmp/commands")" -ge 50
while read -r cmd; do echo "{\"cmd\":\"$cmd\",\"office\":\"arnhem\"}"; done <"$tmp/commands" \
  | as coord-nij submit >"$tmp/arnhem.out"
check "coordinator of nijmegen: every command for arnhem forbidden ($(grep -c forbidden "$tmp/arnhem.out")/$(wc -l <"$tmp/commands"))" \
  test "$(grep -c '"code":"forbidden"' "$tmp/arnhem.out")" -eq "$(wc -l <"$tmp/commands")"
# The built-in queries every service answers, sent straight to intake.
$py "$client" call "$keys" "$keys/coord-nij.key_secret" "tcp://127.0.0.1:$base" intake \
  '{"cmd":"audit.list","office":"arnhem"}' '{"cmd":"erase.check","office":"arnhem","candidate":"c-arn-1"}' \
  </dev/null >"$tmp/builtin.out"
check "and audit.list, erase.check for arnhem forbidden" \
  test "$(grep -c '"forbidden"' "$tmp/builtin.out")" -eq 2
echo '{"cmd":"report.summary","from":"2000-01-01","to":"2030-12-31"}' | as coord-nij submit \
  >"$tmp/allreport.out"
check "coordinator of nijmegen may not ask a report of all offices" \
  grep -q '"code":"forbidden"' "$tmp/allreport.out"
as coord-nij report --office nijmegen --from 2000-01-01 --to 2030-12-31 --format json \
  >"$tmp/report.nij" 2>&1
check "coordinator of nijmegen exports its own report" grep -q '"registered"' "$tmp/report.nij"

# --- Streams: replay and live ----------------------------------------------------
as coord-nij tail --service intake --from 1 >"$tmp/tail.nij"
as coord-all tail --service intake --from 1 >"$tmp/tail.all"
check "coordinator of all offices sees arnhem events" grep -q '"office":"arnhem"' "$tmp/tail.all"
check "coordinator of nijmegen replays only nijmegen events ($(wc -l <"$tmp/tail.nij"))" \
  test "$(wc -l <"$tmp/tail.nij")" -eq "$(grep -c '"office":"nijmegen"' "$tmp/tail.all")" \
  -a "$(grep -c '"office":"nijmegen"' "$tmp/tail.nij")" -eq "$(wc -l <"$tmp/tail.nij")"
as trainer tail --service intake --from 1 >"$tmp/tail.trainer" 2>&1
check "a trainer may not read the intake stream" grep -q 'forbidden' "$tmp/tail.trainer"
for who in coord-nij coord-all; do
  $py "$client" stream "$keys" "$keys/$who.key_secret" "tcp://127.0.0.1:$((base + 1))" \
    intake 4 >"$tmp/live.$who" &
  pids+=("$!")
done
sleep 1.5
{ register c-nij-3 nijmegen; register c-arn-2 arnhem; register c-nij-4 nijmegen; } \
  | as coord-all submit >/dev/null
sleep 3
check "live stream: all offices gets 3 events" test "$(grep -c '^intake\.' "$tmp/live.coord-all")" -eq 3
check "live stream: nijmegen gets its 2 and no arnhem" \
  test "$(grep -c '^intake\.nijmegen/$' "$tmp/live.coord-nij")" -eq 2 \
  -a "$(grep -c 'arnhem' "$tmp/live.coord-nij")" -eq 0

# --- Revocation without a restart -------------------------------------------------
mkfifo "$tmp/pace"
$py "$client" call "$keys" "$keys/coord-nij.key_secret" "tcp://127.0.0.1:$base" intake \
  '{"cmd":"candidate.get","office":"nijmegen","id":"c-nij-1"}' \
  '{"cmd":"candidate.get","office":"nijmegen","id":"c-nij-1"}' <"$tmp/pace" >"$tmp/revoke.out" &
exec 7>"$tmp/pace"
sleep 1
rm "$keys/clients/coord-nij.key"
sleep 1.5
echo next >&7
exec 7>&-
wait $!
check "before revocation: ok" test "$(sed -n 1p "$tmp/revoke.out" | grep -c '"ok": true')" -eq 1
check "after revocation, same connection: forbidden" \
  test "$(sed -n 2p "$tmp/revoke.out" | grep -c '"forbidden"')" -eq 1
echo '{"cmd":"candidate.list","office":"nijmegen"}' | as coord-nij submit >"$tmp/revoked.out" 2>&1
check "after revocation, a new connection: no answer" bash -c "! grep -q '\"ok\"' '$tmp/revoked.out'"
check "the policy reload is logged" grep -q 'event=policy.reload' "$tmp/services.log"

# --- The audit trail -------------------------------------------------------------
as operator audit --service intake >"$tmp/audit.intake"
as operator audit --service reporting >"$tmp/audit.reporting"
key_of() { grep -oE '^.{40} [a-z_]+ [^ ]+ '"$1"'$' "$keys/policy" | cut -c1-40; }
trainer_key="$(key_of trainer)"
audit_has() { # audit_has FILE PYTHON-CONDITION-ON-e
  $py -c "
import json, sys
es = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(0 if any($2 for e in es) else 1)" "$1"
}
check "audit: trainer's refused candidate.get, by key" audit_has "$tmp/audit.intake" \
  "e['cmd'] == 'candidate.get' and e['key'] == '$trainer_key' and e['outcome'] == 'forbidden' and e['record'] == ''"
check "audit: coord-nij read c-nij-1" audit_has "$tmp/audit.intake" \
  "e['cmd'] == 'candidate.get' and e['caller'] == 'coord-nij' and e['record'] == 'c-nij-1' and e['outcome'] == 'ok' and e['office'] == 'nijmegen'"
check "audit: coord-nij's stream replay" audit_has "$tmp/audit.intake" \
  "e['cmd'] == 'replay' and e['caller'] == 'coord-nij' and e['office'] == 'nijmegen'"
check "audit: coord-nij's report export" audit_has "$tmp/audit.reporting" \
  "e['cmd'] == 'report.summary' and e['caller'] == 'coord-nij' and e['office'] == 'nijmegen' and e['outcome'] == 'ok'"
check "audit: refused report of all offices" audit_has "$tmp/audit.reporting" \
  "e['cmd'] == 'report.summary' and e['caller'] == 'coord-nij' and e['outcome'] == 'forbidden'"
as operator audit --service intake --caller coord-nij --record c-nij-1 >"$tmp/audit.filtered"
check "audit filtered by caller and record ($(wc -l <"$tmp/audit.filtered") entries)" $py -c "
import json, sys
es = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(0 if es and all(e['caller'] == 'coord-nij' and e['record'] == 'c-nij-1' for e in es) else 1)" \
  "$tmp/audit.filtered"
check "audit entries hold no contact details" \
  bash -c "! grep -qE 'example\.nl|06-' '$tmp'/audit.*"
as trainer audit --service intake >"$tmp/audit.trainer" 2>&1
check "a trainer may not read the audit trail" grep -q 'forbidden' "$tmp/audit.trainer"

# --- A bad policy file revokes everyone until it is fixed -----------------------
cp "$keys/policy" "$tmp/policy.good"
echo "not a policy line" >>"$keys/policy"
sleep 1.5
echo '{"cmd":"candidate.list","office":"nijmegen"}' | as coord-all submit >"$tmp/badpolicy.out" 2>&1
check "a bad policy line: every key refused (fail closed)" grep -q '"code":"forbidden"' "$tmp/badpolicy.out"
check "... and logged" grep -q 'event=policy.bad' "$tmp/services.log"
cp "$tmp/policy.good" "$keys/policy"
sleep 1.5
echo '{"cmd":"candidate.list","office":"nijmegen"}' | as coord-all submit >"$tmp/goodpolicy.out" 2>&1
check "the policy fixed: served again without a restart" grep -q '"ok":true' "$tmp/goodpolicy.out"

for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
pids=()

# --- Start-up errors are clear -----------------------------------------------------
"$bin/opstap-intake" --data "$tmp/var2" --keys "$tmp/nokeys" 2>"$tmp/nocert.log"
check "keys without the instance's certificate: start refused ($?), with the reason" \
  grep -q 'no secret certificate at' "$tmp/nocert.log"
# A certificate there but not readable by the service's user (a secret's
# owner or mode): said so, not "missing". As root, the service runs as
# nobody, who cannot read a file of mode 0400 owned by root.
mkdir -p "$tmp/unreadable" "$tmp/var3"
cp "$keys/intake.key_secret" "$tmp/unreadable/intake.key_secret"
chmod 0400 "$tmp/unreadable/intake.key_secret"
if [ "$(id -u)" -eq 0 ]; then
  chmod 0755 "$tmp" "$tmp/unreadable" && chmod 0777 "$tmp/var3"
  setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$bin/opstap-intake" --data "$tmp/var3" --keys "$tmp/unreadable" 2>"$tmp/unreadable.log"
else
  chmod 0000 "$tmp/unreadable/intake.key_secret"
  "$bin/opstap-intake" --data "$tmp/var3" --keys "$tmp/unreadable" 2>"$tmp/unreadable.log"
fi
check "a certificate it may not read: start refused, saying so" \
  grep -q "cannot read the secret certificate $tmp/unreadable/intake.key_secret: Permission denied" \
  "$tmp/unreadable.log"
"$bin/opstap-intake" --data "$tmp/var2" --retention candidate=soon 2>"$tmp/retention.log"
check "a bad retention spec: start refused, with the reason" \
  grep -q 'retention: want kind=PERIOD' "$tmp/retention.log"
summary
