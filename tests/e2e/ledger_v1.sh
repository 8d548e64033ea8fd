# SPDX-License-Identifier: Apache-2.0
# Ledgers written before SPEC 5.6 added area, support_mode and care_level
# (the first ledger version) are still read everywhere: bankfile, disclose,
# reconcile and diff give the same results on the demo ledger with those
# three columns cut out as on the ledger itself.
. "$SRC/tests/e2e/lib.sh"
D=$FIXTURES/every-code
L=$D/expected/ledger.csv
head -1 "$L" | grep -q '^period,case_id,program,item,month,region,area,locality,name,id_number,bank,account,account_name,members,support_mode,care_level,amount,basis$' ||
	fail "the demo ledger does not have the SPEC 5.6 header"; ok
# cut columns 7, 15 and 16 (basis, the only field with quoted commas, is last)
awk -F, -v OFS=, '{ s = $1; for (i = 2; i <= NF; i++) if (i != 7 && i != 15 && i != 16) s = s OFS $i; print s }' "$L" >v1.csv
head -1 v1.csv | grep -q '^period,case_id,program,item,month,region,locality,name,id_number,bank,account,account_name,members,amount,basis$' ||
	fail "v1 header"; ok
[ "$(wc -l <v1.csv)" = "$(wc -l <"$L")" ] || fail "v1 line count"; ok

# bank files of every built-in layout: byte for byte the same
for lay in csv fixed-gbk; do
	expect_exit 0 payroll-bankfile --layout $lay -o new.$lay "$L"
	expect_exit 0 payroll-bankfile --layout $lay -o old.$lay v1.csv
	same_file new.$lay old.$lay
done
# disclosure list and page
expect_exit 0 payroll-disclose -o dnew.csv --html dnew.html "$L"
expect_exit 0 payroll-disclose -o dold.csv --html dold.html v1.csv
same_file dnew.csv dold.csv
sed 's/v1\.csv//g' dold.html >a; sed 's|'"$L"'||g' dnew.html >b
cmp -s a b || cmp -s dnew.html dold.html || fail "disclose html differs"; ok
# reconcile: the failed ledger is written in the current format; from an
# old ledger its three new columns are empty
R=$FIXTURES/reconcile
expect_exit 1 payroll-reconcile --ledger v1.csv --result "$R/result.csv" -o failed.csv \
	--paid-ledger "$R/paid-since.csv"
awk -F, -v OFS=, 'NR > 1 { $7 = ""; $15 = ""; $16 = "" } { print }' "$R/failed.csv" >want
same_file want failed.csv
# diff names the columns only one side has
expect_exit 1 payroll-diff v1.csv "$L"
for c in area support_mode care_level; do grep_file "column only in new: $c" out; done
grep_file "unchanged           49 rows" out
done_ok
