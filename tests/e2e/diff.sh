# SPDX-License-Identifier: Apache-2.0
# diff: golden reports in all three formats, exit codes, every option,
# order and column order not mattering, duplicate keys, .gz and GB18030
# input, bank files, and no report left behind on error.
. "$SRC/tests/e2e/lib.sh"
G=$FIXTURES/diff
cp "$FIXTURES/every-code/expected/ledger.csv" old.csv
cp "$G/new.csv" new.csv

# the golden reports (NEW is shuffled, its columns reordered: one row
# removed, one added, four changed)
for f in text csv json; do
	expect_exit 1 payroll-diff --format "$f" old.csv new.csv
	same_file "$G/expected.$f" out
	[ ! -s err ] || fail "diff --format $f wrote to stderr"; ok
done
expect_exit 1 payroll-diff -o report.txt old.csv new.csv
same_file "$G/expected.text" report.txt
[ ! -s out ] || fail "-o still printed"; ok
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["summary"]["net_amount"]=="-40.00" and not d["only_columns"]' "$G/expected.json" || fail "json"; ok

# a file against itself, and against a shuffled copy of itself: identical
expect_exit 0 payroll-diff old.csv old.csv
grep_file "result      identical" out
{ head -1 old.csv; tail -n +2 old.csv | shuf --random-source=old.csv; } >shuffled.csv
cmp -s old.csv shuffled.csv && fail "shuffle did nothing"; ok
expect_exit 0 payroll-diff --format csv shuffled.csv old.csv
grep_file "summary,,,,,,different,,0" out
no_grep "changed," out
# columns in another order, matched by name (case-insensitive)
python3 - old.csv <<'PY' >reordered.csv
import csv, sys
r = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
o = list(range(len(r[0])))[::-1]
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow([r[0][i].upper() if r[0][i] == "basis" else r[0][i] for i in o])
for row in r[1:]: w.writerow([row[i] for i in o])
PY
expect_exit 0 payroll-diff old.csv reordered.csv

# summary totals of SPEC 9
expect_exit 1 payroll-diff --summary old.csv new.csv
no_grep "removed  old:" out
for s in "old                 49 rows  amount 18164.00" "new                 49 rows  amount 18124.00" \
	"added                1 rows  amount 120.00" "removed              1 rows  amount 200.00" \
	"changed              4 rows  amount +40.00" "net change                   amount -40.00" \
	"result      different"; do grep_file "$s" out; done
expect_exit 1 payroll-diff --summary --format json old.csv new.csv
grep_file '"added_amount": "120.00"' out
no_grep '"changed": [' out

# --only: the kinds shown, and what the exit status is about
expect_exit 1 payroll-diff --only added old.csv new.csv
grep_file "added                 new:24" out; no_grep "removed  old:" out; no_grep "changed  old:" out
expect_exit 1 payroll-diff --only removed,changed --format csv old.csv new.csv
grep_file "removed,13,," out; grep_file "changed,2,16," out; no_grep "added,," out
# --ignore and --tolerance
expect_exit 1 payroll-diff --ignore name,account_name old.csv new.csv
no_grep "李秀瑛" out
grep_file "changed              1 rows" out
expect_exit 1 payroll-diff --ignore name,account_name,basis --tolerance 40 old.csv new.csv
grep_file "changed              0 rows" out
grep_file "unchanged           48 rows" out
expect_exit 1 payroll-diff --ignore name,account_name,basis --tolerance 39.99 old.csv new.csv
grep_file "changed              1 rows" out
# --only changed with no change left: exit 0 (other kinds not asked about)
expect_exit 0 payroll-diff --ignore name,account_name,basis --only changed --tolerance 40.00 old.csv new.csv
grep_file "changed              0 rows" out
no_grep "changed  old:" out
expect_exit 1 payroll-diff --ignore name,account_name,basis --only changed --tolerance 39.99 old.csv new.csv
grep_file "1560.00 -> 1600.00" out
# a column in one file only is reported (and is a difference)
cut -d, -f1-17 old.csv >nobasis.csv
expect_exit 1 payroll-diff nobasis.csv old.csv
grep_file "column only in new: basis" out
expect_exit 1 payroll-diff --format json nobasis.csv old.csv
grep_file '"only_columns": [{"side": "new", "column": "basis"}]' out
expect_exit 0 payroll-diff --ignore basis nobasis.csv old.csv
# a file without amount: no sums
cut -d, -f1-13 old.csv >plain.csv
expect_exit 0 payroll-diff plain.csv plain.csv
no_grep "amount" out
expect_exit 2 payroll-diff --tolerance 1 plain.csv plain.csv

