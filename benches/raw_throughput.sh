#!/usr/bin/env bash
# Measures `loggia run -w` end to end on the raw scheduler for N trivial tests (`run: cmds: [true]`):
# wall time and peak RSS of the loggia process tree's largest member, for N = 1, 100, 500 (or the
# N values given as arguments). Uses the release binary (built if needed).
#
#   bash benches/raw_throughput.sh            # N = 1 100 500
#   bash benches/raw_throughput.sh 1000
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin="$PWD/target/release/loggia"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1 100 500)
printf '%6s %10s %12s %8s\n' N wall_s peak_rss_kib result
for n in "${sizes[@]}"; do
    dir=$(mktemp -d)
    mkdir -p "$dir/tests"
    printf 'working_dir: %s/wd\n' "$dir" > "$dir/loggia.yaml"
    printf 't:\n  run:\n    cmds: [true]\n' > "$dir/tests/trivial.yaml"
    start=$(date +%s.%N)
    # GNU time reports the largest RSS among the process and its waited-for children.
    /usr/bin/time -f '%M' -o "$dir/rss" env LOGGIA_CONFIG_FILE="$dir/loggia.yaml" \
        "$bin" run -w "${n}*trivial" >/dev/null 2>"$dir/err" || true
    end=$(date +%s.%N)
    passed=$(grep -c '"result":"PASS"' "$dir/wd/results.log" || true)
    printf '%6d %10.3f %12s %8s\n' "$n" "$(echo "$end - $start" | bc)" "$(tail -1 "$dir/rss")" "$passed/$n"
    rm -rf "$dir"
done
