#!/usr/bin/env bash
# Several hosts without Docker (issue 9): three Linux network namespaces on
# one bridge, every socket over CURVE.
#   host 1: intake-a (office nijmegen)
#   host 2: intake-b (office arnhem)
#   host 3: training, placement, feedback, reporting (following both intakes)
# The opstap tool, outside the namespaces, drives the examples, routed by
# office; host 1 is killed (SIGKILL) and brought back; the report is checked.
# Skips (exit 77) where namespaces cannot be made (not root, no iproute2).
# Beside a Docker engine the host's FORWARD policy is DROP and bridged
# frames go through iptables (net.bridge.bridge-nf-call-iptables=1): the
# test accepts its own bridge's traffic explicitly while it runs, and when
# the namespaces still cannot reach each other it fails within seconds,
# saying so, rather than waiting on services that cannot answer.
#   tests/test_netns.sh BIN_DIR SOURCE_DIR
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bin="$1"
src="$2"

if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null \
  || ! ip netns add "opstap-probe-$$" 2>/dev/null; then
  echo "SKIP: network namespaces unavailable here (need root and iproute2)"
  exit 77
fi
ip netns del "opstap-probe-$$"

pids=()
scratch netns
tag="op$$"
net="10.$((RANDOM % 200 + 20)).$((RANDOM % 250))"
bridge="${tag}br"
say() { echo "netns: $*"; }

accept_rules=()
cleanup_more() { # after lib_cleanup has killed the processes in pids
  local rule
  for rule in "${accept_rules[@]}"; do $rule -D FORWARD -i "$bridge" -o "$bridge" -j ACCEPT 2>/dev/null; done
  for h in 1 2 3; do ip netns del "${tag}h$h" 2>/dev/null; ip link del "${tag}v$h" 2>/dev/null; done
  ip link del "$bridge" 2>/dev/null
}

# --- Three hosts on a bridge ----------------------------------------------------
ip link add "$bridge" type bridge && ip addr add "$net.254/24" dev "$bridge" \
  && ip link set "$bridge" up
for h in 1 2 3; do
  ns="${tag}h$h"
  ip netns add "$ns"
  ip link add "${tag}v$h" type veth peer name eth0 netns "$ns"
  ip link set "${tag}v$h" master "$bridge" up
  ip -n "$ns" addr add "$net.$h/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
done
say "hosts ${tag}h1..3 at $net.1-3, bridge $bridge at $net.254"

# --- Traffic between the hosts ------------------------------------------------------
# Frames between two ports of the bridge pass the host's FORWARD chain when
# bridge-nf-call-iptables is 1; accept ours there (in iptables' default
# backend, and in the legacy one too if a program has loaded its filter
# table), ahead of a DROP policy or rules such as Docker's.
for tool in iptables iptables-legacy; do
  command -v "$tool" >/dev/null || continue
  [ "$tool" = iptables-legacy ] && ! grep -qx filter /proc/net/ip_tables_names 2>/dev/null && continue
  if "$tool" -w 5 -I FORWARD 1 -i "$bridge" -o "$bridge" -j ACCEPT 2>/dev/null; then
    accept_rules+=("$tool -w 5")
  fi
done
say "accepting $bridge's traffic in FORWARD with: ${accept_rules[*]:-nothing (no iptables here)}"
reaches() { # reaches FROM TO: a TCP connection from host FROM to host TO, within 2 s
  ip netns exec "${tag}h$2" timeout 5 /usr/bin/python3 -c "
import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('$net.$2', 7199)); s.listen(1); s.settimeout(4); c, _ = s.accept(); c.sendall(b'y')" &
  local listener=$! i
  for i in $(seq 20); do
    ip netns exec "${tag}h$2" ss -ltn 2>/dev/null | grep -q "$net.$2:7199" && break
    sleep 0.05
  done
  ip netns exec "${tag}h$1" timeout 2 bash -c "exec 3<>/dev/tcp/$net.$2/7199 && head -c 1 <&3" \
    2>/dev/null | grep -q y
  local rc=$?
  kill "$listener" 2>/dev/null
  wait "$listener" 2>/dev/null
  return $rc
}
dropped=""
for pair in "1 3" "2 3" "3 1" "3 2"; do
  reaches $pair || dropped="$dropped h${pair% *}->h${pair#* }"
done
check "traffic between the namespaces passes (h1, h2 -> h3 and back)${dropped:+; dropped:$dropped}" \
  test -z "$dropped"
if [ -n "$dropped" ]; then
  say "the host drops traffic between the namespaces: FORWARD policy" \
    "'$(iptables -S FORWARD 2>/dev/null | head -1)', net.bridge.bridge-nf-call-iptables" \
    "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null), and no ACCEPT rule of ours" \
    "helped; not starting the services"
  summary
  exit 1
fi

# --- Directory and keys ------------------------------------------------------------
cat >"$tmp/directory" <<EOF
# service  instance  offices   command              events               replay
intake     intake-a  nijmegen  tcp://$net.1:7100  tcp://$net.1:7101  tcp://$net.1:7102
intake     intake-b  arnhem    tcp://$net.2:7100  tcp://$net.2:7101  tcp://$net.2:7102
training   training  *         tcp://$net.3:7110  tcp://$net.3:7111  tcp://$net.3:7112
placement  placement *         tcp://$net.3:7120  tcp://$net.3:7121  tcp://$net.3:7122
feedback   feedback  *         tcp://$net.3:7130  tcp://$net.3:7131  tcp://$net.3:7132
reporting  reporting *         tcp://$net.3:7140  tcp://$net.3:7141  tcp://$net.3:7142
EOF
export OPSTAP_CONFIG="$tmp/directory"
keys="$tmp/keys"
for instance in intake-a intake-b training placement feedback reporting; do
  "$bin/opstap" keys "$instance" --dir "$keys" --role service --add >/dev/null 2>&1