# .gz and GB18030 inputs are the same file
gzip -nc new.csv >new.csv.gz
expect_exit 1 payroll-diff --format csv old.csv new.csv.gz
sed 's/new\.csv\.gz/new.csv/' out >gz.csv; same_file "$G/expected.csv" gz.csv
iconv -f UTF-8 -t GB18030 old.csv >old-gb.csv
cmp -s old.csv old-gb.csv && fail "iconv did nothing"; ok
expect_exit 0 payroll-diff old-gb.csv old.csv
expect_exit 1 payroll-diff --format json old-gb.csv new.csv
grep_file '"李秀英", "new": "李秀瑛"' out

# duplicate keys: exit 2, both lines named, no report
{ cat old.csv; sed -n 5p old.csv; } >dup.csv
expect_exit 2 payroll-diff -o dup-report.txt dup.csv new.csv
grep_file "dup.csv:51: duplicate-key: the key (case_id,item,month) of this line is also on line 5" err
absent dup-report.txt
expect_exit 2 payroll-diff -o dup-report.txt new.csv dup.csv
grep_file "dup.csv:51: duplicate-key" err; grep_file "line 5" err
absent dup-report.txt
# a duplicate among rows of the larger file that the smaller lacks
{ head -3 old.csv; } >small.csv
{ cat old.csv; sed -n 20p old.csv; } >dup2.csv
expect_exit 2 payroll-diff small.csv dup2.csv
grep_file "dup2.csv:51: duplicate-key" err; grep_file "also on line 20" err

# bank csv files, keyed by seq or account
B="$FIXTURES/bank/golden"
bank=$(ls "$B"/*.csv 2>/dev/null | grep -v ctl | head -1)
if [ -z "$bank" ]; then
	payroll-bankfile --layout csv -o bank.csv "$FIXTURES/every-code/expected/ledger.csv" >/dev/null 2>&1 || fail "bankfile"
	bank=bank.csv
fi; ok
head -1 "$bank" | grep -q '^seq,bank,account,account_name,amount,memo' || fail "not a bank csv: $bank"; ok
{ head -1 "$bank"; tail -n +2 "$bank" | tac; } >bank-rev.csv
expect_exit 0 payroll-diff --key seq "$bank" bank-rev.csv
expect_exit 0 payroll-diff --key account "$bank" bank-rev.csv
awk -F, 'BEGIN { OFS = "," } NR == 2 { $5 = "1.00" } { print }' "$bank" >bank-changed.csv
expect_exit 1 payroll-diff --key account --format csv "$bank" bank-changed.csv
grep_file ",amount," out
grep_file "summary,,,,net_amount,," out

# errors: exit 2, nothing written
expect_exit 2 payroll-diff -o r.txt --key no_such_column old.csv new.csv
grep_file "missing-column" err; absent r.txt
expect_exit 2 payroll-diff -o r.txt --ignore no_such old.csv new.csv; absent r.txt
expect_exit 2 payroll-diff -o r.txt --ignore case_id old.csv new.csv; absent r.txt
expect_exit 2 payroll-diff -o r.txt --tolerance 1.234 old.csv new.csv; absent r.txt
expect_exit 2 payroll-diff -o r.txt --tolerance -1 old.csv new.csv; absent r.txt
expect_exit 2 payroll-diff -o r.txt --format xml old.csv new.csv; absent r.txt
expect_exit 2 payroll-diff -o r.txt --only moved old.csv new.csv; absent r.txt
expect_exit 2 payroll-diff -o r.txt old.csv no-such.csv; absent r.txt
expect_exit 2 payroll-diff -o r.txt - - <old.csv; absent r.txt
grep_file "only one of the files can be standard input" err
# one file may be standard input: it is the one streamed, the other indexed
expect_exit 1 payroll-diff - new.csv <old.csv
sed '1s/^--- old old.csv$/--- old -/' "$G/expected.text" >want-stdin.text
same_file want-stdin.text out
expect_exit 1 payroll-diff --format json old.csv - <new.csv
sed 's/"new": "new.csv"/"new": "-"/' "$G/expected.json" >want-stdin.json
same_file want-stdin.json out
expect_exit 1 payroll-diff --format csv - new.csv <old.csv
same_file "$G/expected.csv" out
expect_exit 2 payroll-diff old.csv
sed '2s/,1560\.00,/,15.600,/' old.csv >badmoney.csv
expect_exit 2 payroll-diff -o r.txt badmoney.csv new.csv
grep_file "badmoney.csv:2: bad-money" err; absent r.txt
echo keep >kept.txt
expect_exit 2 payroll-diff -o kept.txt dup.csv new.csv
grep_file keep kept.txt
ls -A | grep -q '\.tmp-' && fail "a temporary file was left"; ok

expect_exit 0 payroll-diff --help; grep_file "usage:" out; grep_file "--tolerance" out
expect_exit 0 payroll-diff --version
done_ok
