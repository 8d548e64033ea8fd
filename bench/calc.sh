#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark payroll calc against its floor, in the same run:
# bench/calc.sh [ROWS...] (default 1000000). Needs a build in $BUILD
# (default build/). Interleaved rounds (lib.sh): a bare libcsv parse of the
# roster (csvparse.c), the floor (floor.c: that parse plus writing as many
# bytes as calc's ledger), calc, calc -o - (the ledger to standard output),
# both again on the roster with 1.5% duplicated rows (dirty_roster.py) and, when @duckdb/node-api is on NODE_PATH, DuckDB running the bare
# formula. Prints medians, each command's median ratio to the parse and
# calc's to the floor, and peak memory.
set -euo pipefail
cd "$(dirname "$0")"
. ./lib.sh
build=$(cd "${BUILD:-../build}" && pwd)
mkdir -p data
cc -O2 -o data/csvparse csvparse.c -lcsv
cc -O2 -o data/floor floor.c -lcsv
out=$(bench_out)

for rows in "${@:-1000000}"; do
	roster=data/roster-$rows.csv
	[ -f "$roster" ] || python3 gen_roster.py "$rows" "$roster"
	calc=("$build/payroll-calc" -q --standards ../fixtures/every-code/standards.csv
	      --period 2026-11 --rejects "$out/bench-rejects.csv" "$roster")
	"${calc[@]}" -o "$out/bench-ledger.csv" || [ $? = 1 ]
	lsize=$(stat -c %s "$out/bench-ledger.csv")
	dups=data/dups-$rows.csv	# 1.5% of rows again, the same or sharing an id or account
	[ -f "$dups" ] || python3 dirty_roster.py "$roster" "$dups" 1.5 clean
	dcalc=("${calc[@]:0:$((${#calc[@]} - 1))}" "$dups")
	cmds=(data/csvparse "$roster" :: data/floor "$roster" "$out/bench-floor.out" "$lsize"
	      :: "${calc[@]}" -o "$out/bench-ledger.csv" :: sh -c '"$@" > /dev/null' sh "${calc[@]}" -o -
	      :: "${dcalc[@]}" -o "$out/bench-ledger.csv"
	      :: sh -c '"$@" >/dev/null 2>&1' sh "${dcalc[@]}" -o -)
	names=("libcsv parse" "floor" "calc" "calc -o -" "calc, 1.5% dups" "calc -o -, 1.5% dups")
	if node -e "require('@duckdb/node-api')" 2>/dev/null; then
		cmds+=(:: node duckdb.js "$roster" "$out/bench-duckdb.csv")
		names+=("duckdb (bare formula)")
	else
		echo "(no @duckdb/node-api on NODE_PATH: DuckDB skipped)"
	fi
	mapfile -t res < <(measure "${cmds[@]}")
	printf '%s rows: %.0f MB roster, %.0f MB ledger, %s rounds interleaved\n' "$rows" \
		"$(stat -L -c %s "$roster")e-6" "${lsize}e-6" "${BENCH_ROUNDS:-5}"
	read -r _ _ _ floor_ratio _ floor_cratio <<<"${res[1]}"
	for i in "${!names[@]}"; do
		read -r med best mem ratio cpu cratio <<<"${res[$i]}"
		python3 -c "print('  %-22s median %.3f s (best %.3f)  x%.2f the parse  x%.2f the floor  cpu %.2f s (x%.2f the floor)  peak %.1f MiB' % ('${names[$i]}', $med, $best, $ratio, $ratio / $floor_ratio, $cpu, $cratio / $floor_cratio, $mem))"
	done
	rm -f "$out"/bench-ledger.csv "$out"/bench-rejects.csv "$out"/bench-floor.out "$out"/bench-duckdb.csv
done