done
"$bin/opstap" keys coord --dir "$keys" --role coordinator --add >/dev/null 2>&1
"$bin/opstap" keys ops --dir "$keys" --role operator --add >/dev/null 2>&1
say "keys for 6 instances, a coordinator and an operator in $keys"

start() { # start HOST SERVICE INSTANCE
  ip netns exec "${tag}h$1" "$bin/opstap-$2" --instance "$3" --data "$tmp/data-h$1" \
    --keys "$keys" 2>>"$tmp/h$1.log" &
  pids+=("$!")
  eval "pid_$(echo "$3" | tr -- - _)=$!"
}
start 1 intake intake-a
start 2 intake intake-b
for s in training placement feedback reporting; do start 3 "$s" "$s"; done
as() { # as NAME opstap-args...
  local name="$1"; shift
  OPSTAP_KEYS="$keys" OPSTAP_CERT="$keys/$name.key_secret" OPSTAP_TIMEOUT=3 "$bin/opstap" "$@"
}
check "all six instances up over CURVE across hosts" as ops status --wait 20 >"$tmp/status"
say "$(grep -c . "$tmp/status") status lines"

# --- Workload ----------------------------------------------------------------------
for f in intake placement feedback; do
  as coord submit "$src/examples/$f.jsonl" >"$tmp/$f.replies"
  check "$f example through the partitions: all ok" test $? -eq 0
done
say "submitted intake, placement, feedback examples as coordinator"
check "nijmegen went to intake-a only" \
  bash -c "as() { OPSTAP_KEYS='$keys' OPSTAP_CERT='$keys/coord.key_secret' '$bin/opstap' \"\$@\"; }; \
    as tail --service intake --instance intake-a --from 1 | grep -q nijmegen \
    && ! as tail --service intake --instance intake-a --from 1 | grep -q arnhem"
check "arnhem went to intake-b only" \
  bash -c "as() { OPSTAP_KEYS='$keys' OPSTAP_CERT='$keys/coord.key_secret' '$bin/opstap' \"\$@\"; }; \
    as tail --service intake --instance intake-b --from 1 | grep -q arnhem \
    && ! as tail --service intake --instance intake-b --from 1 | grep -q nijmegen"

# --- Host 1 goes down -------------------------------------------------------------
kill -KILL "$pid_intake_a"
wait "$pid_intake_a" 2>/dev/null
say "host 1 killed (intake-a, SIGKILL)"
reg() { # reg ID OFFICE
  /usr/bin/python3 -c "
import json, sys
for l in open(sys.argv[1]):
    if l.startswith('{') and '\"candidate.register\"' in l:
        b = json.loads(l); b['id'], b['office'] = sys.argv[2], sys.argv[3]
        print(json.dumps(b)); break" "$src/examples/intake.jsonl" "$1" "$2"
}
reg n-late nijmegen >"$tmp/late-nij.jsonl"
reg a-late arnhem | as coord submit >"$tmp/arnhem.late"
check "with host 1 down, arnhem is still served" grep -q '"ok":true' "$tmp/arnhem.late"
OPSTAP_TIMEOUT=1 as coord submit "$tmp/late-nij.jsonl" >"$tmp/nij.down" 2>&1
check "with host 1 down, nijmegen gets no answer" bash -c "! grep -q '\"ok\":true' '$tmp/nij.down'"
start 1 intake intake-a
say "host 1 back (intake-a restarted on its store)"
check "intake-a up again" as ops status --wait 20 >/dev/null
as coord submit "$tmp/late-nij.jsonl" >"$tmp/nij.up"
check "nijmegen served again" grep -q '"ok":true' "$tmp/nij.up"

# --- The report ----------------------------------------------------------------------
expected_nij=$(( $(grep -h '"candidate.register"' "$src"/examples/{intake,placement,feedback}.jsonl \
  | grep -c '"office": "nijmegen"') + 1 ))
expected_arn=$(( $(grep -h '"candidate.register"' "$src"/examples/{intake,placement,feedback}.jsonl \
  | grep -c '"office": "arnhem"') + 1 ))
ok=1
for _ in $(seq 50); do
  as coord report --from 2000-01-01 --to 2030-12-31 --format json >"$tmp/report.json" 2>/dev/null
  /usr/bin/python3 - "$tmp/report.json" "$expected_nij" "$expected_arn" <<'PY' && ok=0 && break
import json, sys
text = open(sys.argv[1]).read()
doc = json.loads(text) if text.strip() else {}
# Disclosure control hides an office's small counts; the total shows them.
offices = doc.get("offices", {})
nij = offices.get("nijmegen", {}).get("intake", {}).get("registered")
arn = offices.get("arnhem", {}).get("intake", {}).get("registered")
total = doc.get("total", {}).get("intake", {}).get("registered")
want_nij, want_arn = int(sys.argv[2]), int(sys.argv[3])
sys.exit(0 if nij == want_nij and total == want_nij + want_arn
         and (arn == want_arn or arn == {"suppressed": True}) else 1)
PY
  sleep 0.2
done
check "report: registered nijmegen $expected_nij, in all $((expected_nij + expected_arn)) (from two hosts)" test $ok -eq 0
say "report from host 3: $(head -c 300 "$tmp/report.json")"
check "no service log names a contact detail" \
  bash -c "! grep -qE 'example\.nl|06-[0-9]' '$tmp'/h*.log"

summary
