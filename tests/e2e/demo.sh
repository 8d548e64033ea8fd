# SPDX-License-Identifier: Apache-2.0
# demo: the quick start's month (fixtures/demo, made by make-demo.py) reads
# like a real county month: calc gives its golden files byte for byte;
# nearly every household is paid and the few rejected rows each show a
# different code; the shipped payroll.conf runs the month as the quick
# start does, laid out as in the source tree. Every reject code, one row
# each, is fixtures/every-code (tests/e2e/calc.sh).
. "$SRC/tests/e2e/lib.sh"
D=$FIXTURES/demo

expect_exit 1 payroll-calc -q --standards "$D/standards.csv" --period 2026-11 --grants "$D/grants.csv" \
	-o ledger.csv --rejects rejects.csv --summary summary.json "$D/roster.csv"
same_file "$D/expected/ledger.csv" ledger.csv
same_file "$D/expected/rejects.csv" rejects.csv
same_file "$D/expected/summary.json" summary.json

# most households paid: at least 90% of the rows; a handful for a person
# (not counting the rows simply not due this month), each a different code
num() { grep -o "\"$1\": [0-9]*" summary.json | head -1 | grep -o '[0-9]*$'; }
read_=$(num rows_read); paid=$(num rows_paid)
[ "$read_" -ge 60 ] || fail "the demo has only $read_ rows"; ok
[ $((paid * 10)) -ge $((read_ * 9)) ] || fail "the demo pays only $paid of $read_ rows"; ok
tail -n +2 rejects.csv | cut -d, -f4 | grep -v '^not-due$' | sort >codes
n=$(wc -l <codes)
[ "$n" -ge 3 ] && [ "$n" -le 8 ] || fail "the demo has $n rows for a person, not a handful"; ok
[ "$(sort -u codes | wc -l)" = "$n" ] || fail "the demo's rejects repeat a code: $(tr '\n' ' ' <codes)"; ok

# the quick start's run, with the shipped config, in a copy of the tree
mkdir -p tree/fixtures tree/build/demo-key
cp -r "$D" "$FIXTURES/layouts" tree/fixtures/
payroll-keygen --algorithm sm2 -o tree/build/demo-key/payroll >/dev/null 2>&1 || fail "keygen"; ok
expect_exit 1 payroll run --config tree/fixtures/demo/payroll.conf --period 2026-11
M=tree/build/demo-out/2026-11
same_file "$D/expected/ledger.csv" "$M/ledger.csv"
# run writes the rejects for people: the same bytes after a UTF-8 BOM
{ printf '\357\273\277'; cat "$D/expected/rejects.csv"; } >want-rejects.csv
same_file want-rejects.csv "$M/rejects.csv"
for f in bank.csv bank-fixed-gbk.txt bank-pain001.xml disclosure.html SHA256SUMS.sig; do present "$M/$f"; done
expect_exit 0 payroll verify --pubkey tree/build/demo-key/payroll.pub --journal tree/build/demo-out
(cd "$M" && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS of the demo month"; ok
xmllint --noout --schema "$SCHEMAS/pain.001.001.09.xsd" "$M/bank-pain001.xml" 2>xml.err ||
	{ cat xml.err >&2; fail "the demo's pain.001 fails the schema"; }
ok
done_ok
