#!/usr/bin/env bash
# Partitions by office (issue 9): two intake instances for three offices
# (intake-a: nijmegen,arnhem; intake-b: ede), the other services following
# both. The examples go through `opstap submit` for all three offices; every
# command must reach the instance that serves its office, each instance's
# stream must hold only its offices, and the report must equal the one of
# the same workload on a single intake instance. After kill -9 of intake-a,
# ede commands and ede reports still work; after its restart all resumes.
# A fourth office's intake added to the directory file while everything
# runs is followed without restarting the followers.
# When the services serve their metrics endpoint (directory column 7,
# default command port + 3), each is scraped and checked as well.
#   tests/test_partitions.sh BIN_DIR SOURCE_DIR
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bin="$1"
src="$2"
py=/usr/bin/python3
declare -A pids=()
scratch partitions

# The partitioned set. intake-c and the single set draw their ports when
# they start (single_conf).
base="$(free_base 60)"
line() { # line SERVICE INSTANCE OFFICES PORT
  echo "$1 $2 $3 $(ep "$4") $(ep "$4 + 1") $(ep "$4 + 2")"
}
{
  line intake intake-a nijmegen,arnhem "$base"
  line intake intake-b ede "$base + 10"
  line training training '*' "$base + 20"
  line placement placement '*' "$base + 30"
  line feedback feedback '*' "$base + 40"
  line reporting reporting '*' "$base + 50"
} >"$tmp/parts.conf"
single_conf() { # the single-instance set, on ports drawn when it starts: a
  # range drawn at the start stays unbound until then, and another test
  # running beside this one could draw it meanwhile
  local base1
  base1="$(free_base 50)"
  line intake intake '*' "$base1"
  line training training '*' "$base1 + 10"
  line placement placement '*' "$base1 + 20"
  line feedback feedback '*' "$base1 + 30"
  line reporting reporting '*' "$base1 + 40"
}
export OPSTAP_WEB_PORT=0 OPSTAP_TIMEOUT=2

start() { # start DEPLOYMENT SERVICE/INSTANCE: a process, known by both
  local config="$tmp/$1.conf" service="${2%/*}" instance="${2#*/}"
  OPSTAP_CONFIG="$config" "$bin/opstap-$service" --instance "$instance" \
    --data "$tmp/$1" 2>>"$tmp/services.log" &
  pids[$1/$instance]=$!
}
stop_all() { # fails when a process does not exit 0 on SIGTERM
  local clean=0
  for name in "${!pids[@]}"; do
    kill -TERM "${pids[$name]}" 2>/dev/null
    wait "${pids[$name]}" || clean=1
  done
  pids=()
  return $clean
}
quiet() { "$@" >/dev/null; }
op() { # op CONFIG ARGS...: opstap against one deployment
  local config="$1"; shift
  "$bin/opstap" --config "$config" "$@"
}

