#!/usr/bin/env bash
# Measures `loggia run -w` end to end on the raw scheduler for N trivial tests
# (`run: cmds: [true]`): wall time (min and median of R runs) and peak RSS of `loggia run`, for
# N = 1, 100, 500 (or the N values given as arguments). Uses the release binary (built if needed).
#
# A test run is ~25 small files and links on disk, so the figures follow the storage's metadata
# latency; the script prints a probe of it (µs per create+write+rename+symlink) beside them.
# Run with TMPDIR=/dev/shm to measure loggia's own cost without the disk.
#
#   bash benches/raw_throughput.sh            # N = 1 100 500, R = 3
#   RUNS=5 bash benches/raw_throughput.sh 500
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin="$PWD/target/release/loggia"
runs=${RUNS:-3}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1 100 500)

probe() {
    python3 - "$1" <<'PY' 2>/dev/null || echo "n/a"
import os, sys, time
d = sys.argv[1]
t = time.time()
for i in range(500):
    os.symlink("/x", f"{d}/l{i}")
    with open(f"{d}/.t{i}", "w") as f:
        f.write("x" * 200)
    os.rename(f"{d}/.t{i}", f"{d}/f{i}")
print(f"{(time.time() - t) / 500 * 1e6:.0f}")
PY
}

echo "storage: ${TMPDIR:-/tmp}"
printf '%6s %10s %10s %12s %8s %10s\n' N min_s median_s peak_rss_kib passed probe_us
for n in "${sizes[@]}"; do
    times=()
    for _ in $(seq "$runs"); do
        dir=$(mktemp -d)
        mkdir -p "$dir/tests" "$dir/probe"
        printf 'working_dir: %s/wd\n' "$dir" > "$dir/loggia.yaml"
        printf 't:\n  run:\n    cmds: [true]\n' > "$dir/tests/trivial.yaml"
        p=$(probe "$dir/probe")
        start=$(date +%s.%N)
        # GNU time reports the largest RSS of the `loggia run` process.
        /usr/bin/time -f '%M' -o "$dir/rss" env LOGGIA_CONFIG_FILE="$dir/loggia.yaml" \
            "$bin" run -w "${n}*trivial" >/dev/null 2>"$dir/err" || true
        end=$(date +%s.%N)
        times+=("$(echo "$end - $start" | bc)")
        rss=$(tail -1 "$dir/rss")
        passed=$(grep -c '"result":"PASS"' "$dir/wd/results.log" || true)
        rm -rf "$dir"
    done
    sorted=$(printf '%s\n' "${times[@]}" | sort -g)
    min=$(echo "$sorted" | head -1)
    median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
    printf '%6d %10.3f %10.3f %12s %8s %10s\n' "$n" "$min" "$median" "$rss" "$passed/$n" "$p"
done
