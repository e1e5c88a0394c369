#!/usr/bin/env bash
# The Debian packages scripts/package built, installed into a fresh root
# (dpkg -x; the machine's own /usr is left alone): the files where the
# package says, lintian without errors, the unit templates through
# systemd-analyze verify (and their sandbox through systemd-analyze
# security), the system user through systemd-sysusers, the man pages
# through man, and the installed programs run: --version with the commit,
# --help, and the five services on a temporary data directory, started as
# the units start them (--instance, --data, the packaged directory file on
# free ports), answering opstap, stopping cleanly on SIGTERM.
#   tests/test_package.sh PACKAGE_DIR SOURCE_DIR
set -uo pipefail
source "$(dirname "$0")/lib.sh"
debs="$1"
src="$2"
scratch package
declare -A pids=()
services=(intake training placement feedback reporting)
root="$tmp/root"
mkdir -p "$root"

check "two packages built: opstap and opstap-server" \
  test "$(ls "$debs"/opstap_*.deb "$debs"/opstap-server_*.deb 2>/dev/null | wc -l)" -eq 2
check "lintian: no error, no warning" bash -c "! grep -E '^(E|W): ' '$debs/lintian.txt'"
for deb in "$debs"/opstap_*.deb "$debs"/opstap-server_*.deb; do
  dpkg -x "$deb" "$root"
done
version="$(dpkg-deb -f "$(ls "$debs"/opstap_*.deb)" Version)"
for f in usr/bin/opstap usr/share/man/man1/opstap.1.gz usr/share/man/man8/opstap-services.8.gz \
         usr/share/man/man8/opstap-storecheck.8.gz etc/opstap/directory.conf etc/opstap/opstap.env \
         usr/lib/sysusers.d/opstap-server.conf; do
  check "installs /$f" test -e "$root/$f"
done
for s in "${services[@]}"; do
  check "installs opstap-$s, its unit template and man page" test -x "$root/usr/bin/opstap-$s" \
    -a -e "$root/lib/systemd/system/opstap-$s@.service" -a -e "$root/usr/share/man/man8/opstap-$s.8.gz"
done
check "opstap-server's conffiles are /etc/opstap's" test \
  "$(dpkg-deb -f "$(ls "$debs"/opstap-server_*.deb)" Package)|$(dpkg-deb -I "$(ls "$debs"/opstap-server_*.deb)" conffiles | tr '\n' ' ')" \
  = "opstap-server|/etc/opstap/directory.conf /etc/opstap/opstap.env "

# --- The units ------------------------------------------------------------------------
# verify needs the system's own units (targets) beside ours in the root, and
# finds the man pages the units name in it.
cp -an /lib/systemd/system/. "$root/lib/systemd/system/" 2>/dev/null
for s in "${services[@]}"; do
  check "systemd-analyze verify opstap-$s@test.service" env MANPATH="$root/usr/share/man" \
    systemd-analyze verify --root="$root" "opstap-$s@test.service"
  systemd-analyze security --root="$root" --offline=true "opstap-$s@test.service" \
    >"$tmp/security-$s.txt" 2>&1
  check "... its sandbox: exposure OK ($(grep -o 'level for .*' "$tmp/security-$s.txt"))" \
    grep -qE "Overall exposure level for opstap-$s@test.service: [0-9.]+ (OK|SAFE)" \
    "$tmp/security-$s.txt"
done
check "a unit runs the instance named, with the packaged directory file" grep -q \
  '^ExecStart=/usr/bin/opstap-intake --instance %i --data /var/lib/opstap$' \
  "$root/lib/systemd/system/opstap-intake@.service"
for setting in "User=opstap" "StateDirectory=opstap" "ProtectSystem=strict" "NoNewPrivileges=yes" \
               "Environment=OPSTAP_CONFIG=/etc/opstap/directory.conf"; do
  check "... and sets $setting" grep -qx "$setting" "$root/lib/systemd/system/opstap-intake@.service"
done
mkdir -p "$root/etc" && : >"$root/etc/passwd" && : >"$root/etc/group"
systemd-sysusers --root="$root" "$root/usr/lib/sysusers.d/opstap-server.conf" \
  2>"$tmp/sysusers.err"
