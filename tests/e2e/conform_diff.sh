# SPDX-License-Identifier: Apache-2.0
# SPEC 9 / 6.1: diff compares two ledgers "(or two CSV bank files)", the
# ledger's default key being case_id,item,month and a bank file's seq. Two
# csv bank files without --key are keyed by seq (not refused for a missing
# case_id); a ledger keeps its key; --key still wins.
. "$SRC/tests/e2e/lib.sh"
F=$FIXTURES/bank
awk -F, 'NR==1||$2!="C004"' "$F/ledger.csv" | sed 's/,3,630.00,/,3,650.00,/' >new.csv
expect_exit 0 payroll-bankfile --layout csv -o old-bank.csv "$F/ledger.csv"
expect_exit 0 payroll-bankfile --layout csv -o new-bank.csv new.csv

expect_exit 1 payroll-diff --format csv old-bank.csv new-bank.csv
cp out by-default.csv
expect_exit 1 payroll-diff --format csv --key seq old-bank.csv new-bank.csv
same_file out by-default.csv
head -1 by-default.csv >head.csv
printf 'record,old_line,new_line,seq,column,old,new\n' >want-head.csv
same_file want-head.csv head.csv
grep_file 'summary,,,,net_amount,,-390.00' by-default.csv

# the same file twice: identical, exit 0
expect_exit 0 payroll-diff old-bank.csv old-bank.csv
grep_file 'result      identical' out

# a duplicate seq names the default key in its message
{ cat old-bank.csv; sed -n 2p old-bank.csv; } >dup.csv
expect_exit 2 payroll-diff old-bank.csv dup.csv
grep_file 'duplicate-key: the key (seq) of this line is also on line 2' err

# --key account still chosen by the user; a ledger keeps case_id,item,month
expect_exit 1 payroll-diff --format csv --key account old-bank.csv new-bank.csv
grep_file 'record,old_line,new_line,account,column,old,new' out
expect_exit 1 payroll-diff --format csv "$F/ledger.csv" new.csv
grep_file 'record,old_line,new_line,case_id,item,month,column,old,new' out
# a bank csv against a ledger: no common default, the ledger key is asked for
expect_exit 2 payroll-diff old-bank.csv "$F/ledger.csv"
grep_file "missing-column: no key column 'case_id'" err
done_ok
