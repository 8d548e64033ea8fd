# SPDX-License-Identifier: Apache-2.0
# diff --layout (SPEC 6.1): two bank files of any format read back through
# the readers and diffed by seq (default) or account; the fixed-gbk and
# pain001 files of two ledgers that differ in known ways (one amount up
# 20.00, one case gone) give exactly those changes, the same bytes each
# time, with the files named as given.
. "$SRC/tests/e2e/lib.sh"
F=$FIXTURES/bank
awk -F, 'NR==1||$2!="C004"' "$F/ledger.csv" | sed 's/,3,630.00,/,3,650.00,/' >new.csv

cat >want-account.csv <<'CSV'
record,old_line,new_line,account,column,old,new
removed,5,,6212261202003456788,seq,4,
removed,5,,6212261202003456788,bank,ICBC,
removed,5,,6212261202003456788,account_name,阿卜杜热合曼·买买提,
removed,5,,6212261202003456788,amount,410.00,
removed,5,,6212261202003456788,memo,2024-03-C004,
changed,2,2,6222024300001234566,amount,820.00,840.00
changed,6,5,6228480098765432103,seq,5,4
summary,,,,old_rows,,5
summary,,,,old_amount,,6243.00
summary,,,,new_rows,,4
summary,,,,new_amount,,5853.00
summary,,,,added_rows,,0
summary,,,,added_amount,,0.00
summary,,,,removed_rows,,1
summary,,,,removed_amount,,410.00
summary,,,,changed_rows,,2
summary,,,,changed_amount,,20.00
summary,,,,unchanged_rows,,2
summary,,,,net_amount,,-390.00
summary,,,,different,,1
CSV

for lay in fixed-gbk pain001; do
	p=; [ "$lay" = pain001 ] && p="--payer $F/payer.conf"
	# shellcheck disable=SC2086
	payroll-bankfile --layout $lay $p -o old.$lay "$F/ledger.csv" 2>/dev/null
	# shellcheck disable=SC2086
	payroll-bankfile --layout $lay $p -o new.$lay new.csv 2>/dev/null
	present old.$lay
	present new.$lay
	expect_exit 1 payroll diff --layout $lay --key account --format csv old.$lay new.$lay
	same_file want-account.csv out
	expect_exit 1 payroll diff --layout detect old.$lay new.$lay
	grep_file "--- old old.$lay" out
	grep_file "+++ new new.$lay" out
	grep_file "  changed              2 rows  amount +1610.00" out
	cp out first.txt
	expect_exit 1 payroll diff --layout $lay old.$lay new.$lay
	same_file first.txt out
	expect_exit 0 payroll diff --layout $lay old.$lay old.$lay
	grep_file "result      identical" out
done
# one side a bank file, the other the csv of another: the name fixed-gbk
# cut to fit its 60 bytes is a change too (the bank got the cut name)
payroll-bankfile --layout csv -o new-csv.csv new.csv 2>/dev/null
expect_exit 1 payroll diff --old-layout fixed-gbk --key account --format csv old.fixed-gbk new-csv.csv
grep_file 'changed,3,3,0710002109024700123,account_name,长春市朝阳区第1社会福利中心特困人员集中供养服务站老年公寓管,长春市朝阳区第1社会福利中心特困人员集中供养服务站老年公寓管理委员会' out
grep -v '0710002109024700123\|changed_rows\|unchanged_rows' out >o1
grep -v 'changed_rows\|unchanged_rows' want-account.csv >o2
same_file o2 o1
# across formats (fixed-gbk cut a name to fit, pain001 did not)
expect_exit 0 payroll diff --old-layout fixed-gbk --new-layout pain001 --ignore account_name old.fixed-gbk old.pain001
# an unreadable side: exit 2, nothing left behind
expect_exit 2 payroll diff --layout fixed-gbk nosuch.txt new.fixed-gbk
echo hello >u.txt
expect_exit 2 payroll diff --layout detect u.txt new.fixed-gbk
grep_file 'unknown-format' err
done_ok
