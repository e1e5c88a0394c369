#!/usr/bin/env bash
# bench_smoke: scripts/bench --quick against the built programs, on free
# ports; fails when any step fails (a refused command in the mix, a reply
# missing, reporting not catching up) or when a rebuilt reporting's figures
# differ from the ones it replaced.
#   tests/bench/smoke.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build="$1"
source="$2"
. "$source/tests/lib.sh"
out="$(mktemp -d /tmp/opstap-bench-smoke-XXXXXX)"
trap 'rm -rf "$out"' EXIT
base="$(free_base 100)"
"$source/scripts/bench" --quick --no-build --build-dir "$build" --port-base "$base" \
  --out "$out/table.md" >"$out/stdout" 2>"$out/stderr" || {
  cat "$out/stdout" "$out/stderr"
  exit 1
}
for row in "LMDB, 1 put(s) per commit" "LMDB, 1 put(s) per commit of a registration's 4" \
  "LMDB, 1 put(s) per commit, file written ahead" \
  "LMDB, 1 put(s) per commit of a registration's 4 (candidate with its subject entry and rid reply beside it, event), file written ahead" \
  "LMDB, 256 put(s) per commit of a registration's 4" \
  "ceiling: pipeline + a registration's puts, written ahead" \
  "disk, a commit of 4 scattered pages" "disk, a commit of 13 contiguous pages" \
  "ZeroMQ echo, 256 in flight" \
  "minimal pipeline, 256 in flight" "intake register, 256 in flight" "full mix, 256 in flight" \
  "events through to reporting" "report.summary, all offices" "reporting rebuild" \
  "300 candidates, whole programme: report.summary all offices"; do
  grep -q "| $row\|  $row" "$out/table.md" || { echo "no row: $row"; cat "$out/table.md"; exit 1; }
done
grep -q "same figures" "$out/table.md" || { echo "rebuilt figures differ"; cat "$out/table.md"; exit 1; }
# The raw rows' ratios: a file written ahead against the same growing, a
# registration's puts against plain ones.
for ratio in "% of the same, file growing" "% of 1 plain put(s)" "% of 256 plain put(s)"; do
  [ "$(grep -c -- "$ratio" "$out/table.md")" -ge 1 ] || { echo "no ratio: $ratio"; exit 1; }
done
echo "bench_smoke: ok"
