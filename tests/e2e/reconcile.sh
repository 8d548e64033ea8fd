# reconcile: the bank's answer for the demo month covering every status, a
# duplicate result, an unmatched one, an amount mismatch, a missing result
# and a seq-less result; the failed transfers as a ledger to pay again, and
# nothing ever paid twice.
. "$SRC/tests/e2e/lib.sh"
L=$FIXTURES/demo/expected/ledger.csv
R=$FIXTURES/reconcile

expect_exit 1 payroll-reconcile --ledger "$L" --result "$R/result.csv" -o failed.csv \
	--report report.csv --paid-ledger "$R/paid-since.csv"
same_file "$R/failed.csv" failed.csv
same_file "$R/report.csv" report.csv
for s in "paid 7, 8432.00" "failed 2, 1881.00" "no result 1" "unmatched results 1" \
	"mismatches 1" "duplicate results 1" "paid since 1"; do grep_file "$s" out; done
# the transfers are bankfile's: same seq for the same case
payroll-bankfile --layout csv -o bank.csv "$L" 2>/dev/null || fail "bankfile"
grep -q '^11,ABC,6217000000011000001,吴德明,1926.00,2026-11-TK-0004$' bank.csv || fail "seq 11 is not TK-0004"; ok
# failed ledger: only the two plain failures, and bankfile can pay it
cut -d, -f2 failed.csv | tail -n +2 | sort -u >cases
printf 'DF-0002\nDF-0004\n' >want; same_file want cases
expect_exit 0 payroll-bankfile --layout csv -o again.csv failed.csv
grep_file "2026-11,2,1881.00" again.csv.ctl
# never twice: the duplicate (seq 5), the mismatch (7), the one paid since
# (TK-0004) and the one without a result are not in the failed ledger
for c in DF-0005 DF-0007 TK-0004 LS-2026-032; do no_grep ",$c," failed.csv; done
# without --paid-ledger, TK-0004 is a plain failure to pay again
expect_exit 1 payroll-reconcile --ledger "$L" --result "$R/result.csv" -o failed2.csv
grep_file ",TK-0004," failed2.csv

# all paid: exit 0, an empty failed ledger
awk -F, -v OFS=, 'NR == 1 { print "seq,account,account_name,amount,status,reason"; next }
	{ print $1, $3, $4, $5, "paid", "" }' bank.csv >allpaid.csv
expect_exit 0 payroll-reconcile --ledger "$L" --result allpaid.csv -o none.csv
[ "$(wc -l <none.csv)" = 1 ] || fail "an all-paid reconcile failed something"; ok
# a GB18030 result file with Chinese headers and status words
{ echo '序号,账号,户名,金额,状态,原因'; tail -n +2 allpaid.csv | sed 's/,paid,/,成功,/'; } |
	iconv -f UTF-8 -t GB18030 >gb.csv
expect_exit 0 payroll-reconcile --ledger "$L" --result gb.csv

# errors: an unknown status, bad money, a bad seq; nothing written
printf 'seq,account,account_name,amount,status,reason\n1,6217000000001000003,x,1914.00,maybe,\n' >bad1.csv
expect_exit 2 payroll-reconcile --ledger "$L" --result bad1.csv -o f.csv --report r.csv
grep_file "bad1.csv:2: bad-status" err; absent f.csv; absent r.csv
printf 'seq,account,account_name,amount,status,reason\n1,6217000000001000003,x,1,914.00,paid,\n' >bad2.csv
expect_exit 2 payroll-reconcile --ledger "$L" --result bad2.csv -o f.csv
absent f.csv
printf 'seq,account,account_name,amount,status,reason\nx1,6217000000001000003,x,1914.00,paid,\n' >bad3.csv
expect_exit 2 payroll-reconcile --ledger "$L" --result bad3.csv
grep_file "bad-seq" err
expect_exit 2 payroll-reconcile --ledger "$L" --result no-such.csv
expect_exit 2 payroll-reconcile --result "$R/result.csv"
expect_exit 0 payroll-reconcile --help; grep_file "usage:" out
expect_exit 0 payroll-reconcile --version
done_ok