# Waits until every consumer has applied its producer's whole stream.
caught_up() { # caught_up CONFIG
  for _ in $(seq 1 100); do
    op "$1" status --json >"$tmp/status.json" 2>/dev/null
    if $py - "$tmp/status.json" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
heads = {r["instance"]: r["head"] for r in rows if r.get("ok")}
ok = all(c["position"] == heads.get(c["instance"], -1)
         for r in rows if r.get("ok") for c in r["consumers"])
sys.exit(0 if ok and rows else 1)
PY
    then return 0; fi
    sleep 0.1
  done
  return 1
}
report() { # report CONFIG OUT [ARGS...]
  local config="$1" out="$2"; shift 2
  caught_up "$config" && op "$config" report --from 2017-01-01 --to 2018-12-31 --k 1 \
    --format json "$@" >"$out"
}
# Every candidate command's reply came from the instance of its office.
replies_route() { # replies_route WORKLOAD REPLIES
  $py - "$1" "$2" <<'PY'
import json, sys
cmds = [json.loads(l) for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
replies = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
want = {"nijmegen": "intake-a", "arnhem": "intake-a", "ede": "intake-b"}
bad = [(c["cmd"], c.get("office"), r.get("position", {}).get("instance"))
       for c, r in zip(cmds, replies)
       if c["cmd"].startswith("candidate.")
       and (not r.get("ok") or r["position"]["instance"] != want[c["office"]])]
if bad or len(cmds) != len(replies):
    print("  misrouted:", bad[:5], len(cmds), len(replies))
sys.exit(1 if bad or len(cmds) != len(replies) else 0)
PY
}
stream_offices() { # stream_offices INSTANCE OFFICES...: events only of those
  local instance="$1"; shift
  op "$tmp/parts.conf" tail --service intake --instance "$instance" --from 1 \
    >"$tmp/tail.$instance"
  $py - "$tmp/tail.$instance" "$@" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
offices = {e["office"] for e in events}
seqs = [e["seq"] for e in events]
ok = events and offices <= set(sys.argv[2:]) and seqs == list(range(1, len(seqs) + 1))
print(f"  {len(events)} events, offices {sorted(offices)}")
sys.exit(0 if ok else 1)
PY
}

# The workload: the examples for nijmegen and arnhem, and the same again
# for a third office (ede) with its own candidate ids (and request ids: a
# service answers a rid it has answered with the first reply).
cat "$src/examples/intake.jsonl" "$src/examples/training.jsonl" >"$tmp/ab.jsonl"
sed -E -e 's/"(nijmegen|arnhem)"/"ede"/g; s/"([a-z])-/"\1e-/g; s/"rid": "/"rid": "ede-/' \
  "$tmp/ab.jsonl" >"$tmp/c.jsonl"
cat "$tmp/ab.jsonl" "$tmp/c.jsonl" | grep -vE '^\s*(#|$)' >"$tmp/all.jsonl"

for name in intake/intake-a intake/intake-b training/training placement/placement \
  feedback/feedback reporting/reporting; do
  start parts "$name"
done
check "partitioned: status --wait sees six instances up" \
  quiet op "$tmp/parts.conf" status --wait 10
op "$tmp/parts.conf" submit "$tmp/all.jsonl" >"$tmp/all.replies"
check "partitioned: submit of $(grep -c . "$tmp/all.jsonl") commands exits 0" test $? -eq 0
check "partitioned: every reply is ok" test "$(grep -vc '"ok":true' "$tmp/all.replies")" = 0
check "every candidate command was answered by its office's instance" \
  replies_route "$tmp/all.jsonl" "$tmp/all.replies"
check "intake-a's stream holds only nijmegen and arnhem, seq 1..N" \
  stream_offices intake-a nijmegen arnhem
check "intake-b's stream holds only ede, seq 1..N" stream_offices intake-b ede

# A command sent to the wrong instance is refused there: a directory that
# names intake-a for every office makes opstap send ede to it.
sed -e 's/ nijmegen,arnhem / * /' -e '/intake-b/d' "$tmp/parts.conf" >"$tmp/wrong.conf"
echo '{"cmd":"candidate.get","office":"ede","id":"e-anna"}' |
  op "$tmp/wrong.conf" submit - >"$tmp/wrong.replies"
check "intake-a refuses an ede command (failed_precondition)" \
  grep -q '"code":"failed_precondition"' "$tmp/wrong.replies"

report "$tmp/parts.conf" "$tmp/parts.report"
check "partitioned: report exits 0" test $? -eq 0

# Metrics, when the runtime serves them (command port + 3).
metrics_checks() {
  local port
  for i in 0 10 20 30 40 50; do
    port=$((base + i + 3))
    curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/metrics.$i" || return 1
  done
  $py - "$tmp" "$tmp/all.jsonl" <<'PY'
import json, re, sys
tmp = sys.argv[1]
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
def parse(path):
    types, values = {}, {}
    for line in open(path).read().splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in ("counter", "gauge", "histogram"), line
            types[name] = kind
            continue
        m = sample.match(line)
        assert m, f"bad line {line!r}"
        name, labels, value = m.group(1), m.group(3) or "", float(m.group(4))
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        assert name in types or family in types, f"no TYPE for {name}"
        values[(name, labels)] = value
    return types, values
def histograms_ok(types, values):
    for fam, kind in types.items():
        if kind != "histogram":
            continue
        buckets = {}
        for (name, labels), v in values.items():
            if name == fam + "_bucket":
                le = re.search(r'le="([^"]+)"', labels).group(1)
                rest = re.sub(r',?le="[^"]+"', "", labels)
                buckets.setdefault(rest, []).append((float(le), v))
        for rest, b in buckets.items():
            b.sort()
            counts = [v for _, v in b]
            assert counts == sorted(counts), f"{fam} buckets not cumulative"
            assert b[-1][0] == float("inf"), f"{fam} has no +Inf"
            assert counts[-1] == values[(fam + "_count", rest)], f"{fam} +Inf != count"
status = {json.loads(l)["instance"]: json.loads(l)
          for l in open(f"{tmp}/status.json") if l.strip()}
cmds = [json.loads(l) for l in open(sys.argv[2])]
a_reg = sum(1 for c in cmds if c["cmd"] == "candidate.register"
            and c["office"] in ("nijmegen", "arnhem"))
problems = []
for i, inst in zip((0, 10, 20, 30, 40, 50), ("intake-a", "intake-b", "training",
                                           "placement", "feedback", "reporting")):
    types, values = parse(f"{tmp}/metrics.{i}")
    histograms_ok(types, values)
    if values.get(("opstap_stream_head", "")) != status[inst]["head"]:
        problems.append(f"{inst}: stream head")
    if not values.get(("opstap_store_used_bytes", ""), 0) > 0:
        problems.append(f"{inst}: store size")
    for c in status[inst]["consumers"]:
        key = f'service="{c["service"]}",producer="{c["instance"]}"'
        if values.get(("opstap_consumer_position", key)) != c["position"] \
           or values.get(("opstap_consumer_lag", key)) != 0:
            problems.append(f"{inst}: consumer {c['instance']}")
    if inst == "intake-a":
        ok = values.get(("opstap_commands_total",
                         'cmd="candidate.register",outcome="ok"'))
        if ok != a_reg:
            problems.append(f"intake-a: {ok} registers counted, {a_reg} sent")
        if not values.get(("opstap_commit_batch_size_count", ""), 0) > 0 \
           or not values.get(("opstap_reply_seconds_count", ""), 0) >= a_reg:
            problems.append("intake-a: batch or latency histogram empty")
        if not values.get(("opstap_commands_total",
                           'cmd="candidate.get",outcome="failed_precondition"')):
            problems.append("intake-a: the refused ede command is not counted")
print("  " + ("; ".join(problems) or "6 endpoints, figures agree with status"))
sys.exit(1 if problems else 0)
PY
}
op "$tmp/parts.conf" status --json >"$tmp/status.json"
check "each instance's /metrics is valid Prometheus text with the status figures" \
  metrics_checks
check "/health answers 200 {\"status\":\"ok\"}" test \
  "$(curl -s "http://127.0.0.1:$((base + 53))/health")" = '{"status":"ok"}'

# kill -9 of intake-a: ede goes on, nijmegen is refused, reports still served.
kill -KILL "${pids[parts/intake-a]}"
wait "${pids[parts/intake-a]}" 2>/dev/null
unset 'pids[parts/intake-a]'
reg() { # reg OFFICE ID: a register command
  sed -n '/"candidate.register"/{p;q}' "$src/examples/intake.jsonl" |
    sed -e "s/\"office\": \"[a-z]*\"/\"office\": \"$1\"/" -e "s/\"id\": \"[^\"]*\"/\"id\": \"$2\"/"
}
reg ede e-late >"$tmp/late-c.jsonl"
op "$tmp/parts.conf" submit "$tmp/late-c.jsonl" >"$tmp/late-c.replies"
check "intake-a down: an ede command still succeeds" \
  grep -q '"instance":"intake-b"' "$tmp/late-c.replies"
reg nijmegen c-late >"$tmp/late-a.jsonl"
op "$tmp/parts.conf" submit "$tmp/late-a.jsonl" >"$tmp/late-a.replies" 2>&1
check "intake-a down: a nijmegen command fails (exit non-zero)" test $? -ne 0
op "$tmp/parts.conf" status >"$tmp/status.down" 2>&1
check "intake-a down: status exits 1 and says so" \
  grep -qE '^intake +intake-a +down' "$tmp/status.down"
op "$tmp/parts.conf" report --office ede --from 2017-01-01 --to 2018-12-31 --k 1 \
  --format json >"$tmp/ede.down"
check "intake-a down: the ede report is served and counts e-late" $py - \
  "$tmp/parts.report" "$tmp/ede.down" <<'PY'
import json, sys
before = json.load(open(sys.argv[1]))["offices"]["ede"]["intake"]["registered"]
after = json.load(open(sys.argv[2]))["offices"]["ede"]["intake"]["registered"]
print(f"  ede registered {before} -> {after}")
sys.exit(0 if after == before + 1 else 1)
PY

# Restart: intake-a comes back on its own store; everything resumes.
start parts intake/intake-a
check "intake-a restarted: status --wait sees all up" \
  quiet op "$tmp/parts.conf" status --wait 10
op "$tmp/parts.conf" submit "$tmp/late-a.jsonl" >"$tmp/late-a.replies"
check "intake-a restarted: the nijmegen command succeeds there" \
  grep -q '"instance":"intake-a"' "$tmp/late-a.replies"
report "$tmp/parts.conf" "$tmp/parts.report2"
check "partitioned: report after the restart exits 0" test $? -eq 0

# The same workload on one intake instance for every office.
single_conf >"$tmp/single.conf"
for name in intake/intake training/training placement/placement feedback/feedback \
  reporting/reporting; do
  start single "$name"
done
op "$tmp/single.conf" status --wait 10 >/dev/null
op "$tmp/single.conf" submit "$tmp/all.jsonl" >"$tmp/single.replies"
check "single: submit exits 0" test $? -eq 0
check "single: every reply is ok" test "$(grep -vc '"ok":true' "$tmp/single.replies")" = 0
n_a=$(grep -c . "$tmp/tail.intake-a")
n_b=$(grep -c . "$tmp/tail.intake-b")
n_1=$(op "$tmp/single.conf" tail --service intake --from 1 | grep -c .)
check "intake-a ($n_a) + intake-b ($n_b) events = the single instance's ($n_1)" \
  test $((n_a + n_b)) -eq "$n_1"
report "$tmp/single.conf" "$tmp/single.report"
check "report of the partitioned run equals the single-instance one" \
  cmp -s "$tmp/parts.report" "$tmp/single.report"
op "$tmp/single.conf" submit "$tmp/late-c.jsonl" >/dev/null
op "$tmp/single.conf" submit "$tmp/late-a.jsonl" >/dev/null
report "$tmp/single.conf" "$tmp/single.report2"
check "after kill -9 and restart the reports still equal (totals included)" \
  cmp -s "$tmp/parts.report2" "$tmp/single.report2"
$py -c "
import json, sys
r = json.load(open(sys.argv[1]))
print('  registered per office:', {o: v['intake']['registered'] for o, v in r['offices'].items()},
      'total:', r['total']['intake']['registered'])" "$tmp/parts.report2"

# A new office while everything runs: its intake is added to the directory
# file and started; the running followers pick it up without a restart.
line intake intake-c zwolle "$(free_base 10)" >>"$tmp/parts.conf"
start parts intake/intake-c
quiet op "$tmp/parts.conf" status --wait 10
reg zwolle z-new >"$tmp/new-z.jsonl"
op "$tmp/parts.conf" submit "$tmp/new-z.jsonl" >"$tmp/new-z.replies"
check "a new office's intake (intake-c) answers its command" \
  grep -q '"instance":"intake-c"' "$tmp/new-z.replies"
followed() { # every follower follows intake-c up to its head
  op "$tmp/parts.conf" status --json >"$tmp/status.new" 2>/dev/null
  $py - "$tmp/status.new" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
head = [r["head"] for r in rows if r.get("instance") == "intake-c"]
followers = [r for r in rows if r.get("service") in ("training", "placement", "feedback",
                                                 "reporting")]
ok = head and head[0] > 0 and len(followers) == 4 and all(
    any(c["instance"] == "intake-c" and c["position"] == head[0] for c in r["consumers"])
    for r in followers)
sys.exit(0 if ok else 1)
PY
}
for _ in $(seq 1 50); do followed && break; sleep 0.1; done
check "training, placement, feedback and reporting follow intake-c, no restart" followed
report "$tmp/parts.conf" "$tmp/parts.report3"
check "the report has zwolle and counts its registration in the total" $py - \
  "$tmp/parts.report2" "$tmp/parts.report3" <<'PY'
import json, sys
before, after = (json.load(open(f)) for f in sys.argv[1:3])
n0, n1 = (r["total"]["intake"]["registered"] for r in (before, after))
print(f"  total registered {n0} -> {n1}, offices {sorted(after['offices'])}")
sys.exit(0 if n1 == n0 + 1 and "zwolle" in after["offices"] else 1)
PY

check "every process stops cleanly on SIGTERM" stop_all
summary
