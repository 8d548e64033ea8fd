# SPDX-License-Identifier: Apache-2.0
# calc and check on the demo month: golden files byte for byte, every
# encoding and compression giving the same ledger, every reject code, the
# reconciliation of counts, and fatal inputs leaving no output behind.
. "$SRC/tests/e2e/lib.sh"
D=$FIXTURES/every-code
calc() { payroll-calc -q --standards "$D/standards.csv" --period 2026-11 --grants "$D/grants.csv" "$@"; }

# the demo month against its golden files
expect_exit 1 calc -o ledger.csv --rejects rejects.csv --summary summary.json "$D/roster.csv"
same_file "$D/expected/ledger.csv" ledger.csv
same_file "$D/expected/rejects.csv" rejects.csv
same_file "$D/expected/summary.json" summary.json
[ ! -s out ] || fail "calc with -o printed on stdout"; ok

# same inputs, same bytes; GB18030 (Chinese headers, CRLF), gzip, stdin, stdout
expect_exit 1 calc -o again.csv "$D/roster.csv"
same_file ledger.csv again.csv
iconv -f GB18030 -t UTF-8 "$D/roster.gb18030.csv" >/dev/null || fail "GB18030 fixture does not decode"; ok
! iconv -f UTF-8 -t UTF-8 "$D/roster.gb18030.csv" >/dev/null 2>&1 || fail "GB18030 fixture is valid UTF-8"; ok
expect_exit 1 calc -o gb.csv --rejects gb-rejects.csv "$D/roster.gb18030.csv"
same_file ledger.csv gb.csv
cut -d, -f2- rejects.csv >a; cut -d, -f2- gb-rejects.csv >b; same_file a b
expect_exit 1 calc -o gb2.csv --encoding gb18030 "$D/roster.gb18030.csv"
same_file ledger.csv gb2.csv
gzip -nc "$D/roster.csv" >roster.csv.gz
expect_exit 1 calc -o gz.csv roster.csv.gz
same_file ledger.csv gz.csv
expect_exit 1 calc -o gzout.csv.gz "$D/roster.csv"
zcat gzout.csv.gz >gzout.csv; same_file ledger.csv gzout.csv
expect_exit 1 calc -o stdin.csv - <"$D/roster.csv"
same_file ledger.csv stdin.csv
expect_exit 1 calc "$D/roster.csv"
same_file ledger.csv out

# the three ways duplicates are taken out give the same rejects, summary
# and messages: cut out of a ledger file in place, found by a first pass
# for standard output and gzip, or spooled when both ledger and roster are
# standard streams
expect_exit 1 calc -o dup-file.csv --rejects r-file.csv --summary s-file.json "$D/roster.csv"
mv err err-file
same_file r-file.csv rejects.csv
for how in stdout gzip stdin; do
	case $how in
	stdout) expect_exit 1 calc --rejects r.csv --summary s.json "$D/roster.csv"; cp out l.csv ;;
	gzip) expect_exit 1 calc -o l.csv.gz --rejects r.csv --summary s.json "$D/roster.csv"
	      zcat l.csv.gz >l.csv ;;
	stdin) expect_exit 1 calc --rejects r.csv --summary s.json - <"$D/roster.csv"; cp out l.csv
	       sed -i 's|^-:|'"$D/roster.csv"':|' err; sed -i 's|^-,|roster.csv,|' r.csv
	       sed -i 's|"file": "-"|"file": "roster.csv"|' s.json ;;
	esac
	same_file ledger.csv l.csv
	same_file r-file.csv r.csv
	same_file s-file.json s.json
	same_file err-file err
done

# every reject code the demo is built to trigger, on the row meant for it
for want in not-due:DF-0101 bad-id-checksum:DF-0201 bad-money:DF-0202 duplicate-case:DF-0203 \
	duplicate-account:DF-0205 duplicate-account:DF-0206 duplicate-id:DF-0207 duplicate-id:DF-0208 \
	unknown-category:DF-0209 name-mismatch:DF-0210 bad-region:DF-0211 bad-account:DF-0212 \
	missing-standard:DF-0213 income-above-standard:DF-0214 too-many-persons:DF-0215 \
	arrears-too-old:DF-0216 already-paid:DF-0217 bad-members:DF-0218 bad-program:DF-0219 \
	bad-care-level:TK-0201 bad-month:DF-0220 missing-field:DF-0221 bad-bank:DF-0222 \
	bad-id:DF-0223 over-cap:LS-2026-033; do
	grep -q ",${want#*:},${want%%:*}," rejects.csv || fail "no ${want%%:*} reject for ${want#*:}"
	ok
