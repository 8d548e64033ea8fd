#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark payroll calc on an .xlsx roster against calc on the same rows as
# CSV (issue 11): bench/xlsx.sh [ROWS...] (default 1000000). Needs a build
# in ${BUILD:-../build} (relative to bench/). ROUNDS (default 5) pairs of
# runs, interleaved CSV, xlsx, CSV, xlsx... so that load from the rest of
# the shared machine hits both alike; the figures are the medians of the
# per-pair ratios of wall time and of CPU time (user + system), and each
# input's peak RSS (/usr/bin/time -v's "Maximum resident set size").
#
# The workbook is written by gen_xlsx.c with libxlsxwriter from the CSV
# that gen_roster.py makes: text in the shared strings table, members and
# income as number cells, months as date cells. GEN_XLSX_OPTS=--inline
# writes inline strings instead (libxlsxwriter's constant_memory mode).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p data
build=${BUILD:-../build}
cc -O2 -o data/gen_xlsx gen_xlsx.c -lxlsxwriter
out=${BENCH_OUT:-/dev/shm}
[ -d "$out" ] || out=data
rounds=${ROUNDS:-5}
opts=${GEN_XLSX_OPTS:-}

for rows in "${@:-1000000}"; do
	csv=data/roster-$rows.csv
	xlsx=data/roster-$rows${opts:+-inline}.xlsx
	[ -f "$csv" ] || python3 gen_roster.py "$rows" "$csv"
	[ -f "$xlsx" ] || TMPDIR=data data/gen_xlsx $opts "$csv" "$xlsx"
	for ((i = 1; i <= rounds; i++)); do
		for in in "$csv" "$xlsx"; do
			/usr/bin/time -v -o "$out/bench-time" "$build/payroll-calc" -q \
				--standards ../fixtures/every-code/standards.csv --period 2026-11 \
				-o "$out/bench-ledger.csv" --rejects "$out/bench-rejects.csv" "$in" || [ $? = 1 ]
			awk -v kind="${in##*.}" -F': ' '
				/Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0; for (k = 1; k <= n; k++) w = w * 60 + t[k] }
				/User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { m = $2 }
				END { printf "%s %.3f %.3f %d\n", kind, w, u + s, m }' "$out/bench-time"
		done
	done >data/xlsx-runs-$rows
	rm -f "$out/bench-ledger.csv" "$out/bench-rejects.csv" "$out/bench-time"
	python3 - "$rows" "$csv" "$xlsx" data/xlsx-runs-$rows <<'PY'
import os, re, statistics, sys, zipfile
rows, csv, xlsx, runs = sys.argv[1:]
r = [l.split() for l in open(runs)]
c = [x for x in r if x[0] == "csv"]
x = [x for x in r if x[0] == "xlsx"]
wall = statistics.median(float(b[1]) / float(a[1]) for a, b in zip(c, x))
cpu = statistics.median(float(b[2]) / float(a[2]) for a, b in zip(c, x))
# what the reader holds of the shared strings: each string, its length
# (a varint: one byte under 128 bytes) and its NUL, and a 4-byte offset
# a string
n = size = 0
with zipfile.ZipFile(xlsx) as z:
    if "xl/sharedStrings.xml" in z.namelist():
        text = z.read("xl/sharedStrings.xml").decode()
        for si in re.findall(r"<si>(.*?)</si>", text, re.S):
            n += 1
            b = len("".join(re.findall(r"<t[^>]*>(.*?)</t>", si, re.S)).encode())
            size += b + 1 + max(1, (b.bit_length() + 6) // 7)
sst = (size + 4 * n) / 2**20
mc = max(int(a[3]) for a in c) / 1024
mx = max(int(b[3]) for b in x) / 1024
print("%s rows: csv %.1f MB, xlsx %.1f MB; %d pairs" % (rows, os.path.getsize(csv) / 1e6,
      os.path.getsize(xlsx) / 1e6, len(x)))
print("  wall: csv median %.3f s, xlsx median %.3f s; median ratio %.2f" % (
      statistics.median(float(a[1]) for a in c), statistics.median(float(b[1]) for b in x), wall))
print("  cpu:  csv median %.3f s, xlsx median %.3f s; median ratio %.2f" % (
      statistics.median(float(a[2]) for a in c), statistics.median(float(b[2]) for b in x), cpu))
print("  peak RSS: csv %.1f MiB, xlsx %.1f MiB; shared strings %d, held in %.1f MiB; "
      "xlsx beyond them %.1f MiB" % (mc, mx, n, sst, mx - sst))
PY
done
