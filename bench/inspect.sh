#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark reading bank files back (SPEC 6.1): payroll inspect and its
# read-back (inspect --format csv, what diff --layout compares) of a
# fixed-gbk and a pain001 file of N transfers (default 1000000), each
# against a bare read of the same bytes through the same decoding:
# gbk_decode.c (iconv GBK -> UTF-8) and xml_read.c (libxml2's
# xmlTextReader), measured interleaved (lib.sh: median of the rounds, the
# ratio per round). The bank files are written by payroll bankfile from
# gen_ledger.py's ledger into bench/data (git-ignored) and kept.
# Needs a build in $BUILD (default build/).
set -euo pipefail
cd "$(dirname "$0")"
. ./lib.sh
build=$(cd "${BUILD:-../build}" && pwd)
mkdir -p data
cc -O2 -o data/gbk_decode gbk_decode.c
cc -O2 $(pkg-config --cflags libxml-2.0) -o data/xml_read xml_read.c $(pkg-config --libs libxml-2.0)

for n in "${@:-1000000}"; do
	ledger=data/ledger-$n.csv
	[ -f "$ledger" ] || python3 gen_ledger.py "$n" "$ledger"
	for lay in fixed-gbk pain001; do
		f=data/transfers-$n.$lay
		payer=()
		[ "$lay" = pain001 ] && payer=(--payer ../fixtures/bank/payer.conf)
		[ -f "$f" ] || "$build/payroll-bankfile" --layout "$lay" "${payer[@]}" -o "$f" "$ledger" \
			2>/dev/null || [ -f "$f" ]
		base=data/gbk_decode
		[ "$lay" = pain001 ] && base=data/xml_read
		count=$("$build/payroll-inspect" --layout "$lay" --format json --show 0 "$f" |
			python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])') || true
		echo "$lay, $count transfers, $(stat -c %s "$f") bytes" \
			"(wall median, best, peak MiB, ratio, cpu median, ratio):"
		measure "$base" "$f" :: \
			"$build/payroll-inspect" --layout "$lay" "$f" :: \
			"$build/payroll-inspect" --layout "$lay" --format csv "$f" |
			paste -d' ' <(printf '%s\n' "  bare  " "  inspect" "  read-back") -
	done
done