check "systemd-sysusers makes the system user opstap" \
  grep -qE '^opstap:x:[0-9]+:[0-9]+:Opstap services:/var/lib/opstap:/usr/sbin/nologin$' "$root/etc/passwd"
for page in man1/opstap.1.gz man8/opstap-services.8.gz man8/opstap-storecheck.8.gz man8/opstap-intake.8.gz; do
  check "man $page: renders without a warning" bash -c \
    "MANWIDTH=80 man --warnings -l '$root/usr/share/man/$page' 2>&1 >/dev/null | grep -c . | grep -qx 0"
done

# --- The installed programs --------------------------------------------------------------
opstap="$root/usr/bin/opstap"
"$opstap" --version >"$tmp/version"
check "opstap --version: the package's version and its commit" /usr/bin/python3 - "$tmp/version" \
  "$version" <<'PY'
import re, sys
line = open(sys.argv[1]).read().strip()
version = sys.argv[2]  # 0.1.0+git20261205.e72509a44219[.dirty]
m = re.fullmatch(r"(\d+\.\d+\.\d+)\+git\d{8}\.([0-9a-f]{12})(\.dirty)?", version)
want = "opstap %s (commit %s%s)" % (m.group(1), m.group(2), "-dirty" if m.group(3) else "")
print(line, "|", want) if line != want else None
sys.exit(0 if line == want else 1)
PY
check "opstap --help on stdout" bash -c "'$opstap' --help | grep -q '^usage: opstap'"
# (In a directory of their own, and without the dashboard's port:
# opstap-reporting prepares its store in ./var and starts its dashboard
# before it reads its options.)
mkdir -p "$tmp/cwd"
export OPSTAP_WEB_PORT=0
for s in "${services[@]}" storecheck; do
  check "opstap-$s --version" \
    bash -c "cd '$tmp/cwd' && '$root/usr/bin/opstap-$s' --version | grep -q '^opstap-$s '"
  check "opstap-$s --help" \
    bash -c "cd '$tmp/cwd' && '$root/usr/bin/opstap-$s' --help | grep -q '^usage: opstap-$s'"
done
# The services as their units run them: --instance NAME --data DIR, with the
# packaged directory file moved to free ports.
base="$(free_base 50)"
/usr/bin/python3 - "$root/etc/opstap/directory.conf" "$base" >"$tmp/directory.conf" <<'PY'
import re, sys
base = int(sys.argv[2])
for line in open(sys.argv[1]):
    print(re.sub(r":71(\d\d)\b", lambda m: ":%d" % (base + int(m.group(1))), line), end="")
PY
check "the packaged directory file lists the five instances" \
  test "$(grep -cE '^(intake|training|placement|feedback|reporting) ' "$tmp/directory.conf")" -eq 5
export OPSTAP_CONFIG="$tmp/directory.conf"
unset OPSTAP_WEB_PORT
mkdir -p "$tmp/state"
for s in "${services[@]}"; do
  (cd "$tmp/state" && exec "$root/usr/bin/opstap-$s" --instance "$s" --data "$tmp/state") \
    2>>"$tmp/services.log" &
  pids[$s]=$!
done
check "the five installed services answer opstap status" \
  bash -c "'$opstap' status --wait 15 >'$tmp/status'"
sed -n '/"candidate.register"/{p;q}' "$src/examples/intake.jsonl" | "$opstap" submit >"$tmp/submit"
check "... and a registration" grep -q '"ok":true' "$tmp/submit"
check "... its store under the data directory" test -d "$tmp/state/intake"
clean=0
for s in "${services[@]}"; do
  kill -TERM "${pids[$s]}"
  wait "${pids[$s]}" || clean=1
  unset "pids[$s]"
done
check "... and they stop cleanly on SIGTERM" test "$clean" -eq 0
mkdir -p "$tmp/copy" && cp -r "$tmp/state/intake" "$tmp/copy/"
check "opstap-storecheck checks a copy of the store" "$root/usr/bin/opstap-storecheck" "$tmp/copy/intake"

if [ "$failures" -ne 0 ]; then
  for f in "$tmp"/services.log "$tmp"/security-intake.txt "$tmp"/sysusers.err "$debs/lintian.txt"; do
    echo "== $f"; tail -n 20 "$f"
  done
fi
summary
