# SPDX-License-Identifier: Apache-2.0
# reconcile --roster/--grants (SPEC 10): each failure is repaid to its
# case's current account; an account failure (closed, not found, name
# mismatch) whose account was not corrected is held back as
# account-not-corrected; a failure of another kind keeps its account;
# --paid-ledger is still honoured; nothing is sent again to an account
# that refused the money.
. "$SRC/tests/e2e/lib.sh"
L=$FIXTURES/every-code/expected/ledger.csv
R=$FIXTURES/reconcile
D=$FIXTURES/every-code

# A Luhn-valid card number from its first 18 digits.
luhn() {
	python3 -c 'import sys
d = sys.argv[1]
s = sum((int(c) * 2 - 9 if int(c) * 2 > 9 else int(c) * 2) if i % 2 == 0 else int(c)
        for i, c in enumerate(reversed(d)))
print(d + str((10 - s % 10) % 10))' "$1"
}
command -v python3 >/dev/null || { [ "${CI:-}" = true ] && fail "python3 missing"; exit 77; }
NEW2=$(luhn 621700000000200009)   # DF-0002's new card (its old one was closed)
NEW31=$(luhn 621700150100000009)  # LS-2026-031's new card
# the corrected roster: DF-0002 has a new account; TK-0001 (not found)
# and DF-0004 (frozen) are as they were; TK-0004 (name mismatch) is
# centralized now, paid to an institution's account name
awk -F, -v OFS=, -v a="$NEW2" '
	$1 == "DF-0002" { $14 = a }
	$1 == "TK-0004" { $12 = "集中"; $15 = "县社会福利院" }
	{ print }' "$D/roster.csv" >roster.csv
grep -q "^DF-0002,.*,$NEW2," roster.csv || fail "roster not corrected"; ok
awk -F, -v OFS=, -v a="$NEW31" '$1 == "LS-2026-031" { $10 = a } { print }' "$D/grants.csv" >grants.csv

# 1. roster and grants, with the ledger paid since
expect_exit 1 payroll-reconcile --ledger "$L" --result "$R/result.csv" -o failed.csv \
	--report report.csv --paid-ledger "$R/paid-since.csv" --roster roster.csv --grants grants.csv
grep_file "failed 3, 3881.00 (to pay again)" out
grep_file "failed, repaid to a corrected account 2, 2681.00" out
grep_file "account not corrected (held back) 1, 786.00" out
grep_file "failed but paid since 1, 1926.00" out
# DF-0002 repaid to its new account, LS-2026-031 to the grant's new one
grep_file ",DF-0002,subsistence,allowance,2026-11," failed.csv
grep -q "^2026-11,DF-0002,.*,ICBC,$NEW2,李秀英," failed.csv || fail "DF-0002 not re-pointed"; ok
grep -q "^2026-11,LS-2026-031,.*,$NEW31," failed.csv || fail "LS-2026-031 not re-pointed"; ok
no_grep 6217000000002000002 failed.csv
no_grep 6217001501000000000 failed.csv
grep_file "failed,2,DF-0002,6217000000002000002,681.00,681.00,failed,account-closed,account-closed 销户,$NEW2" report.csv
# TK-0001's account was not found and is unchanged: held back, reported
grep_file "account-not-corrected,8,TK-0001,6217000000008000006,786.00,786.00,failed,account-not-found,账户不存在," report.csv
no_grep ",TK-0001," failed.csv
# DF-0004 was frozen (not the account's fault): paid again to its account
grep -q "^2026-11,DF-0004,.*,6217000000004000000,欧阳娜娜," failed.csv || fail "DF-0004 should keep its account"; ok
grep_file "failed,4,DF-0004,6217000000004000000,1200.00,1200.00,failed,account-frozen,冻结,6217000000004000000" report.csv
# TK-0004 failed on its name and is corrected, but it was paid since: never twice
grep_file "since-paid,11,TK-0004," report.csv
no_grep ",TK-0004," failed.csv
# the repay ledger is a ledger bankfile pays, and it sends nothing to an
# account that refused the money for an account reason
expect_exit 0 payroll-bankfile --layout csv -o repay.csv failed.csv
grep_file "2026-11,3,3881.00" repay.csv.ctl
awk -F, 'NR > 1 && ($8 == "account-closed" || $8 == "account-not-found" || $8 == "name-mismatch") { print $4 }' \
	"$R/result.csv" report.csv | sort -u >refused
