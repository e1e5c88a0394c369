#!/usr/bin/env bash
# Containers without a Docker engine (none runs here or in CI): parses
# compose/docker-compose.yml and checks that every instance of
# compose/directory.conf is a service there, run as that instance, with the
# hostname its endpoints name, its volume at /var/lib/opstap, the directory
# as a config, its key as a secret, a health check, its metrics port and
# Swarm placement; and that compose/Dockerfile has the stages, runtime
# libraries, user, volume, stop signal and health check expected. When a
# local service serves /health, the image's health check command is run
# against it as well.
#   tests/test_compose.sh BIN_DIR SOURCE_DIR
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bin="$1"
src="$2"
py=/usr/bin/python3
tmp="$(mktemp -d /tmp/opstap-compose-XXXXXX)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

check "python3 has yaml (scripts/deps installs python3-yaml)" $py -c 'import yaml'
check "scripts/deps lists python3-yaml" grep -q 'python3-yaml' "$src/scripts/deps"

$py - "$src/compose" <<'PY' >"$tmp/compose.out"
import re, sys, yaml
root = sys.argv[1]
compose = yaml.safe_load(open(f"{root}/docker-compose.yml"))
services = compose.get("services", {})
results = []
def ok(what, cond):
    results.append((what, bool(cond)))

entries = []
for line in open(f"{root}/directory.conf"):
    words = line.split("#")[0].split()
    if words:
        ok(f"directory line has 6 or 7 columns: {words[:2]}", len(words) in (6, 7))
        entries.append(words)
ok("the directory lists all five services",
   {e[0] for e in entries} == {"intake", "training", "placement", "feedback", "reporting"})
volumes = compose.get("volumes") or {}
secrets = compose.get("secrets") or {}
configs = compose.get("configs") or {}
ok("the directory file is a config", configs.get("opstap-directory", {}).get("file")
   == "./directory.conf")
for e in entries:
    service, instance, offices, endpoints = e[0], e[1], e[2], e[3:6]
    s = services.get(instance)
    ok(f"{instance}: is a compose service", s)
    if not s:
        continue
    hosts = {re.match(r"tcp://([^:]+):(\d+)$", ep).group(1) for ep in endpoints}
    ports = {int(ep.rsplit(":", 1)[1]) for ep in endpoints}
    ok(f"{instance}: its endpoints name its hostname", hosts == {instance}
       and s.get("hostname", instance) == instance)
    ok(f"{instance}: runs opstap-{service} --instance {instance} with its key as --cert",
       s.get("command") == [f"opstap-{service}", "--instance", instance,
                            "--cert", f"/run/secrets/opstap-{instance}.key"])
    ok(f"{instance}: the public keys directory is mounted read-only",
       "./keys:/etc/opstap/keys:ro" in (s.get("volumes") or [])
       and s.get("environment", {}).get("OPSTAP_KEYS") == "/etc/opstap/keys")
    metrics = int(e[6].rsplit(":", 1)[1]) if len(e) == 7 else int(endpoints[0].rsplit(":", 1)[1]) + 3
    published = {p.get("target") for p in (s.get("ports") or []) if isinstance(p, dict)}
    ok(f"{instance}: publishes its metrics port {metrics}", metrics in published)
    health = " ".join(s.get("healthcheck", {}).get("test", []))
    ok(f"{instance}: health check asks /health on {metrics}",
       f"/dev/tcp/127.0.0.1/{metrics}" in health and "GET /health" in health)
    vols = (s.get("volumes") or [])
    named = [v.split(":")[0] for v in vols if v.endswith(":/var/lib/opstap")]
    ok(f"{instance}: a named volume at /var/lib/opstap", named and named[0] in volumes)
    ok(f"{instance}: the directory mounted at /etc/opstap/directory.conf",
       {"source": "opstap-directory", "target": "/etc/opstap/directory.conf"}
       in (s.get("configs") or []))
    key = f"opstap-{instance}.key"
    sec = [x for x in (s.get("secrets") or []) if isinstance(x, dict) and x.get("source") == key]
    ok(f"{instance}: its key as secret {key} for the opstap user",
       sec and sec[0].get("target") == key and sec[0].get("uid") == "10001"
       and secrets.get(key, {}).get("file") == f"./secrets/{instance}.key_secret")
    d = s.get("deploy", {})
    cons = d.get("placement", {}).get("constraints", [])
    ok(f"{instance}: one replica, placed by node label",
       d.get("replicas") == 1 and cons and all("node.labels.opstap." in c for c in cons))
    if offices != "*":
        ok(f"{instance}: placed on an office node",
           any(c.startswith("node.labels.opstap.office == ") and c.split()[-1]
               in offices.split(",") for c in cons))
    ok(f"{instance}: stops on SIGTERM with time to commit",
       s.get("stop_signal") == "SIGTERM" and s.get("stop_grace_period"))