done
[ "$(grep -c ',DF-0203,duplicate-case,' rejects.csv)" = 2 ] || fail "both duplicate-case rows must be rejected"; ok
no_grep ",DF-0203," ledger.csv
no_grep ",DF-0205," ledger.csv
# each reject (not-due aside) also on stderr as FILE:LINE: CODE: message
grep_file "roster.csv:16: bad-id-checksum: column 7 (id_number)" err
grep_file "roster.csv:18: duplicate-case: case_id also on line 19" err
no_grep "not-due" err

# nothing lost: rows read = paid + rejected; ledger lines and total reconcile
num() { grep -o "\"$1\": [0-9]*" summary.json | head -1 | grep -o '[0-9]*$'; }
[ $(( $(num rows_paid) + $(num rows_rejected) )) = "$(num rows_read)" ] || fail "rows do not reconcile"; ok
[ "$(num rows_read)" = $(( $(wc -l <"$D/roster.csv") - 1 + $(wc -l <"$D/grants.csv") - 1 )) ] || fail "rows_read wrong"; ok
[ "$(num rows_rejected)" = $(( $(wc -l <rejects.csv) - 1 )) ] || fail "one rejects line per rejected row"; ok
[ "$(num lines)" = $(( $(wc -l <ledger.csv) - 1 )) ] || fail "lines do not match the ledger"; ok
sum=$(awk -F, 'NR > 1 { split($17, a, "."); s += a[1] * 100 + a[2] } END { print s }' ledger.csv)
[ "$sum" = "$(num total_fen)" ] || fail "ledger total $sum != summary total"; ok

# check: every problem, exit 1; a clean roster exits 0
expect_exit 1 payroll-check --standards "$D/standards.csv" --grants "$D/grants.csv" --period 2026-11 "$D/roster.csv"
grep_file "roster.csv:29: income-above-standard" err
grep_file "roster.csv:19: duplicate-case" err
grep_file "grants.csv:4: over-cap" err
[ "$(grep -c ': ' err)" -ge 25 ] || fail "check should report every problem"; ok
head -12 "$D/roster.csv" >clean.csv
expect_exit 0 payroll-check --standards "$D/standards.csv" --period 2026-11 clean.csv
[ ! -s err ] || fail "check of a clean roster is not quiet"; ok
expect_exit 0 payroll-check clean.csv
# every problem of one row, not only the first
printf '%s\n' "$(head -1 "$D/roster.csv")" \
	'X1,subsistence,urban,22042,c,n,123,0,1e3,,,,ICBC,12,,2026/1,,,' >multi.csv
expect_exit 1 payroll-check multi.csv
for code in bad-region bad-id bad-members bad-money bad-account bad-month; do grep_file ": $code: " err; done

# fatal inputs: exit 2, a clear message, and no output file at all
printf 'region,program,area,item,amount,from,to\n220421,subsistence,urban,base,700.00,2026-01,2026-12\n220421,subsistence,urban,base,720.00,2026-06,\n' >overlap.csv
fatal "overlap" payroll-calc --standards overlap.csv --period 2026-11 -o o.csv --rejects r.csv --summary s.json "$D/roster.csv"
grep_file "overlap.csv:3: overlap: overlaps line 2" err
printf 'region,program,area,item,amount,from,to\n220421,subsistence,urban,base,130%%,2026-01,\n' >pct.csv
fatal "percent-of-percent" payroll-calc --standards pct.csv --period 2026-11 -o o.csv --rejects r.csv --summary s.json "$D/roster.csv"
printf 'region,program,area,item,amount,from,to\n220421,*,*,bonus,1.00,2026-01,\n220421,*,*,rounding,yuan-sideways,2026-01,\n' >items.csv
fatal "unknown-item" payroll-calc --standards items.csv --period 2026-11 -o o.csv "$D/roster.csv"
grep_file "bad-rounding" err
: >empty.csv
fatal "empty-file" calc -o o.csv --rejects r.csv --summary s.json empty.csv
cut -d, -f1-5 "$D/roster.csv" >nocols.csv
fatal "missing-column" calc -o o.csv --rejects r.csv --summary s.json nocols.csv
grep_file "'name'" err
{ head -3 "$D/roster.csv"; printf 'Z9,subsistence,urban,220421,"open quote,name\n'; } >openquote.csv
fatal "bad-csv" calc -o o.csv --rejects r.csv --summary s.json openquote.csv
head -c 3000 /dev/urandom >garbage.csv
rm -f o.csv; payroll-calc -q --standards "$D/standards.csv" --period 2026-11 -o o.csv garbage.csv >out 2>err
rc=$?; [ "$rc" = 2 ] || [ "$rc" = 1 ] || fail "garbage: exit $rc"; ok
fatal "cannot open" calc -o o.csv --rejects r.csv no-such-roster.csv
fatal "payroll-calc: '--standards' is required; try 'payroll-calc --help'" payroll-calc --period 2026-11 "$D/roster.csv"
fatal "--period" payroll-calc --standards "$D/standards.csv" --period 2026-13 "$D/roster.csv"

