# SPDX-License-Identifier: Apache-2.0
# SPEC 15: "the summaries on the terminal follow LC_MESSAGES/LANG". The
# summary payroll-reconcile prints (paid, failed, unmatched, mismatched) is
# in Chinese under zh_CN, in English otherwise, and its figures and reason
# codes are the same bytes in both; the files it writes do not change.
. "$SRC/tests/e2e/lib.sh"
if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
	[ "${CI:-}" = true ] && fail "no zh_CN.UTF-8 locale (.ci/run generates it with locale-gen)"
	echo "skip: no zh_CN.UTF-8 locale"
	exit 77
fi
F=$FIXTURES/bank
expect_exit 0 payroll-bankfile --layout csv -o bank.csv "$F/ledger.csv"
awk -F, 'BEGIN { OFS = "," }
NR == 1 { print "seq,account,account_name,amount,status,reason"; next }
{ print $1, $3, $4, $5, (NR == 3 ? "failed" : "paid"), (NR == 3 ? "account closed" : "") }' \
	bank.csv >result.csv

expect_exit 1 payroll-reconcile --ledger "$F/ledger.csv" --result result.csv -o en.csv
cp out en.out
grep_file 'failed 1, ' en.out
grep_file '  account-closed 1, ' en.out
LC_ALL=zh_CN.UTF-8 payroll-reconcile --ledger "$F/ledger.csv" --result result.csv -o zh.csv \
	>zh.out 2>err
[ $? = 1 ] || fail "reconcile under zh_CN: exit 1 expected"
grep_file '转账 5 笔，合计 ' zh.out
grep_file '发放失败 1 笔，' zh.out
grep_file '  account-closed 1, ' zh.out
grep_file '无回盘结果 0 笔，0.00' zh.out
no_grep 'transfers' zh.out
# the same figures in both
tr -dc '0-9.\n' <en.out >en.num
tr -dc '0-9.\n' <zh.out >zh.num
same_file en.num zh.num
same_file en.csv zh.csv
done_ok