ok("no compose service beyond the directory's but the cli tool",
   set(services) - {e[1] for e in entries} <= {"cli"})
ok("every volume is used", set(volumes) <= {v.split(":")[0] for s in services.values()
                                            for v in (s.get("volumes") or [])})

dockerfile = open(f"{root}/Dockerfile").read()
ok("Dockerfile: build stage on debian:bookworm",
   re.search(r"^FROM debian:bookworm AS build$", dockerfile, re.M))
ok("Dockerfile: runtime stage on debian:bookworm-slim",
   re.search(r"^FROM debian:bookworm-slim AS runtime$", dockerfile, re.M))
ok("Dockerfile: builds with scripts/deps and scripts/build",
   "scripts/deps" in dockerfile and "scripts/build" in dockerfile)
runtime = dockerfile.split("AS runtime", 1)[-1]
libs = ["libzmq5", "libczmq4", "libmsgpackc2", "liblmdb0", "libmicrohttpd12"]
ok("Dockerfile: runtime installs only the runtime libraries (and lmdb-utils)",
   all(l in runtime for l in libs) and "-dev" not in runtime
   and "build-essential" not in runtime)
ok("Dockerfile: runs as a non-root user", re.search(r"^USER opstap$", runtime, re.M)
   and "useradd --system" in runtime)
ok("Dockerfile: data on a volume", 'VOLUME ["/var/lib/opstap"]' in runtime)
ok("Dockerfile: STOPSIGNAL SIGTERM", re.search(r"^STOPSIGNAL SIGTERM$", runtime, re.M))
ok("Dockerfile: HEALTHCHECK asks /health", re.search(r"^HEALTHCHECK .*", runtime, re.M)
   and "GET /health" in runtime)
copied = set(re.findall(r"\bopstap(?:-[a-z]+)?\b", dockerfile.split("AS runtime")[0]))
wanted = {s["command"][0] for s in services.values() if isinstance(s.get("command"), list)
          and s["command"][0].startswith("opstap-")}
ok("Dockerfile: copies every program compose runs", wanted <= copied)
for what, cond in results:
    print(("ok   " if cond else "FAIL ") + what)
PY
check "the compose checks ran" test -s "$tmp/compose.out"
while read -r status what; do
  check "$what" test "$status" = ok
done <"$tmp/compose.out"

# The runtime packages exist under these names in bookworm (when apt has
# its lists; CI machines do after scripts/deps).
quiet_apt() { apt-cache show "$1" >/dev/null 2>&1; }
if quiet_apt libzmq5; then
  for p in libzmq5 libczmq4 libmsgpackc2 liblmdb0 libmicrohttpd12 lmdb-utils; do
    check "apt knows $p" quiet_apt "$p"
  done
fi

# The image's health check command against a real service, where the
# runtime serves /health (command port + 3).
hc="$($py -c "import yaml,sys; print(yaml.safe_load(open(sys.argv[1]))['services']['intake-a']['healthcheck']['test'][3])" "$src/compose/docker-compose.yml")"
base="$(free_base 20)"
OPSTAP_PORT_BASE="$base" OPSTAP_WEB_PORT=0 "$bin/opstap-intake" --data "$tmp" \
  2>"$tmp/intake.log" &
pid=$!
for _ in $(seq 1 100); do
  grep -q 'event=service.start' "$tmp/intake.log" && break
  sleep 0.1
done
check "the health check command passes against a running intake" \
  bash -c "${hc//7103/$((base + 3))}"
kill -TERM "$pid"; wait "$pid"; pid=""
check "... and fails once it is stopped" \
  bash -c "! (${hc//7103/$((base + 3))}) 2>/dev/null"
summary