cut -d, -f3 repay.csv | tail -n +2 | sort -u >paid-to
[ -s refused ] || fail "no refused accounts to check"
[ -z "$(comm -12 refused paid-to)" ] || fail "repaid to a refused account: $(comm -12 refused paid-to)"; ok

# 2. without --paid-ledger, TK-0004's name mismatch is corrected by the
# new account name alone: repaid, to the institution's name
expect_exit 1 payroll-reconcile --ledger "$L" --result "$R/result.csv" -o f2.csv --roster roster.csv
grep -q "^2026-11,TK-0004,.*,6217000000011000001,县社会福利院," f2.csv || fail "TK-0004 not re-pointed"; ok
# with the roster alone, the grant's failure (other) keeps its account
grep -q "^2026-11,LS-2026-031,.*,6217001501000000000," f2.csv || fail "LS-2026-031 should keep its account"; ok
grep_file "failed, repaid to a corrected account 2, 2607.00" out

# 3. the grants file alone: the cases' account failures have no corrected
# account and are held back; the grant is re-pointed
expect_exit 1 payroll-reconcile --ledger "$L" --result "$R/result.csv" -o f3.csv --grants grants.csv \
	--report r3.csv
grep_file "account-not-corrected,2,DF-0002," r3.csv
grep_file "account-not-corrected,11,TK-0004," r3.csv
grep -q "^2026-11,LS-2026-031,.*,$NEW31," f3.csv || fail "grant not re-pointed"; ok
grep_file "account not corrected (held back) 3, 3393.00" out

# 4. the unchanged roster: every account failure held back, nothing else
expect_exit 1 payroll-reconcile --ledger "$L" --result "$R/result.csv" -o f4.csv --roster "$D/roster.csv"
for c in DF-0002 TK-0001 TK-0004; do no_grep ",$c," f4.csv; done
grep_file ",DF-0004," f4.csv
grep_file "failed, repaid to a corrected account 0, 0.00" out

# 5. a corrected row that does not validate, or a case on two rows, or a
# case missing from the roster: no corrected account, held back
sed "s/,$NEW2,/,${NEW2%?}0,/" roster.csv >badrow.csv   # breaks the Luhn digit
[ "${NEW2: -1}" != 0 ] || fail "pick another test card"
expect_exit 1 payroll-reconcile --ledger "$L" --result "$R/result.csv" -o f5.csv --roster badrow.csv --report r5.csv
grep_file "account-not-corrected,2,DF-0002," r5.csv
{ cat roster.csv; grep '^DF-0002,' roster.csv; } >twice.csv
expect_exit 1 payroll-reconcile --ledger "$L" --result "$R/result.csv" -o f5.csv --roster twice.csv --report r5.csv
grep_file "account-not-corrected,2,DF-0002," r5.csv
grep -v '^DF-0002,' roster.csv >missing.csv
expect_exit 1 payroll-reconcile --ledger "$L" --result "$R/result.csv" -o f5.csv --roster missing.csv --report r5.csv
grep_file "account-not-corrected,2,DF-0002," r5.csv
no_grep ",DF-0002," f5.csv

# 6. errors: a roster without a required column, a missing file, -o over
# the roster: exit 2, nothing written
cut -d, -f1-13 roster.csv >nocols.csv
expect_exit 2 payroll-reconcile --ledger "$L" --result "$R/result.csv" -o f6.csv --report r6.csv --roster nocols.csv
grep_file "missing-column" err
absent f6.csv; absent r6.csv
expect_exit 2 payroll-reconcile --ledger "$L" --result "$R/result.csv" -o f6.csv --grants no-such.csv
absent f6.csv
cp roster.csv keep.csv
expect_exit 2 payroll-reconcile --ledger "$L" --result "$R/result.csv" -o roster.csv --roster roster.csv
grep_file "same-file" err
same_file keep.csv roster.csv
expect_exit 0 payroll-reconcile --help
grep_file "--roster F" out
done_ok
