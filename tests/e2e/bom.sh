# SPDX-License-Identifier: Apache-2.0
# --bom: the CSV files meant for people (rejects, disclosure list, changes,
# report) begin with a UTF-8 BOM when asked, and run writes rejects.csv and
# disclosure.csv so by default (bom = no leaves it out), so that Excel on
# Chinese Windows opens them as UTF-8; everything else byte for byte as
# without it. The ledger and the bank files never have one. Our readers,
# and Python's csv with encoding='utf-8-sig', take the files back.
. "$SRC/tests/e2e/lib.sh"
D=$FIXTURES/every-code
L=$D/expected/ledger.csv
bom() { [ "$(head -c3 "$1" | od -An -tx1 | tr -d ' \n')" = efbbbf ] || fail "$1 does not begin with a UTF-8 BOM"; ok; }
nobom() { [ "$(head -c3 "$1" | od -An -tx1 | tr -d ' \n')" != efbbbf ] || fail "$1 begins with a BOM"; ok; }
with_bom() { printf '\357\273\277'; cat "$1"; }	# the golden with a BOM before it
calc() { payroll-calc -q --standards "$D/standards.csv" --period 2026-11 --grants "$D/grants.csv" "$@"; }
# pyread FILE COLUMN: the first header name and the number of rows, as
# Python's csv module reads the file with encoding='utf-8-sig'
pyread() {
	python3 -c 'import csv,sys
r = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
assert r and sys.argv[2] in r[0], (sys.argv[2], list(r[0]) if r else None)
print("%s %d" % (list(r[0])[0], len(r)))' "$1" "$2"
}

# calc: the rejects, golden byte for byte behind the BOM; the ledger none
expect_exit 1 calc -o ledger.csv --rejects rejects.csv "$D/roster.csv"
expect_exit 1 calc -o ledger-b.csv --rejects rejects-b.csv --bom "$D/roster.csv"
same_file "$D/expected/rejects.csv" rejects.csv
with_bom "$D/expected/rejects.csv" >want
same_file want rejects-b.csv
bom rejects-b.csv
nobom ledger-b.csv
same_file "$L" ledger-b.csv
[ "$(pyread rejects-b.csv code)" = "source $(($(wc -l <rejects.csv) - 1))" ] || fail "python read of rejects-b.csv"; ok
# to standard output and through gzip alike
expect_exit 1 calc -o /dev/null --rejects - --bom "$D/roster.csv"
same_file want out
expect_exit 1 calc -o /dev/null --rejects r.csv.gz --bom "$D/roster.csv"
gzip -dc r.csv.gz >r-gz.csv
same_file want r-gz.csv

# disclose: the list; the page never
expect_exit 0 payroll-disclose -o list.csv "$L"
expect_exit 0 payroll-disclose -o list-b.csv --bom --html page-b.html "$L"
with_bom list.csv >want
same_file want list-b.csv
nobom page-b.html
[ "$(pyread list-b.csv name | cut -d' ' -f1)" = locality ] || fail "python read of list-b.csv"; ok

# changes: the csv report; text, json and html never
python3 - "$L" old.csv <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines(True)
open(sys.argv[2], "w", encoding="utf-8", newline="").write("".join(lines[:1] + lines[1:-3]))
PY
for f in csv text json html; do
	expect_exit 0 payroll-changes --format $f -o ch.$f old.csv "$L"
	expect_exit 0 payroll-changes --format $f --bom -o ch-b.$f old.csv "$L"
	if [ $f = csv ]; then
		with_bom ch.csv >want
		same_file want ch-b.csv
		[ "$(pyread ch-b.csv case_id | cut -d' ' -f1)" = record ] || fail "python read of ch-b.csv"; ok
	else
		same_file ch.$f ch-b.$f
	fi
done

# report: the CSV; the page never
expect_exit 0 payroll-report -o rep.csv "$L"
expect_exit 0 payroll-report -o rep-b.csv --bom --html rep-b.html "$L"
with_bom rep.csv >want
same_file want rep-b.csv
nobom rep-b.html
pyread rep-b.csv period >/dev/null || fail "python read of rep-b.csv"; ok

# our readers take them back as they take them without the BOM: diff of a
# file and its BOM'd twin finds nothing, and a roster with a BOM pays the
# same
expect_exit 0 payroll-diff --key source,line rejects.csv rejects-b.csv
grep_file "result      identical" out
expect_exit 0 payroll-diff --key period,level,region,program,area --summary rep.csv rep-b.csv
grep_file "result      identical" out
with_bom "$D/roster.csv" >roster-b.csv
expect_exit 1 calc -o ledger-r.csv roster-b.csv
same_file "$L" ledger-r.csv

# run: rejects.csv and disclosure.csv with the BOM by default, the ledger,
# the summary and every bank file as the contract says; bom = no: none
mkdir in && cp "$D"/roster.csv "$D"/standards.csv "$D"/grants.csv "$D"/payer.conf in/
payroll-keygen --algorithm ed25519 -o key >/dev/null
conf() {	# conf NAME [extra lines]
	{
		printf 'roster = in/roster.csv\nstandards = in/standards.csv\ngrants = in/grants.csv\n'
		printf 'layout = csv\nlayout = fixed-gbk\nlayout = pain001\npayer = in/payer.conf\n'
		printf 'key = key.key\noutput = %s\noffice = 东丰县民政局\n' "$PWD/$1"
		shift
		printf '%s\n' "$@"
	} >"$PWD/$1.conf"
}
conf on
expect_exit 1 payroll-run --config "$PWD/on.conf" --period 2026-11
M=on/2026-11
with_bom "$D/expected/rejects.csv" >want
same_file want $M/rejects.csv
bom $M/disclosure.csv
same_file "$L" $M/ledger.csv
for f in ledger.csv summary.json bank.csv bank.csv.ctl bank-fixed-gbk.txt bank-pain001.xml \
	disclosure.html approval.html run.json; do
	nobom $M/$f
done
(cd $M && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS of the BOM'd files"; ok
conf off "bom = no"
expect_exit 1 payroll-run --config "$PWD/off.conf" --period 2026-11
same_file "$D/expected/rejects.csv" off/2026-11/rejects.csv
nobom off/2026-11/disclosure.csv
with_bom off/2026-11/disclosure.csv >want
same_file want $M/disclosure.csv
for f in ledger.csv bank.csv bank-fixed-gbk.txt bank-pain001.xml; do same_file $M/$f off/2026-11/$f; done
conf bad "bom = 1"
expect_exit 2 payroll-run --config "$PWD/bad.conf" --period 2026-11
grep_file "bad.conf:11: bad-value: bom: bom is yes or no" err
done_ok
