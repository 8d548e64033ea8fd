# SPDX-License-Identifier: Apache-2.0
# reconcile: the bank's answer for the demo month covering every status, a
# duplicate result, an unmatched one, an amount mismatch, a missing result
# and a seq-less result; the failed transfers as a ledger to pay again, and
# nothing ever paid twice.
. "$SRC/tests/e2e/lib.sh"
L=$FIXTURES/every-code/expected/ledger.csv
R=$FIXTURES/reconcile

expect_exit 1 payroll-reconcile --ledger "$L" --result "$R/result.csv" -o failed.csv \
	--report report.csv --paid-ledger "$R/paid-since.csv"
same_file "$R/failed.csv" failed.csv
same_file "$R/report.csv" report.csv
for s in "transfers 13, total 18164.00; the bank's results total 21658.00" "paid 5, 5646.00" \
	"failed 4, 4667.00" "account-closed 1, 681.00" "account-frozen 1, 1200.00" \
	"account-not-found 1, 786.00" "other 1, 2000.00" "no result 1" "unmatched results 1" \
	"mismatches 1" "duplicate results 1" "paid since 1"; do grep_file "$s" out; done
# the transfers are bankfile's: same seq for the same case
payroll-bankfile --layout csv -o bank.csv "$L" 2>/dev/null || fail "bankfile"
grep -q '^11,ABC,6217000000011000001,吴德明,1926.00,2026-11-TK-0004$' bank.csv || fail "seq 11 is not TK-0004"; ok
# failed ledger: only the four plain failures, and bankfile can pay it
cut -d, -f2 failed.csv | tail -n +2 | sort -u >cases
printf 'DF-0002\nDF-0004\nLS-2026-031\nTK-0001\n' >want; same_file want cases
expect_exit 0 payroll-bankfile --layout csv -o again.csv failed.csv
grep_file "2026-11,4,4667.00" again.csv.ctl
# never twice: the duplicate (seq 5), the mismatch (7), the one paid since
# (TK-0004) and the one without a result are not in the failed ledger
for c in DF-0005 DF-0007 TK-0004 LS-2026-032; do no_grep ",$c," failed.csv; done
# without --paid-ledger, TK-0004 is a plain failure to pay again
expect_exit 1 payroll-reconcile --ledger "$L" --result "$R/result.csv" -o failed2.csv
grep_file ",TK-0004," failed2.csv
# paid since means the same case and month: December's own line for
# TK-0004 pays December, not November's failure, which is repaid
sed 's/^2026-12,TK-0004,extreme-poverty,basic-living,2026-11,/2026-12,TK-0004,extreme-poverty,basic-living,2026-12,/' \
	"$R/paid-since.csv" >dec-own.csv
grep -q ',basic-living,2026-12,' dec-own.csv || fail "dec-own.csv"; ok
expect_exit 1 payroll-reconcile --ledger "$L" --result "$R/result.csv" -o failed-dec.csv --paid-ledger dec-own.csv
grep_file ",TK-0004," failed-dec.csv
grep_file "failed but paid since 0, 0.00" out
# the failed ledger fed back after it was paid: nothing is repaid twice
expect_exit 1 payroll-reconcile --ledger "$L" --result "$R/result.csv" -o again2.csv --paid-ledger failed2.csv
[ "$(wc -l <again2.csv)" = 1 ] || fail "a repaid failure would be paid again"; ok
grep_file "failed but paid since 5, 6593.00" out

# all paid: exit 0, an empty failed ledger
awk -F, -v OFS=, 'NR == 1 { print "seq,account,account_name,amount,status,reason"; next }
	{ print $1, $3, $4, $5, "paid", "" }' bank.csv >allpaid.csv
expect_exit 0 payroll-reconcile --ledger "$L" --result allpaid.csv -o none.csv
[ "$(wc -l <none.csv)" = 1 ] || fail "an all-paid reconcile failed something"; ok
# a GB18030 result file with Chinese headers and status words
{ echo '序号,账号,户名,金额,状态,原因'; tail -n +2 allpaid.csv | sed 's/,paid,/,成功,/'; } |
	iconv -f UTF-8 -t GB18030 >gb.csv
expect_exit 0 payroll-reconcile --ledger "$L" --result gb.csv

# the same results in the bank's own fixed-width GBK layout (header count,
# trailer total, amounts in fen, zero-padded seq): the same report
expect_exit 1 payroll-reconcile --ledger "$L" --result "$R/result-fixed.txt" \
	--layout "$R/result-fixed.layout" -o failed3.csv --report report3.csv \
	--paid-ledger "$R/paid-since.csv"
same_file "$R/report.csv" report3.csv
same_file "$R/failed.csv" failed3.csv
gzip -c "$R/result-fixed.txt" >result-fixed.txt.gz
expect_exit 1 payroll-reconcile --ledger "$L" --result result-fixed.txt.gz \
	--layout "$R/result-fixed.layout" --report report4.csv --paid-ledger "$R/paid-since.csv"
