#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark payroll report and payroll audit against a bare libcsv parse of
# the same input, in the same run: bench/stats.sh [LINES...] (default
# 1000000 250000). Needs a build in $BUILD (default build/). Figures: wall
# time (median of the rounds, lib.sh), the ratio to the bare parse, and peak
# memory; the difference in peak memory between two sizes gives the bytes
# per line.
set -euo pipefail
cd "$(dirname "$0")"
. ./lib.sh
build=$(cd "${BUILD:-../build}" && pwd)
mkdir -p data
cc -O2 -o data/csvparse csvparse.c -lcsv
out=$(bench_out)


for lines in "${@:-1000000 250000}"; do
	cur=data/stats-$lines.csv prev=data/stats-$lines-prev.csv
	[ -f "$cur" ] || python3 gen_ledger2.py "$lines" "$cur" 2026-11
	[ -f "$prev" ] || python3 gen_ledger2.py "$lines" "$prev" 2026-10
	read -r base _ bmem _ < <(measure data/csvparse "$cur")
	read -r base2 _ _ _ < <(measure sh -c 'data/csvparse "$1" && data/csvparse "$2"' sh "$prev" "$cur")
	printf '%s lines, %.0f MB ledger: libcsv parse %.3f s (%.1f MiB), of both %.3f s\n' \
		"$lines" "$(stat -c %s "$cur")e-6" "$base" "$bmem" "$base2"
	row() {	# LABEL BASELINE CMD...
		local label=$1 b=$2; shift 2
		read -r t _ mem _ < <(measure "$@")
		python3 -c "print('  %-22s %.3f s  ratio %.2f  peak %.1f MiB' % ('$label', $t, $t / $b, $mem))"
	}
	row "report" "$base" "$build/payroll-report" -o "$out/bench-report.csv" "$cur"
	row "report --html" "$base" "$build/payroll-report" -o "$out/bench-report.csv" \
		--html "$out/bench-report.html" "$cur"
	row "audit" "$base" "$build/payroll-audit" -o "$out/bench-audit.csv" "$cur"
	row "audit --previous" "$base2" "$build/payroll-audit" --previous "$prev" \
		-o "$out/bench-audit.csv" "$cur"
	rm -f "$out"/bench-report.csv "$out"/bench-report.html "$out"/bench-audit.csv
done
