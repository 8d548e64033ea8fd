# SPDX-License-Identifier: Apache-2.0
# The duplicates found by calc's keys-only first pass (a ledger to standard
# output or gzip: payroll_roster_keys) are those found after one full pass
# (a ledger file): the same ledger, rejects, summary, stderr and exit code,
# on rows whose keys count or do not: invalid, stopped, not yet or no longer
# due, damaged by the reader, centralized on one account, ids with x and X,
# grants with and without --paid.
. "$SRC/tests/e2e/lib.sh"
D=$FIXTURES/every-code
# a subsistence row: CASE ID ACCOUNT [START END STATUS]
r() {
	printf '%s,subsistence,urban,220421,东丰镇向阳社区,张伟,%s,2,300.00,,,,ICBC,%s,,%s,%s,%s,\n' \
		"$1" "$2" "$3" "${4-2025-01}" "${5-}" "${6-}"
}
# valid anchors, each with its own id and account; a row below shares
# an anchor's keys, and the anchor is paid unless those keys count
id=(- 220421198001015011 22042119800101502X 220421198001015038 220421198001015046
    220421198001015054 220421198001015062 220421198001015070 220421198001015089
    220421198001015097 22042119800101510X 220421198001015118 220421198001015126
    220421198001015134 220421198001015142 220421198001015150 22042119800101529X
    220421198001015177 220421198001015185)
ac=(- 6217000000900000013 6217000000900000021 6217000000900000039 6217000000900000047
    6217000000900000054 6217000000900000062 6217000000900000070 6217000000900000088
    6217000000900000096 6217000000900000104 6217000000900000112 6217000000900000120
    6217000000900000138 6217000000900000146 6217000000900000153 6217000000900000161
    6217000000900000179 6217000000900000187)
{
	head -1 "$D/roster.csv"
	for i in $(seq 1 18); do r "A-$i" "${id[$i]}" "${ac[$i]}"; done
	# keys that do not count: not due, or status or months unknown
	r X-01 "${id[1]}" "${ac[1]}" 2025-01 '' stopped
	r X-02 "${id[2]}" "${ac[2]}" 2025-01 '' suspended
	r X-03 "${id[3]}" "${ac[3]}" 2027-01
	r X-04 "${id[4]}" "${ac[4]}" 2025-01 2026-10
	r X-05 "${id[5]}" "${ac[5]}" ''
	r X-06 "${id[6]}" "${ac[6]}" 2025-1
	r X-07 "${id[7]}" "${ac[7]}" 2026-05 2026-01
	r X-08 "${id[8]}" "${ac[8]}" 2025-01 '' gone
	r X-09 "${id[9]}" "${ac[9]}" 2025-01 2026-1
	# rows the reader found damaged: a control character, a field too many
	r X-10 "${id[10]}" "${ac[10]}" | sed 's/东丰镇/东丰镇\t/'
	r X-11 "${id[11]}" "${ac[11]}" | sed 's/$/,/'
	# keys that count on invalid rows: a bad bank, a bad id checksum, an id
	# too long, a bad support mode, x for X
	r X-12 "${id[12]}" "${ac[12]}" | sed 's/,ICBC,/,NOBANK!,/'
	r X-13 220421198001015012 "${ac[13]}"
	r X-14 2204211980010150111111111111111111111111111111111111111111111111111 "${ac[14]}"
	r X-15 "${id[15]}" "${ac[15]}" | sed 's/,,,,ICBC/,,,sometimes,ICBC/'
	r X-16 22042119800101529x "${ac[16]}"
	# due in the period's last month; an anchor's case_id on a damaged row
	r X-17 "${id[17]}" "${ac[17]}" 2025-01 2026-11
	r A-18 "${id[18]}" 6217000000901000000 | sed 's/$/,/'
	# centralized rows sharing their institution's account: not duplicates
	sed -n '10,11p' "$D/roster.csv"
} >roster.csv
{
	head -1 "$D/grants.csv"
	sed -n 2,3p "$D/grants.csv"
	# a grant on an anchor's id, one on another's account, one re-dated
	echo "LS-2026-090,2026-11,张伟,${id[17]},220421,东丰镇向阳社区,urban,3,ICBC,6217000000016000006,800.00,火灾"
	echo "LS-2026-091,2026-11,欧阳娜娜,22042119650304004X,220421103202,大阳镇红旗村,rural,4,ICBC,${ac[16]},500,重病"
	echo 'LS-2026-092,2026-10,郭靖,220421197903155019,220421101201,横道河镇新兴村,rural,3,ICBC,6217001501000000000,2000.00,火灾'
} >grants.csv
# an earlier ledger that paid grant 031 (--paid): its keys do not count
payroll-calc -q --standards "$D/standards.csv" --period 2026-11 --grants <(sed -n 1,2p "$D/grants.csv") \
	-o paid.csv "$D/roster.csv" 2>/dev/null
grep -q ',LS-2026-031,' paid.csv || fail "the --paid ledger pays grant 031"; ok

# one run each way; stderr without the line naming where the ledger went
run() {	# NAME LEDGER-ARG ARGS...
	local name=$1 out=$2 rc=0
	shift 2
	payroll-calc --standards "$D/standards.csv" --period 2026-11 --rejects "$name-r.csv" \
		--summary "$name.json" -o "$out" "$@" >"$name.out" 2>"$name.err" || rc=$?
	echo "$rc" >"$name.rc"
	grep -v 'ledger written to' "$name.err" >"$name.err2"
}
same_run() {	# A B: the same outputs
	same_file "$1.rc" "$2.rc"
	same_file "$1-l.csv" "$2-l.csv"
	same_file "$1-r.csv" "$2-r.csv"
	same_file "$1.json" "$2.json"
	same_file "$1.err2" "$2.err2"
}
for extra in "" "--grants grants.csv" "--grants grants.csv --paid paid.csv"; do
	# shellcheck disable=SC2086
	run file file-l.csv $extra roster.csv
	# shellcheck disable=SC2086
	run out - $extra roster.csv
	mv out.out out-l.csv
	same_run file out
	# shellcheck disable=SC2086
	run gz gz-l.csv.gz $extra roster.csv
	zcat gz-l.csv.gz >gz-l.csv
	same_run file gz
	[ "$(cat file.rc)" = 1 ] || fail "rejects give exit 1 ($extra)"; ok
done
# what each pair gave: the anchors paid, or rejected as duplicates
for i in $(seq 1 11); do grep_file ",A-$i,subsistence,allowance," file-l.csv; done
for i in 12 13 14 15 16 17; do grep_file ",A-$i,duplicate-" file-r.csv; done
grep_file ',A-18,duplicate-case,' file-r.csv
grep_file ',TK-0002,extreme-poverty,basic-living,' file-l.csv
grep_file ',TK-0003,extreme-poverty,basic-living,' file-l.csv
done_ok
