#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark payroll bankfile against a bare read of the same ledger through
# libpayroll's ledger reader, in the same run: bench/bankfile.sh [CASES...]
# (default 1000000). Needs a build in $BUILD (default build/). Figures: wall
# time (best of 3), the ratio to the bare read, and peak memory.
set -euo pipefail
cd "$(dirname "$0")"
build=$(cd "${BUILD:-../build}" && pwd)
mkdir -p data
cc -O2 -I../libpayroll -o data/ledger_parse ledger_parse.c "$build/libpayroll.a" \
	-lcsv -lz -lxml2 -lcrypto
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

for cases in "${@:-1000000}"; do
	ledger=data/ledger-$cases.csv
	[ -f "$ledger" ] || python3 gen_ledger.py "$cases" "$ledger"
	read -r base bmem < <(measure data/ledger_parse "$ledger")
	printf '%s cases, %.0f MB ledger: bare ledger read %.3f s (%.1f MiB)\n' \
		"$cases" "$(stat -c %s "$ledger")e-6" "$base" "$bmem"
	for lay in csv fixed-gbk pain001; do
		payer=()
		[ "$lay" = pain001 ] && payer=(--payer ../fixtures/bank/payer.conf)
		read -r t mem < <(measure "$build/payroll-bankfile" --layout "$lay" "${payer[@]}" \
			-o "$out/bench-bank.$lay" "$ledger")
		size=$(stat -c %s "$out/bench-bank.$lay")
		rm -f "$out/bench-bank.$lay" "$out/bench-bank.$lay".ctl
		python3 -c "print('  %-9s %.3f s  ratio %.2f  peak %.1f MiB  (%.0f MB out)' % ('$lay', $t, $t / $base, $mem, $size / 1e6))"
	done
done
