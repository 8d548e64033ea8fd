#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark payroll report and payroll audit against a bare parse of the
# same input, in the same run: bench/stats.sh [LINES...] (default 1000000
# 250000). Needs a build in $BUILD (default build/). Interleaved rounds
# (lib.sh, $BENCH_ROUNDS): a bare libcsv parse of the ledger (csvparse.c),
# a bare read through libpayroll's ledger reader (ledger_parse.c), report,
# report --html, audit; then, in a second set, the parse of both ledgers
# against audit --previous. Prints medians, each command's median ratio to
# the libcsv parse (and to the reader), and peak memory; the difference in
# peak memory between two sizes gives the bytes per line. LINES "none"
# skips them (with STATS_CALLGRIND, below, to count instructions only).
set -euo pipefail
cd "$(dirname "$0")"
. ./lib.sh
build=$(cd "${BUILD:-../build}" && pwd)
mkdir -p data
cc -O2 -o data/csvparse csvparse.c -lcsv
cc -O2 -I../libpayroll -o data/ledger_parse ledger_parse.c "$build/libpayroll.a" \
	-lcsv -lz -lxml2 -lcrypto -lzip -lxlsxwriter
out=$(bench_out)

show() {	# NAMES... -- RESULT-LINES...: one line per command
	local names=() i=0 med best mem ratio cpu cratio rd crd
	while [ "$1" != -- ]; do names+=("$1"); shift; done
	shift
	read -r _ _ _ rd _ crd <<<"${2:-0 0 0 1 0 1}"	# the reader's ratios
	for r in "$@"; do
		read -r med best mem ratio cpu cratio <<<"$r"
		python3 -c "print('  %-22s wall %.3f s (best %.3f) x%.2f the parse x%.2f the reader | cpu %.3f s x%.2f x%.2f | peak %.1f MiB' % ('${names[$i]}', $med, $best, $ratio, $ratio / $rd, $cpu, $cratio, $cratio / $crd, $mem))"
		i=$((i + 1))
	done
}

[ $# -gt 0 ] || set -- 1000000 250000
[ "$1" = none ] && shift
for lines in "$@"; do
	cur=data/stats-$lines.csv prev=data/stats-$lines-prev.csv
	[ -f "$cur" ] || python3 gen_ledger2.py "$lines" "$cur" 2026-11
	[ -f "$prev" ] || python3 gen_ledger2.py "$lines" "$prev" 2026-10
	printf '%s lines, %.0f MB ledger, %s rounds interleaved\n' "$lines" \
		"$(stat -c %s "$cur")e-6" "${BENCH_ROUNDS:-5}"
	mapfile -t res < <(measure data/csvparse "$cur" :: data/ledger_parse "$cur" \
		:: "$build/payroll-report" -o "$out/bench-report.csv" "$cur" \
		:: "$build/payroll-report" -o "$out/bench-report.csv" --html "$out/bench-report.html" "$cur" \
		:: "$build/payroll-audit" -o "$out/bench-audit.csv" "$cur")
	show "libcsv parse" "ledger reader" "report" "report --html" "audit" -- "${res[@]}"
	mapfile -t res < <(measure sh -c 'data/csvparse "$1" && data/csvparse "$2"' sh "$prev" "$cur" \
		:: sh -c 'data/ledger_parse "$1" && data/ledger_parse "$2"' sh "$prev" "$cur" \
		:: "$build/payroll-audit" --previous "$prev" -o "$out/bench-audit.csv" "$cur")
	show "libcsv parse of both" "ledger reader, both" "audit --previous" -- "${res[@]}"
	rm -f "$out"/bench-report.csv "$out"/bench-report.html "$out"/bench-audit.csv
done

# Instructions, which the load from elsewhere does not change: callgrind at
# STATS_CALLGRIND lines (e.g. 100000), each tool against the bare parse.
if [ -n "${STATS_CALLGRIND:-}" ]; then
	n=$STATS_CALLGRIND cur=data/stats-$STATS_CALLGRIND.csv prev=data/stats-$STATS_CALLGRIND-prev.csv
	[ -f "$cur" ] || python3 gen_ledger2.py "$n" "$cur" 2026-11
	[ -f "$prev" ] || python3 gen_ledger2.py "$n" "$prev" 2026-10
	ir() {	# CMD...: instructions
		valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
			sed -n 's/.*refs: *//p' | tr -d ,
	}
	base=$(ir data/csvparse "$cur") reader=$(ir data/ledger_parse "$cur")
	echo "$n lines, callgrind: libcsv parse $base instructions, ledger reader $reader"
	for t in "report" "report --html" "audit" "audit --previous"; do
		case $t in
		report) i=$(ir "$build/payroll-report" -o "$out/bench-report.csv" "$cur") b=$base r=$reader ;;
		"report --html") i=$(ir "$build/payroll-report" -o "$out/bench-report.csv" \
			--html "$out/bench-report.html" "$cur") b=$base r=$reader ;;
		audit) i=$(ir "$build/payroll-audit" -o "$out/bench-audit.csv" "$cur") b=$base r=$reader ;;
		*) i=$(ir "$build/payroll-audit" --previous "$prev" -o "$out/bench-audit.csv" "$cur")
		   b=$((2 * base)) r=$((2 * reader)) ;;	# the two ledgers are the same size
		esac
		python3 -c "print('  %-18s %d instructions  x%.2f the parse  x%.2f the reader' % ('$t', $i, $i / $b, $i / $r))"
	done
	rm -f "$out"/bench-report.csv "$out"/bench-report.html "$out"/bench-audit.csv
fi
