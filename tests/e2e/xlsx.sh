# SPDX-License-Identifier: Apache-2.0
# Excel workbooks wherever a CSV is read (SPEC 3): the demo roster as
# .xlsx, written at test time by fixtures/xlsx/make-xlsx.py (shared and
# inline strings, numbers as numbers with float noise, months as date cells
# in the 1900 and 1904 systems, empty cells written or left out) gives the
# CSV's ledger byte for byte; --sheet; standard input and gzip; standards
# and the bank's result file as workbooks; excel-number; every fatal
# error with what the file is and the cell where there is one.
. "$SRC/tests/e2e/lib.sh"
D=$FIXTURES/every-code
MK="python3 $FIXTURES/xlsx/make-xlsx.py"
calc() { payroll-calc -q --standards "$D/standards.csv" --period 2026-11 --grants "$D/grants.csv" "$@"; }

expect_exit 1 calc -o want.csv --rejects want-rejects.csv "$D/roster.csv"
same_file "$D/expected/ledger.csv" want.csv
# line and code of every reject: the same in a workbook (one row per line)
cut -d, -f2-4 want-rejects.csv >want-codes

n=0
for opts in "" "--numbers" "--numbers --date1904" "--inline --empty-cells" \
	"--numbers --inline --date1904 --empty-cells"; do
	n=$((n + 1))
	$MK $opts "$D/roster.csv" roster$n.xlsx || fail "make-xlsx $opts"
	expect_exit 1 calc -o ledger$n.csv --rejects rejects$n.csv roster$n.xlsx
	same_file want.csv ledger$n.csv
	cut -d, -f2-4 rejects$n.csv >codes$n
	same_file want-codes codes$n
	grep_file "roster$n.xlsx:38: bad-bank: M38 (bank): " err
	grep_file "roster$n.xlsx,16,DF-0201,bad-id-checksum,G16 (id_number): " rejects$n.csv
done
# the workbook with numbers really holds numbers, noise and date serials
unzip -p roster2.xlsx xl/worksheets/sheet1.xml >sheet2.xml 2>/dev/null ||
	python3 -c 'import sys,zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet1.xml").decode())' roster2.xlsx >sheet2.xml
grep_file '<v>1000.4999999999999</v>' sheet2.xml
grep_file '<c r="P2" s="2"><v>45685</v>' sheet2.xml
python3 -c 'import sys,zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet1.xml").decode())' roster3.xlsx >sheet3.xml
grep_file '<c r="P2" s="2"><v>44223</v>' sheet3.xml

# check reads it too, and names the cell
expect_exit 1 payroll-check --standards "$D/standards.csv" roster2.xlsx
grep_file "roster2.xlsx:36: bad-month: P36 (start): '2026/01' is not a month YYYY-MM" err

# standard input and gzip
expect_exit 1 calc -o stdin.csv - <roster1.xlsx
same_file want.csv stdin.csv
gzip -c roster2.xlsx >roster2.xlsx.gz
expect_exit 1 calc -o gz.csv roster2.xlsx.gz
same_file want.csv gz.csv

# --sheet: the table on a second sheet
$MK --before 说明 --sheet 名册 "$D/roster.csv" sheets.xlsx
expect_exit 1 calc -o sheet.csv --sheet 名册 sheets.xlsx
same_file want.csv sheet.csv
expect_exit 2 calc -o nosheet.csv --sheet 花名册 sheets.xlsx
grep_file "sheets.xlsx: missing-sheet: the workbook has no sheet '花名册'; its sheets: 说明, 名册" err
absent nosheet.csv
# the first sheet by default: its first row is the header
expect_exit 2 calc -o first.csv sheets.xlsx
grep_file "missing-column" err
absent first.csv

# standards as a workbook, from/to as date cells; grants as a workbook
$MK --numbers "$D/standards.csv" standards.xlsx
$MK --numbers "$D/grants.csv" grants.xlsx
expect_exit 1 payroll-calc -q --standards standards.xlsx --period 2026-11 --grants grants.xlsx \
	-o std.csv "$D/roster.csv"
same_file want.csv std.csv

# the bank's result file as a workbook
R=$FIXTURES/reconcile
$MK "$R/result.csv" result.xlsx
expect_exit 1 payroll-reconcile --ledger "$D/expected/ledger.csv" --result "$R/result.csv" -o f1.csv
cp out out1
expect_exit 1 payroll-reconcile --ledger "$D/expected/ledger.csv" --result result.xlsx -o f2.csv
same_file f1.csv f2.csv
same_file out1 out

# excel-number: id numbers and accounts stored as numbers
$MK --text-numbers "$D/roster.csv" numbers.xlsx
expect_exit 1 calc -o n.csv --rejects n-rejects.csv numbers.xlsx
grep_file "numbers.xlsx:2: excel-number: G2 (id_number): id number '220421196503040000' is stored as a number, and Excel keeps only 15 significant digits: format the column as text" err
grep_file "numbers.xlsx,3,DF-0002,excel-number," n-rejects.csv
expect_exit 1 payroll-check numbers.xlsx
grep_file "numbers.xlsx:2: excel-number: N2 (account): account '6217000000001000000' is stored as a number" err
[ "$(wc -l <n.csv)" -lt "$(wc -l <want.csv)" ] || fail "excel-number rows were paid"
ok