same_file "$R/report.csv" report4.csv
# a '|'-delimited GB18030 layout in yuan, status without a width, all paid
printf '[layout]\nformat = delimited\ndelimiter = |\nencoding = gb18030\n[detail]\nfield = seq\nfield = account\nfield = amount\nfield = status\nfield = reason\n' >pipe.layout
tail -n +2 bank.csv | awk -F, -v OFS='|' '{ print $1, $3, $5, "成功", "" }' | iconv -f UTF-8 -t GB18030 >pipe.txt
expect_exit 0 payroll-reconcile --ledger "$L" --result pipe.txt --layout pipe.layout
grep_file "paid 13, 18164.00" out
# a record of the wrong width, a layout without status, status twice: exit 2, nothing written
{ head -c 100 "$R/result-fixed.txt"; printf '\r\n'; } >short.txt
head -n 3 "$R/result-fixed.txt" | tail -n 2 >>short.txt
expect_exit 2 payroll-reconcile --ledger "$L" --result short.txt --layout "$R/result-fixed.layout" -o f.csv
grep_file "short.txt:2: bad-record" err; absent f.csv
grep -v '^field = status' "$R/result-fixed.layout" >nostatus.layout
expect_exit 2 payroll-reconcile --ledger "$L" --result "$R/result-fixed.txt" --layout nostatus.layout -o f.csv
grep_file "missing-field" err; absent f.csv
sed 's/^field = reason width=40$/field = status width=40/' "$R/result-fixed.layout" >twice.layout
expect_exit 2 payroll-reconcile --ledger "$L" --result "$R/result-fixed.txt" --layout twice.layout
grep_file "twice.layout:23: duplicate-field" err
printf '[layout]\nformat = fixed\n[detail]\nfield = seq\n' >nowidth.layout
expect_exit 2 payroll-reconcile --ledger "$L" --result "$R/result-fixed.txt" --layout nowidth.layout
grep_file "nowidth.layout:4: missing-width" err
expect_exit 2 payroll-reconcile --ledger "$L" --result "$R/result-fixed.txt" --layout no-such.layout

# an account mismatch (seq 1 with another account) and a duplicate where
# both results say failed: flagged, and neither is in the failed ledger
H='seq,account,account_name,amount,status,reason'
{ echo "$H"; tail -n +2 allpaid.csv | sed -e '1s/^1,6217000000001000003,/1,6217000000001000011,/' \
	-e '2s/,paid,$/,failed,frozen/'; sed -n 3p allpaid.csv | sed 's/,paid,$/,FAILED,冻结/'; } >acct.csv
expect_exit 1 payroll-reconcile --ledger "$L" --result acct.csv -o acct-failed.csv --report acct-report.csv
grep_file "amount or account mismatches 1, 1914.00" out
grep_file "duplicate results 1, 681.00" out
grep_file "paid 11, " out
grep_file "account-mismatch,1,DF-0001,6217000000001000003,1914.00,1914.00,paid,," acct-report.csv
grep_file "duplicate-result,2,DF-0002,6217000000002000002,681.00,681.00,failed,account-frozen,冻结" acct-report.csv
[ "$(wc -l <acct-report.csv)" = 3 ] || fail "acct-report.csv: other lines than the two flagged"; ok
[ "$(wc -l <acct-failed.csv)" = 1 ] || fail "a mismatched or duplicated transfer is to be paid again"; ok

# the same account and amount twice (a case and a temporary grant): a
# result without seq takes the transfer no other result names, whatever
# its place in the file; an unknown seq falls back to account and amount;
# status words in any ASCII case
S=$R/same-account.csv
payroll-bankfile --layout csv -o sa.csv "$S" 2>/dev/null || fail "bankfile same-account"; ok
printf '%s\n' "$H" ',6222024300001234566,张三丰,500.00,PAID,' \
	'1,6222024300001234566,张三丰,500.00,Success,' '999,6222024300001234566,张三丰,300.00,Ok,' >sar.csv
expect_exit 0 payroll-reconcile --ledger "$S" --result sar.csv --report sarep.csv
grep_file "paid 3, 1300.00" out
echo 'kind,seq,case_id,account,amount,bank_amount,status,reason_class,reason,repay_account' >want-empty
same_file want-empty sarep.csv
# a second seq-less result of the same account and amount matches nothing
printf '%s\n' ',6222024300001234566,张三丰,500.00,失败,户名不符' >>sar.csv
expect_exit 1 payroll-reconcile --ledger "$S" --result sar.csv --report sarep.csv -o sa-failed.csv
grep_file "unmatched,,,6222024300001234566,,500.00,failed,name-mismatch,户名不符" sarep.csv
grep_file "unmatched results 1, 500.00" out
[ "$(wc -l <sa-failed.csv)" = 1 ] || fail "an unmatched result put a transfer in the failed ledger"; ok
# the failed ledger of the grant alone, as payroll-bankfile pays it again
printf '%s\n' "$H" '1,6222024300001234566,张三丰,500.00,paid,' \
	'2,6222024300001234566,张三丰,500.00,退回,账户已销户' '3,6222024300001234566,张三丰,300.00,成功,' >sar2.csv
expect_exit 1 payroll-reconcile --ledger "$S" --result sar2.csv -o sa-failed.csv
{ head -n 1 "$S"; sed -n 3p "$S"; } >want-grant
same_file want-grant sa-failed.csv
grep_file "account-closed 1, 500.00" out
expect_exit 0 payroll-bankfile --layout csv -o sa-again.csv sa-failed.csv
grep_file "1,ICBC,6222024300001234566,张三丰,500.00,2024-03-T-G001" sa-again.csv
# the same failure, paid since in a later ledger: left out, never twice
cp sa-failed.csv sa-paid.csv
expect_exit 1 payroll-reconcile --ledger "$S" --result sar2.csv -o sa-failed.csv --paid-ledger sa-paid.csv
[ "$(wc -l <sa-failed.csv)" = 1 ] || fail "a case paid since is to be paid again"; ok
grep_file "failed but paid since 1, 500.00" out
# the ledger itself is checked as bankfile checks it: exit 2, nothing written
expect_exit 2 payroll-reconcile --ledger "$FIXTURES/bank/noncontig.csv" --result sar.csv -o f.csv
grep_file "noncontig.csv:6: case-not-contiguous" err; absent f.csv

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
