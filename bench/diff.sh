#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark payroll diff against a bare libcsv parse of both files, in the
# same run: bench/diff.sh [LINES] (default 1000000). OLD is the first LINES
# lines of a generated ledger (gen_ledger.py), NEW the same with about 1% of
# lines differing (0.5% amounts changed, 0.25% removed, 0.25% added), its
# rows in another order. Needs a build in $BUILD (default build/). Figures:
# wall time (median of the rounds, lib.sh), the ratio to the bare parse of
# both files, and each command's own peak memory (ru_maxrss of that child).
set -euo pipefail
cd "$(dirname "$0")"
. ./lib.sh
build=$(cd "${BUILD:-../build}" && pwd)
lines=${1:-1000000}
mkdir -p data
cc -O2 -o data/csvparse csvparse.c -lcsv
out=$(bench_out)


src=data/ledger-1000000.csv
[ -f "$src" ] || python3 gen_ledger.py 1000000 "$src"
old=data/diff-old-$lines.csv
new=data/diff-new-$lines.csv
if [ ! -f "$new" ]; then
	head -n $((lines + 1)) "$src" >"$old"
	# every 200th line: amount +1.00; every 400th (offset 1): removed;
	# every 400th (offset 3): a copy with another item, added
	awk -F, 'BEGIN { OFS = "," }
		NR == 1 { print; next }
		NR % 400 == 1 { next }
		NR % 400 == 3 { c = $0; $4 = "subsidy:bench"; print; $0 = c }
		NR % 200 == 0 { split($14, a, "."); $14 = (a[1] + 1) "." a[2] }
		{ print }' "$old" >"$new.tmp"
	{ head -1 "$new.tmp"; tail -n +2 "$new.tmp" | shuf --random-source="$old"; } >"$new"
	rm -f "$new.tmp"
fi
read -r p1 _ m1 _ < <(measure data/csvparse "$old")
read -r p2 _ m2 _ < <(measure data/csvparse "$new")
base=$(python3 -c "print('%.3f' % ($p1 + $p2))")
printf '%s lines, %.0f + %.0f MB: bare libcsv parse of both %.3f s (%.1f MiB)\n' "$lines" \
	"$(stat -c %s "$old")e-6" "$(stat -c %s "$new")e-6" "$base" "$m1"
"$build/payroll-diff" --summary "$old" "$new" | sed 's/^/    /' || true
for args in "--summary" "--format text" "--format csv" "--format json"; do
	# shellcheck disable=SC2086
	read -r t _ mem _ < <(measure "$build/payroll-diff" $args -o "$out/bench-diff.out" "$old" "$new")
	size=$(stat -c %s "$out/bench-diff.out")
	rm -f "$out/bench-diff.out"
	printf '  diff %-14s %7.3f s  ratio %4.1f  peak %6.1f MiB  report %.1f MB\n' "$args" "$t" \
		"$(python3 -c "print($t / $base)")" "$mem" "${size}e-6"
done
