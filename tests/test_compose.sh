#!/usr/bin/env bash
# The container files without a Docker engine (scripts/test-deploy runs them
# on a real one, outside ctest: too slow for scripts/test). Parses
# compose/docker-compose.yml and compose/local.yml and checks that every
# instance of compose/directory.conf is a service there, run as that
# instance, with the hostname its endpoints name, its volume at
# /var/lib/opstap, the directory as a versioned config (a mounted file under
# docker-compose), its key as a secret (external on Swarm, a file under
# docker-compose), a health check, nothing published, and one task placed
# by a label of its own; that compose/Dockerfile has the stages, the build
# without tests, stripped programs, runtime libraries, user, volume, stop
# signal and health check; that .dockerignore and .gitignore keep keys out.
# When a local service serves /health, the image's health check command is
# run against it as well.
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

$py - "$src/compose" "$src" <<'PY' >"$tmp/compose.out"
import os, re, sys, yaml
root, top = sys.argv[1], sys.argv[2]
compose = yaml.safe_load(open(f"{root}/docker-compose.yml"))
local = yaml.safe_load(open(f"{root}/local.yml"))
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
ok("compose files of version 3.8 (docker stack deploy and docker-compose 1.29 read both)",
   compose.get("version") == "3.8" and local.get("version") == "3.8")
volumes = compose.get("volumes") or {}
secrets = compose.get("secrets") or {}
local_secrets = local.get("secrets") or {}
configs = compose.get("configs") or {}
ok("the directory file is a config named by its version",
   configs.get("directory", {}).get("file") == "./directory.conf"
   and configs["directory"].get("name") == "opstap-directory-${OPSTAP_DIRECTORY_VERSION:-1}")
net = (compose.get("networks") or {}).get("default", {})
ok("the network is `opstap`, attachable (compose/opstap joins it)",
   net.get("name") == "opstap" and net.get("attachable") is True)
for e in entries:
    service, instance, offices, endpoints = e[0], e[1], e[2], e[3:6]
    s = services.get(instance)
    ok(f"{instance}: is a compose service", s)
    if not s:
        continue
    hosts = {re.match(r"tcp://([^:]+):(\d+)$", ep).group(1) for ep in endpoints}
    ok(f"{instance}: its endpoints name its hostname", hosts == {instance}
       and s.get("hostname", instance) == instance)
    ok(f"{instance}: runs opstap-{service} --instance {instance} with its key as --cert",
       s.get("command") == [f"opstap-{service}", "--instance", instance,
                            "--cert", f"/run/secrets/opstap-{instance}.key"])
    ok(f"{instance}: the public keys directory is mounted read-only",
       "./keys:/etc/opstap/keys:ro" in (s.get("volumes") or [])
       and s.get("environment", {}).get("OPSTAP_KEYS") == "/etc/opstap/keys")
    metrics = int(e[6].rsplit(":", 1)[1]) if len(e) == 7 else int(endpoints[0].rsplit(":", 1)[1]) + 3
    ok(f"{instance}: publishes nothing (metrics stay on the network)", not s.get("ports"))
    health = " ".join(s.get("healthcheck", {}).get("test", []))
    ok(f"{instance}: health check asks /health on {metrics}",
       f"/dev/tcp/127.0.0.1/{metrics}" in health and "GET /health" in health)
    vols = (s.get("volumes") or [])
    named = [v.split(":")[0] for v in vols if v.endswith(":/var/lib/opstap")]
    ok(f"{instance}: a named volume at /var/lib/opstap", named and named[0] in volumes)
    ok(f"{instance}: the directory config at /etc/opstap/directory.conf",
       {"source": "directory", "target": "/etc/opstap/directory.conf"} in (s.get("configs") or [])
       and s.get("environment", {}).get("OPSTAP_CONFIG") == "/etc/opstap/directory.conf")
    key = f"{instance}.key"
    sec = [x for x in (s.get("secrets") or []) if isinstance(x, dict) and x.get("source") == key]
    ok(f"{instance}: its key as secret opstap-{instance}.key for the opstap user, 0400",
       sec and sec[0].get("target") == f"opstap-{instance}.key" and sec[0].get("uid") == "10001"
       and sec[0].get("mode") == 0o400)
    ok(f"{instance}: on Swarm the secret is external, opstap-{instance}.key",
       secrets.get(key) == {"external": True, "name": f"opstap-{instance}.key"})
    d = s.get("deploy", {})
    ok(f"{instance}: global, on the node labelled opstap.{instance} (no scaling)",
       d.get("mode") == "global" and "replicas" not in d
       and d.get("placement", {}).get("constraints") == [f"node.labels.opstap.{instance} == true"])
    ok(f"{instance}: updates stop-first, roll back on failure, dnsrr",
       d.get("update_config", {}).get("order") == "stop-first"
       and d.get("update_config", {}).get("failure_action") == "rollback"
       and d.get("endpoint_mode") == "dnsrr")
    ok(f"{instance}: stops on SIGTERM with time to commit",
       s.get("stop_signal") == "SIGTERM" and s.get("stop_grace_period"))
    l = (local.get("services") or {}).get(instance) or {}
    ok(f"{instance}: local.yml mounts the directory file and names it, restarts",
       "./directory.conf:/etc/opstap/local/directory.conf:ro" in (l.get("volumes") or [])
       and l.get("environment", {}).get("OPSTAP_CONFIG") == "/etc/opstap/local/directory.conf"
       and l.get("restart") == "unless-stopped")
    ok(f"{instance}: local.yml gives its key as a file",
       local_secrets.get(key) == {"file": f"./secrets/{instance}.key_secret"})
