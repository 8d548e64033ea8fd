# SPDX-License-Identifier: Apache-2.0
# diff --mask (SPEC 6.1): account and id number values (keys too) masked
# in every format of the report, ledgers and bank files; golden bytes, the
# same each time; the comparison is of the real values; without --mask the
# report is as it was.
. "$SRC/tests/e2e/lib.sh"
G=$FIXTURES/diff
cp "$FIXTURES/every-code/expected/ledger.csv" old.csv
cp "$G/new.csv" new.csv

# the ledger reports, golden, in every format; nothing of a real value left
python3 - old.csv new.csv >secrets <<'PY'
import csv, sys
s = set()
for f in sys.argv[1:]:
    for r in csv.DictReader(open(f, encoding="utf-8")):
        s.add(r["account"]); s.add(r["id_number"])
print("\n".join(sorted(x for x in s if x)))
PY
for f in text csv json; do
	expect_exit 1 payroll-diff --mask --format "$f" old.csv new.csv
	same_file "$G/expected-mask.$f" out
	grep -Ff secrets out && fail "an unmasked value in --mask --format $f"; ok
	cp out first
	expect_exit 1 payroll-diff --mask --format "$f" old.csv new.csv
	same_file first out
	expect_exit 1 payroll-diff --format "$f" old.csv new.csv
	same_file "$G/expected.$f" out
done
grep_file '"id_number": "2204****004X", "bank": "ICBC", "account": "6217****0000"' "$G/expected-mask.json"

# a changed account is reported changed (compared unmasked), shown masked
sed '2s/6217000000001000003/6217000000001000011/' old.csv >acct.csv
grep -q 6217000000001000011 acct.csv || fail "sed"; ok
expect_exit 1 payroll-diff --mask old.csv acct.csv
grep_file '         account       6217****0003 -> 6217****0011' out
expect_exit 1 payroll-diff --mask --format csv old.csv acct.csv
grep_file 'changed,2,2,DF-0001,allowance,2026-11,account,6217****0003,6217****0011' out
expect_exit 1 payroll-diff --mask --format json old.csv acct.csv
grep_file '"account": {"old": "6217****0003", "new": "6217****0011"}' out
# short and non-ASCII values: every character a star
sed '2s/6217000000001000003/12345/; 3s/6217000000001000003/账号甲/' old.csv >short.csv
expect_exit 1 payroll-diff --mask --format csv old.csv short.csv
grep_file 'account,6217****0003,*****' out
grep_file 'supplement,2026-11,account,6217****0003,***' out

# bank files keyed by account: the keys are masked too
F=$FIXTURES/bank
awk -F, 'NR==1||$2!="C004"' "$F/ledger.csv" | sed 's/,3,630.00,/,3,650.00,/' >bnew.csv
for lay in fixed-gbk pain001; do
	p=; [ "$lay" = pain001 ] && p="--payer $F/payer.conf"
	# shellcheck disable=SC2086
	payroll-bankfile --layout $lay $p -o old.$lay "$F/ledger.csv" 2>/dev/null
	# shellcheck disable=SC2086
	payroll-bankfile --layout $lay $p -o new.$lay bnew.csv 2>/dev/null
	# the report diff_bank.sh checks, its three accounts masked by hand
	expect_exit 1 payroll diff --layout $lay --key account --format csv old.$lay new.$lay
	sed 's/6212261202003456788/6212****6788/; s/6222024300001234566/6222****4566/;
	     s/6228480098765432103/6228****2103/' out >want-account.csv
	grep -c '\*\*\*\*' want-account.csv | grep -qx 7 || fail "seven masked rows"; ok
	expect_exit 1 payroll diff --mask --layout $lay --key account --format csv old.$lay new.$lay
	same_file want-account.csv out
	expect_exit 1 payroll diff --mask --layout $lay old.$lay new.$lay
	grep_file '         account       6212****6788 -> 6228****2103' out
	grep_file 'account=6228****2103' out
	no_grep '6212261202003456788' out
	expect_exit 1 payroll diff --mask --layout $lay --format json old.$lay new.$lay
	grep_file '"account": {"old": "6212****6788", "new": "6228****2103"}' out
	no_grep '6212261202003456788' out
done
done_ok
