# SPDX-License-Identifier: Apache-2.0
# Bank files as Excel workbooks (SPEC 6, layout format = xlsx): the
# example 代发 layout on the demo ledger, read back by an independent
# reader (openpyxl, Debian python3-openpyxl): a header row, one row per
# transfer, accounts as text cells equal to the ledger's, amounts as
# numbers with format 0.00 equal to the ledger's, count and total; the
# same inputs give the same bytes; cell=text amounts; a failing
# workbook_close is exit 2 naming the file and leaves nothing behind.
. "$SRC/tests/e2e/lib.sh"
PY=/usr/bin/python3
if ! [ -x "$PY" ] || ! "$PY" -c 'import openpyxl' 2>/dev/null; then
	[ "${CI:-}" != true ] || fail "/usr/bin/python3 with openpyxl (python3-openpyxl) is needed"
	echo "skip: /usr/bin/python3 cannot import openpyxl"
	exit 77
fi
L=$FIXTURES/layouts/icbc-daifa.layout
LEDGER=$FIXTURES/demo/expected/ledger.csv

expect_exit 0 payroll-bankfile --layout "$L" -o pay.xlsx "$LEDGER"
cp err pay.err
# the transfers as bankfile's csv says them: seq,bank,account,name,amount,memo
expect_exit 0 payroll-bankfile --layout csv -o pay.csv "$LEDGER"

"$PY" - pay.xlsx pay.csv pay.err "$LEDGER" <<'PYEOF' || fail "workbook read back does not match"
import csv, sys
from decimal import Decimal
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
rows = list(ws.iter_rows())
want = list(csv.reader(open(sys.argv[2], encoding="utf-8")))[1:]
def check(c, msg):
    if not c:
        print("xlsx_out:", msg, file=sys.stderr)
        sys.exit(1)
check([c.value for c in rows[0]] == ["序号", "账号", "户名", "金额", "备注"], "header row")
check(len(rows) - 1 == len(want) > 0, "count %d" % (len(rows) - 1))
total = Decimal(0)
for r, w in zip(rows[1:], want):
    seq, acct, name, amt, memo = r
    check(seq.data_type == "n" and seq.value == int(w[0]), "seq %r" % seq.value)
    check(acct.data_type == "s" and acct.value == w[2], "account %r != %s" % (acct.value, w[2]))
    check(acct.number_format == "@", "account format %r" % acct.number_format)
    check(name.value == w[3], "name")
    check(amt.data_type == "n" and amt.number_format == "0.00", "amount cell %r" % amt.number_format)
    check(Decimal(repr(amt.value)) == Decimal(w[4]), "amount %r != %s" % (amt.value, w[4]))
    check(memo.value == w[5], "memo")
    total += Decimal(repr(amt.value))
# count and total as bankfile reports them, and as the ledger sums them
said = "%d transfers, total %.2f," % (len(want), total)
check(said in open(sys.argv[3], encoding="utf-8").read(), "summary: want " + said)
ledger = list(csv.DictReader(open(sys.argv[4], encoding="utf-8")))
check(total == sum(Decimal(l["amount"]) for l in ledger), "total %s" % total)
check(str(wb.properties.created) == ledger[0]["period"] + "-01 00:00:00",
      "created %s" % wb.properties.created)
PYEOF
ok

# deterministic: the same inputs, a second later, give the same bytes
sleep 1
expect_exit 0 payroll-bankfile --layout "$L" -o again.xlsx "$LEDGER"
same_file pay.xlsx again.xlsx

# amounts as text cells when the layout says cell=text
sed 's/^field = amount$/field = amount cell=text/' "$L" >text.layout
expect_exit 0 payroll-bankfile --layout text.layout -o text.xlsx "$LEDGER"
"$PY" - text.xlsx pay.csv <<'PYEOF' || fail "cell=text amount"
import csv, sys, openpyxl
want = [r[4] for r in list(csv.reader(open(sys.argv[2], encoding="utf-8")))[1:]]
got = [(c.data_type, c.value) for c in openpyxl.load_workbook(sys.argv[1]).active["D"][1:]]
sys.exit(0 if got == [("s", w) for w in want] else 1)
PYEOF
ok

# the largest amount a number cell holds exactly (15 digits: Excel shows
# 15, and 9999999999999.99 is exact there), read back exactly; one fen
# more is refused (C001's other lines make 190.00 of its transfer)
B=$FIXTURES/bank/ledger.csv
for a in 9999999999809.99 9999999999810.00; do
	sed "2s/,630.00,410.00\*3-600.00=630.00/,$a,$a*1=$a/" "$B" >big-$a.csv
done
expect_exit 0 payroll-bankfile --layout "$L" -o big.xlsx big-9999999999809.99.csv
"$PY" - big.xlsx <<'PYEOF' || fail "15-digit amount not exact"
import sys, openpyxl
c = openpyxl.load_workbook(sys.argv[1]).active["D2"]
sys.exit(0 if (c.data_type, repr(c.value)) == ("n", "9999999999999.99") else 1)
PYEOF
ok
rm -f big.xlsx
expect_exit 2 payroll-bankfile --layout "$L" -o big.xlsx big-9999999999810.00.csv
grep_file "big-9999999999810.00.csv:2: field-overflow: case C001: amount 1000000000000000 is too large for an exact number cell; use cell=text" err
[ ! -e big.xlsx ] || fail "a refused workbook was left"; ok

# layout errors of the xlsx format
printf '[layout]\nformat = xlsx\n[detail]\nfield = account width=19\n' >w.layout
expect_exit 2 payroll-bankfile --layout w.layout -o w.xlsx "$LEDGER"
grep_file "w.layout:4: bad-option: an xlsx cell has no width" err
printf '[layout]\nformat = xlsx\nencoding = gbk\n[detail]\nfield = account\n' >e.layout
expect_exit 2 payroll-bankfile --layout e.layout -o e.xlsx "$LEDGER"
grep_file "bad-value: an xlsx layout takes no delimiter" err
printf '[layout]\nformat = delimited\ndelimiter = ,\n[detail]\nfield = amount cell=text\n' >c.layout
expect_exit 2 payroll-bankfile --layout c.layout -o c.csv "$LEDGER"
grep_file "c.layout:5: bad-option: cell= applies to xlsx layouts only" err
printf '[layout]\nformat = xlsx\n[detail]\nfield = account cell=text\n' >n.layout
expect_exit 2 payroll-bankfile --layout n.layout -o n.xlsx "$LEDGER"
grep_file "n.layout:4: bad-option: cell applies to number sources only" err

# a failing workbook_close (file size limit): exit 2 naming the file,
# nothing left behind (a few transfers: the spool stays under the limit,
# the workbook, about 6 KB even for one row, does not)
head -n 20 "$LEDGER" >small.csv
mkdir full
( ulimit -f 4; trap '' XFSZ; payroll-bankfile --layout "$L" -o full/pay.xlsx small.csv >out 2>err )
rc=$?
[ "$rc" = 2 ] || { cat err >&2; fail "file size limit: exit $rc, want 2"; }
grep_file "full/pay.xlsx: io: cannot write the workbook" err
[ -z "$(ls -A full)" ] || { ls -A full >&2; fail "a failed workbook left files"; }
ok
done_ok