# a value right of the header's last column: that row is rejected
{ head -1 "$D/roster.csv"; sed -n 2p "$D/roster.csv" | sed 's/$/,备注/'; sed -n 3p "$D/roster.csv"; } >extra.csv
$MK extra.csv extra.xlsx
expect_exit 1 payroll-check extra.xlsx
grep_file "extra.xlsx:2: bad-row: T2: a value beyond the header's last column" err
no_grep "extra.xlsx:3:" err

# a sheet of many 64 KiB pieces (the reader feeds libxml2 piece by piece
# and hands out the rows each piece completes): the CSV's ledger and
# rejects, with shared and with inline strings
python3 "$SRC/bench/gen_roster.py" 3000 big.csv
sed -i '2500s/,CCB,/,东丰某某银行,/' big.csv
expect_exit 1 calc -o big-want.csv --rejects big-want-rejects.csv big.csv
cut -d, -f2-4 big-want-rejects.csv >big-want-codes
grep_file "big.csv,2500,DB00002498,bad-bank," big-want-rejects.csv
# (read by the sheet's own thread in batches of rows, and with
# PAYROLL_THREADS=1 on one thread, 64 KiB pieces at a time)
for opts in --numbers "--numbers --inline"; do
	$MK $opts big.csv big.xlsx
	[ "$(python3 -c 'import sys,zipfile; print(zipfile.ZipFile(sys.argv[1]).getinfo("xl/worksheets/sheet1.xml").file_size)' big.xlsx)" -gt 1000000 ] ||
		fail "the big sheet is under 1 MB"
	for threads in "" 1; do
		PAYROLL_THREADS=$threads expect_exit 1 calc -o big-got.csv --rejects big-got-rejects.csv big.xlsx
		same_file big-want.csv big-got.csv
		cut -d, -f2-4 big-got-rejects.csv >big-got-codes
		same_file big-want-codes big-got-codes
	done
done
ok

# files that are not tables: what they are and what to save them as,
# never a missing-column, never an output left behind
mkdir seeds
$MK --seeds seeds "$D/roster.csv" seeds/roster.xlsx
fatal() {	# FILE TEXT...
	local f=$1; shift
	expect_exit 2 calc -o bad.csv "$f"
	absent bad.csv
	no_grep "missing-column" err
	for t in "$@"; do grep_file "$t" err; done
}
fatal seeds/legacy.xls "legacy.xls: unsupported-file: the file is a legacy Excel .xls or WPS .et workbook" \
	"save it as .xlsx (Excel Workbook) or CSV UTF-8"
cp seeds/legacy.xls renamed.csv
fatal renamed.csv "renamed.csv: unsupported-file: the file is a legacy Excel .xls"
fatal seeds/ods.xlsx "unsupported-file: the file is an OpenDocument spreadsheet (.ods" "save it as .xlsx"
fatal seeds/doc.pdf "doc.pdf: unsupported-file: the file is a PDF document"
printf 'SQLite format 3\000' >db.csv
head -c 2000 /dev/zero >>db.csv
fatal db.csv "db.csv: unsupported-file: the file is binary"
fatal seeds/truncated.xlsx "truncated.xlsx: bad-xlsx: the file starts like a zip archive (.xlsx) but cannot be opened as one"
fatal seeds/bad-xml.xlsx "bad-xml.xlsx: bad-xlsx: xl/worksheets/sheet1.xml in the workbook is not well-formed XML"
fatal seeds/bad-sst.xml.xlsx "bad-xlsx: xl/sharedStrings.xml in the workbook is not well-formed XML"
fatal seeds/huge-sst-index.xlsx "huge-sst-index.xlsx:1: bad-xlsx: A1: refers to a shared string the workbook does not have"
fatal seeds/no-sheet-part.xlsx "bad-xlsx: sheet 'Sheet1' is missing from the workbook (xl/worksheets/sheet1.xml)"
fatal seeds/no-workbook-rels.xlsx "bad-xlsx: xl/_rels/workbook.xml.rels is missing: not an Excel workbook"
fatal seeds/cell-out-of-order.xlsx "cell-out-of-order.xlsx:2: bad-xlsx: A2: cells out of order"
# the same from the sheet read on one thread
export PAYROLL_THREADS=1
fatal seeds/bad-xml.xlsx "bad-xml.xlsx: bad-xlsx: xl/worksheets/sheet1.xml in the workbook is not well-formed XML"
fatal seeds/huge-sst-index.xlsx "huge-sst-index.xlsx:1: bad-xlsx: A1: refers to a shared string the workbook does not have"
fatal seeds/cell-out-of-order.xlsx "cell-out-of-order.xlsx:2: bad-xlsx: A2: cells out of order"
unset PAYROLL_THREADS
# a bad-xlsx part in the middle of a row stream: no ledger left either
done_ok
