#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark payroll calc against a bare libcsv parse of the same roster, in
# the same run: bench/calc.sh [ROWS...] (default 1000000). Needs a build in
# build/. Figures: wall time (best of 3), the ratio, and peak memory.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p data
cc -O2 -o data/csvparse csvparse.c -lcsv
out=${BENCH_OUT:-/dev/shm}
[ -d "$out" ] || out=data

measure() {	# prints "seconds peak-MiB" of the best of 3 runs
	python3 - "$@" <<'PY'
import resource, subprocess, sys, time
best = None
for _ in range(3):
    t = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dt = time.perf_counter() - t
    best = dt if best is None else min(best, dt)
print("%.3f %.1f" % (best, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))
PY
}

for rows in "${@:-1000000}"; do
	roster=data/roster-$rows.csv
	[ -f "$roster" ] || python3 gen_roster.py "$rows" "$roster"
	read -r base _ < <(measure data/csvparse "$roster")
	read -r calc mem < <(measure ../build/payroll-calc -q --standards ../fixtures/every-code/standards.csv \
		--period 2026-11 -o "$out/bench-ledger.csv" --rejects "$out/bench-rejects.csv" "$roster")
	size=$(stat -c %s "$roster")
	lsize=$(stat -c %s "$out/bench-ledger.csv")
	rm -f "$out/bench-ledger.csv" "$out/bench-rejects.csv"
	python3 -c "print('%s rows (%.0f MB in, %.0f MB ledger out): libcsv parse %.3f s, calc %.3f s, ratio %.2f, peak %.1f MiB' % ('$rows', $size/1e6, $lsize/1e6, $base, $calc, $calc/$base, $mem))"
done
