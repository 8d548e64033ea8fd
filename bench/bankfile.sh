#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark payroll bankfile against a bare read of the same ledger through
# libpayroll's ledger reader, in the same run: bench/bankfile.sh [CASES...]
# (default 1000000). Needs a build in $BUILD (default build/). Figures: wall
# time (median of the rounds, lib.sh), the ratio to the bare read, and peak
# memory.
set -euo pipefail
cd "$(dirname "$0")"
. ./lib.sh
build=$(cd "${BUILD:-../build}" && pwd)
mkdir -p data
cc -O2 -I../libpayroll -o data/ledger_parse ledger_parse.c "$build/libpayroll.a" \
	-lcsv -lz -lxml2 -lcrypto
out=$(bench_out)


for cases in "${@:-1000000}"; do
	ledger=data/ledger-$cases.csv
	[ -f "$ledger" ] || python3 gen_ledger.py "$cases" "$ledger"
	read -r base _ bmem _ < <(measure data/ledger_parse "$ledger")
	printf '%s cases, %.0f MB ledger: bare ledger read %.3f s (%.1f MiB)\n' \
		"$cases" "$(stat -c %s "$ledger")e-6" "$base" "$bmem"
	for lay in csv fixed-gbk pain001; do
		payer=()
		[ "$lay" = pain001 ] && payer=(--payer ../fixtures/bank/payer.conf)
		read -r t _ mem _ < <(measure "$build/payroll-bankfile" --layout "$lay" "${payer[@]}" \
			-o "$out/bench-bank.$lay" "$ledger")
		size=$(stat -c %s "$out/bench-bank.$lay")
		rm -f "$out/bench-bank.$lay" "$out/bench-bank.$lay".ctl
		python3 -c "print('  %-9s %.3f s  ratio %.2f  peak %.1f MiB  (%.0f MB out)' % ('$lay', $t, $t / $base, $mem, $size / 1e6))"
	done
done