# a truncated file and a short row: rejected rows, still accounted for
head -c "$(( $(wc -c <"$D/roster.csv") - 40 ))" "$D/roster.csv" >truncated.csv
expect_exit 1 calc -o t.csv --rejects tr.csv --summary ts.json truncated.csv
grep_file ",bad-row," tr.csv
{ head -2 "$D/roster.csv"; echo 'SHORT,subsistence,urban'; sed -n 3p "$D/roster.csv"; } >short.csv
expect_exit 1 calc -o s.csv --rejects sr.csv short.csv
grep_file "short.csv,3,SHORT,bad-row," sr.csv
[ "$(wc -l <s.csv)" -gt 5 ] || fail "rows after a short row must still be paid"; ok
{ head -2 "$D/roster.csv"; echo 'QQ,subsistence,urban,220421,x"y,n,1,1,1,,,,ICBC,12345678,,2026-01,,,'; sed -n 3p "$D/roster.csv"; } >stray.csv
expect_exit 1 calc -o q.csv --rejects qr.csv stray.csv
grep_file "stray.csv,3,QQ,bad-csv," qr.csv
grep_file "DF-0002" q.csv

# the optional column reviewed (复核月份): a month, or the row is rejected
{ head -1 "$D/roster.csv" | sed 's/$/,reviewed/'; sed -n 2p "$D/roster.csv" | sed 's/$/,2026-01/';
  sed -n 3p "$D/roster.csv" | sed 's|$|,2026/01|'; sed -n 4p "$D/roster.csv" | sed 's/$/,/'; } >reviewed.csv
expect_exit 1 calc -o rv.csv --rejects rvr.csv reviewed.csv
grep_file "reviewed.csv,3,DF-0002,bad-month,column 20 (reviewed): '2026/01' is not a month YYYY-MM" rvr.csv
grep_file ",DF-0001," rv.csv; grep_file ",DF-0003," rv.csv
{ head -1 "$D/roster.csv" | sed 's/$/,复核月份/'; sed -n 2p "$D/roster.csv" | sed 's/$/,2026-13/'; } >reviewed-zh.csv
expect_exit 1 payroll-check --standards "$D/standards.csv" reviewed-zh.csv
grep_file "reviewed-zh.csv:2: bad-month: column 20 (reviewed)" err

# every tool answers --help and --version
for t in payroll payroll-calc payroll-check; do
	expect_exit 0 "$t" --help; grep_file "usage:" out
	expect_exit 0 "$t" --version; grep_file "0.1.0" out
done
expect_exit 2 payroll nosuchverb
expect_exit 1 payroll calc -q --standards "$D/standards.csv" --period 2026-11 -o via.csv "$D/roster.csv"

# a ledger past 1 MiB is written by a second thread: the same bytes to a
# file, to standard output and through gzip
python3 "$SRC/bench/gen_roster.py" 3000 big.csv
big() { payroll-calc -q --standards "$D/standards.csv" --period 2026-11 "$@" big.csv; }
expect_exit 0 big -o big-file.csv
[ "$(stat -c %s big-file.csv)" -gt 1500000 ] || fail "big ledger too small to start the thread"; ok
expect_exit 0 big
same_file big-file.csv out
expect_exit 0 big -o big.csv.gz
zcat big.csv.gz >big-gz.csv; same_file big-file.csv big-gz.csv

# -o - reads a regular roster twice (duplicates first); a roster changed
# meanwhile is an error, exit 2, even with part of the ledger out. The
# reader stops after 1 MB and touches the roster: calc cannot finish the
# 10 MB ledger before it reads on, so the change falls inside the run.
python3 "$SRC/bench/gen_roster.py" 20000 huge.csv
payroll-calc -q --standards "$D/standards.csv" --period 2026-11 -o - huge.csv 2>err |
	{ head -c 1000000 >/dev/null; touch huge.csv; cat >/dev/null; }
rc=${PIPESTATUS[0]}
[ "$rc" = 2 ] || fail "a roster changed during calc -o -: exit $rc, want 2"
grep_file "huge.csv: io: changed while it was read" err
done_ok
