#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark payroll bankfile on calc's own ledger, against a bare libcsv
# parse of that ledger (issue 17's baseline), in the same run:
# bench/bankfile.sh [CASES...] (default 1000000). Needs a build in $BUILD
# (default build/).
#
# The ledger is what payroll calc writes for bench/calc.sh's roster
# (gen_roster.py, CASES rows), kept in data/. Interleaved rounds (lib.sh,
# $BENCH_ROUNDS, default 5): csvparse.c (a bare libcsv parse),
# ledger_parse.c (a bare read through libpayroll's ledger reader, the
# baseline of the earlier figures), then payroll bankfile for each built-in
# layout (pain001 twice: fixed ids, and ids derived from the transfers). Prints medians, each command's median ratio to the parse (wall
# and CPU time) and to the ledger read, and peak memory.
set -euo pipefail
cd "$(dirname "$0")"
. ./lib.sh
build=$(cd "${BUILD:-../build}" && pwd)
mkdir -p data
cc -O2 -o data/csvparse csvparse.c -lcsv
cc -O2 -I../libpayroll -o data/ledger_parse ledger_parse.c "$build/libpayroll.a" \
	-lcsv -lzip -lxlsxwriter -lz -lxml2 -lcrypto -lpthread
out=$(bench_out)

for cases in "${@:-1000000}"; do
	roster=data/roster-$cases.csv
	ledger=data/calc-ledger-$cases.csv
	[ -f "$roster" ] || python3 gen_roster.py "$cases" "$roster"
	# a symlinked ledger is shared data (HELPERS.md): taken as it is
	if [ ! -f "$ledger" ] || { [ ! -L "$ledger" ] && [ "$ledger" -ot "$roster" ]; }; then
		"$build/payroll-calc" -q --standards ../fixtures/every-code/standards.csv \
			--period 2026-11 --rejects "$out/bench-rejects.csv" -o "$ledger" "$roster" ||
			[ $? = 1 ]
		rm -f "$out/bench-rejects.csv"
	fi
	cmds=(data/csvparse "$ledger" :: data/ledger_parse "$ledger")
	names=("libcsv parse" "ledger read")
	# pain001: ids fixed by the payer file; pain001-derived: derived from
	# message-id-prefix and the digest of the transfers
	for lay in csv fixed-gbk pain001 pain001-derived; do
		payer=()
		[ "$lay" = pain001 ] && payer=(--payer ../fixtures/bank/payer.conf)
		[ "$lay" = pain001-derived ] && payer=(--payer ../fixtures/demo/payer.conf)
		cmds+=(:: "$build/payroll-bankfile" --layout "${lay%-derived}" "${payer[@]}"
		       -o "$out/bench-bank.$lay" "$ledger")
		names+=("$lay")
	done
	mapfile -t res < <(measure "${cmds[@]}")
	printf '%s cases: %.0f MB ledger (%s lines), %s rounds interleaved\n' "$cases" \
		"$(stat -L -c %s "$ledger")e-6" "$(($(wc -l < "$ledger") - 1))" "${BENCH_ROUNDS:-5}"
	read -r _ _ _ read_ratio _ read_cratio <<<"${res[1]}"
	for i in "${!names[@]}"; do
		read -r med best mem ratio cpu cratio <<<"${res[$i]}"
		size=
		[ $i -ge 2 ] && size=$(stat -c %s "$out/bench-bank.${names[$i]}")
		python3 -c "
size = '$size'
print('  %-15s median %6.3f s (best %6.3f)  x%.2f the parse  cpu %6.3f s x%.2f  x%.2f the ledger read  peak %5.1f MiB%s'
      % ('${names[$i]}', $med, $best, $ratio, $cpu, $cratio, $ratio / $read_ratio, $mem,
         '  (%.0f MB out)' % (int(size) / 1e6) if size else ''))"
	done
	rm -f "$out"/bench-bank.*
done