ok("no service beyond the directory's", set(services) == {e[1] for e in entries})
ok("local.yml names no other service", set(local.get("services") or {}) <= set(services))
ok("every volume is used", set(volumes) <= {v.split(":")[0] for s in services.values()
                                            for v in (s.get("volumes") or [])})
ok("no profiles, build or restart keys (docker stack deploy refuses or ignores them)",
   not any(k in s for s in services.values() for k in ("profiles", "build", "restart")))

dockerfile = open(f"{root}/Dockerfile").read()
ok("Dockerfile: build stage on debian:bookworm-slim",
   re.search(r"^FROM debian:bookworm-slim AS build$", dockerfile, re.M))
ok("Dockerfile: runtime stage on debian:bookworm-slim",
   re.search(r"^FROM debian:bookworm-slim AS runtime$", dockerfile, re.M))
build = dockerfile.split("AS runtime", 1)[0]
ok("Dockerfile: builds with scripts/deps and scripts/build, no tests",
   "scripts/deps" in build and "scripts/build" in build and "-DOPSTAP_TESTS=OFF" in build)
ok("Dockerfile: copies only what the programs are built from (no COPY . .)",
   not re.search(r"^COPY \. ", build, re.M))
ok("Dockerfile: installs the programs stripped", "install -s" in build)
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
copied = set(re.findall(r"\bopstap(?:-[a-z]+)?\b", build))
wanted = {s["command"][0] for s in services.values() if isinstance(s.get("command"), list)
          and s["command"][0].startswith("opstap-")}
ok("Dockerfile: copies every program compose runs", wanted <= copied)
ignore = open(f"{top}/.dockerignore").read().split()
ok(".dockerignore (the build context's) leaves out keys, secrets, .git and build dirs",
   {"compose/secrets", "compose/keys", ".git", "build", "build-*", "**/*.key_secret"} <= set(ignore))
gitignore = open(f"{top}/.gitignore").read().split()
ok(".gitignore has compose/secrets/ and compose/keys/",
   {"/compose/secrets/", "/compose/keys/"} <= set(gitignore))
for tool in ("make-keys", "opstap", "submit-by-role"):
    ok(f"compose/{tool} is executable", os.access(f"{root}/{tool}", os.X_OK))
# Every command block of DEPLOY.md is run by scripts/test-deploy (`doc NAME`)
# or says why not; the run itself is scripts/test-deploy's.
deploy = open(f"{top}/docs/DEPLOY.md").read()
runner = open(f"{top}/scripts/test-deploy").read()
named = re.findall(r"^```sh ([a-z-]+)$", deploy, re.M)
unnamed = re.findall(r"^```sh\n(.*)$", deploy, re.M)
ok(f"DEPLOY.md: {len(named)} named command blocks", named)
ok("DEPLOY.md: each block not run says why (# not run: ...)",
   all(first.startswith("# not run: ") for first in unnamed))
for name in named:
    ok(f"DEPLOY.md block {name} is run by scripts/test-deploy",
       re.search(rf"\bdoc {re.escape(name)}\b", runner))
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
