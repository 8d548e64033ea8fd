# SPDX-License-Identifier: Apache-2.0
# inspect (SPEC 6.1): every golden bank file reads back valid; read(write)
# gives bankfile's transfers exactly for every built-in and fixture layout,
# whole and cut by --max-count; each problem code is triggered by a
# corrupted copy, with its record number; exit 0 / 1 / 2.
. "$SRC/tests/e2e/lib.sh"
G=$FIXTURES/bank/golden
LAY=$FIXTURES/layouts

expect_exit 0 payroll inspect --help
grep_file 'payroll-inspect [--layout NAME|FILE]' out

# every golden bank file is valid, detected where it can be
for f in transfers.csv transfers-fixed-gbk.txt transfers-pain001.xml; do
	expect_exit 0 payroll inspect "$G/$f"
	grep_file 'transfers: 5' out
	grep_file 'total: 6243.00' out
	grep_file 'period: 2024-03' out
	grep_file 'bank ABC: 2 transfers, 3280.00' out
	grep_file '  1 ICBC 6222****4566 820.00 2024-03-C001' out
	no_grep '6222024300001234566' out
	grep_file 'valid' out
done
grep -q '^format: pain001$' out || fail "pain001 detected"; ok
expect_exit 0 payroll inspect --layout "$LAY/gbk-fixed-ctl.layout" "$G/transfers-gbk-fixed.txt"
expect_exit 0 payroll inspect --layout "$LAY/pipe-summary.layout" "$G/transfers-pipe.txt"
for f in split-ABC.txt split-ICBC.txt split-102241000018.txt; do
	expect_exit 0 payroll inspect --layout fixed-gbk "$G/$f"
done
expect_exit 0 payroll inspect --format json "$G/transfers-fixed-gbk.txt"
python3 -c 'import json,sys
d=json.load(open("out"))
assert d["format"]=="fixed-gbk" and d["count"]==5 and d["total"]=="6243.00" and d["valid"]
assert d["transfers"][0]["account"]=="6222****4566"
assert [b["bank"] for b in d["banks"]]==["102241000018","ABC","ICBC"]' || fail "json"
ok

# read(write(ledger)) = bankfile's transfers, for every layout, whole and cut
for L in "$FIXTURES/bank/ledger.csv" "$FIXTURES/every-code/expected/ledger.csv"; do
	payer=$FIXTURES/bank/payer.conf
	expect_exit 0 payroll-bankfile --layout csv -o ref.csv "$L"
	for n in 0 4; do
		lim=; [ "$n" = 0 ] || lim="--max-count $n"
		for lay in csv fixed-gbk pain001 "$LAY/gbk-fixed-ctl.layout" "$LAY/pipe-summary.layout" \
			   "$LAY/icbc-daifa.layout"; do
			rm -rf w; mkdir w
			p=; [ "$lay" = pain001 ] && p="--payer $payer"
			# shellcheck disable=SC2086
			payroll-bankfile --layout "$lay" $p $lim -o w/o.dat "$L" 2>err
			rc=$?	# 1: a name cut to fit (bankfile reports it), read back as cut
			[ "$rc" -le 1 ] || { cat err >&2; fail "bankfile $lay $lim"; }
			: >got.csv
			for f in w/o*.dat; do
				l=; case $lay in */*) l="--layout $lay";; esac
				# shellcheck disable=SC2086
				expect_exit 0 payroll inspect $l --format csv "$f"
				tail -n +2 out >>got.csv
			done
			# a layout without a field reads it back as "" (and seq as 1..N a file)
			python3 - "$lay" ref.csv got.csv <<'PY' || fail "read(write) differs: $lay $lim $L"
import csv, sys
lay = sys.argv[1]
ref = list(csv.reader(open(sys.argv[2], encoding="utf-8")))[1:]
got = list(csv.reader(open(sys.argv[3], encoding="utf-8")))
drop = {"gbk-fixed-ctl": [0, 1], "pipe-summary": [1], "icbc-daifa": [1]}
cols = next((v for k, v in drop.items() if k in lay), [])
proj = lambda rows: [[x for i, x in enumerate(r) if i not in cols] for r in rows]
assert len(ref) == len(got), (len(ref), len(got))
name = 3 - sum(1 for c in cols if c < 3)
for a, b in zip(proj(ref), proj(got)):
    if a[name] != b[name]:
        assert a[name].startswith(b[name]) and len(b[name].encode("gb18030")) >= 55, (a, b)
        b[name] = a[name]
    assert a == b, (a, b)
PY
			ok
		done
	done
done

# corrupted copies: each problem code, with its record number
crlf_fix() { python3 -c 'import sys
b=open(sys.argv[1],"rb").read().split(b"\r\n")
exec(sys.argv[2])
open(sys.argv[1],"wb").write(b"\r\n".join(b))' "$@"; }

cp "$G/transfers-fixed-gbk.txt" w1.txt
crlf_fix w1.txt 'b[2]=b[2][:-1]'			# a width off by one
expect_exit 1 payroll inspect w1.txt
grep_file 'w1.txt:3: bad-width: the record is 157 bytes, the layout says 158' out
grep_file 'INVALID' out

cp "$G/transfers-fixed-gbk.txt" w2.txt
crlf_fix w2.txt 'b[6]=b[6][:26]+b"1"+b[6][27:]'	# trailer total changed
expect_exit 1 payroll inspect w2.txt
grep_file 'w2.txt:7: control-total: the trailer says a total of 6243.01, the transfers sum to 6243.00' out

cp "$G/transfers-fixed-gbk.txt" w3.txt
crlf_fix w3.txt 'b[0]=b[0][:14]+b"6"+b[0][15:]'		# header count changed
expect_exit 1 payroll inspect w3.txt
grep_file 'w3.txt:1: control-count: the header says 6 transfers, the file has 5' out

cp "$G/transfers-fixed-gbk.txt" w4.txt
crlf_fix w4.txt 'b.insert(3,b[3])'			# a duplicated record
expect_exit 1 payroll inspect w4.txt
grep_file 'w4.txt:5: duplicate-seq: serial 3 seen before in record 4' out
grep_file 'control-count: the trailer says 5 transfers, the file has 6' out

sed 's|<CtrlSum>6243.00</CtrlSum>|<CtrlSum>6243.10</CtrlSum>|' "$G/transfers-pain001.xml" >x1.xml
expect_exit 1 payroll inspect x1.xml
grep_file 'control-total: GrpHdr says a total of 6243.10, the transfers sum to 6243.00' out
grep_file 'control-total: PmtInf says a total of 6243.10' out
sed '0,/<NbOfTxs>5</s//<NbOfTxs>4</' "$G/transfers-pain001.xml" >x2.xml
expect_exit 1 payroll inspect x2.xml
grep_file 'control-count: GrpHdr says 4 transfers, the file has 5' out
sed 's|pain.001.001.09|pain.001.001.03|' "$G/transfers-pain001.xml" >x3.xml
expect_exit 1 payroll inspect --layout pain001 x3.xml
grep_file 'bad-namespace' out
head -c 900 "$G/transfers-pain001.xml" >x4.xml
expect_exit 1 payroll inspect x4.xml
grep_file 'bad-xml: the XML is not well formed' out

# --payer: the debtor of each PmtInf is the payer file's (payer-mismatch,
# at the PmtInf's line), for pain001 only
P=$FIXTURES/bank/payer.conf
expect_exit 0 payroll inspect --payer "$P" "$G/transfers-pain001.xml"
grep_file 'problems: 0' out
sed '/<Dbtr>/,/<\/Dbtr>/s|<Nm>长春市朝阳区民政局</Nm>|<Nm>长春市民政局</Nm>|; s|0710002129200012345|0710002129200012346|;
     s|<BICFI>ICBKCNBJJLN|<BICFI>ICBKCNBJXXX|; s|<MmbId>102241000018</MmbId>|<MmbId>102241000019</MmbId>|;
     s|中国工商银行长春朝阳支行|中国工商银行长春支行|' "$G/transfers-pain001.xml" >d1.xml
expect_exit 1 payroll inspect --payer "$P" d1.xml
grep_file "d1.xml:13: payer-mismatch: Dbtr Nm is '长春市民政局', the payer file's name is '长春市朝阳区民政局'" out
grep_file "d1.xml:13: payer-mismatch: DbtrAcct Id is '0710002129200012346', the payer file's account is '0710002129200012345'" out
grep_file "d1.xml:13: payer-mismatch: DbtrAgt BICFI is 'ICBKCNBJXXX', the payer file's bic is 'ICBKCNBJJLN'" out
grep_file "d1.xml:13: payer-mismatch: DbtrAgt MmbId is '102241000019', the payer file's cnaps is '102241000018'" out
grep_file "d1.xml:13: payer-mismatch: DbtrAgt Nm is '中国工商银行长春支行', the payer file's bank-name is '中国工商银行长春朝阳支行'" out
grep_file 'problems: 5' out
# the same file is valid without --payer (the debtor is only checked against one)
expect_exit 0 payroll inspect d1.xml
# a debtor without its agent's BICFI: the payer file has one
grep -v '<BICFI>' "$G/transfers-pain001.xml" >d2.xml
expect_exit 1 payroll inspect --format json --payer "$P" d2.xml
python3 -c 'import json
d=json.load(open("out"))
assert [(p["record"], p["code"]) for p in d["problems"]] == [(13, "payer-mismatch")], d["problems"]
assert "BICFI is \x27\x27" in d["problems"][0]["message"]' || fail "json payer"
ok
expect_exit 2 payroll inspect --payer "$P" "$G/transfers.csv"
grep_file 'a payer is checked in pain001 files only' err
expect_exit 2 payroll inspect --payer nosuch.conf "$G/transfers-pain001.xml"

# a GBK name cut mid-character: the second byte of 丰 in the first record
cp "$G/transfers-gbk-fixed.txt" g1.txt
cp "$G/transfers-gbk-fixed.txt.sum" g1.txt.sum
crlf_fix g1.txt 'b[0]=b[0][:5]+b" "+b[0][6:]'
expect_exit 1 payroll inspect --layout "$LAY/gbk-fixed-ctl.layout" g1.txt
grep_file 'g1.txt:1: bad-encoding' out
rm g1.txt.sum
expect_exit 1 payroll inspect --layout "$LAY/gbk-fixed-ctl.layout" g1.txt
grep_file 'missing-control' out

# csv: the control file, an account, an amount, a serial, a header
cp "$G/transfers.csv" c.csv
sed 's/2024-03,5,6243.00/2024-03,4,6243.50/' "$G/transfers.csv.ctl" >c.csv.ctl
expect_exit 1 payroll inspect c.csv
grep_file 'c.csv.ctl:2: control-count: the control file says 4 transfers, the file has 5' out
grep_file 'c.csv.ctl:2: control-total: the control file says a total of 6243.50' out
cp "$G/transfers.csv.ctl" c2.csv.ctl
sed '2s/6222024300001234566/6222024300001234567/; 3s/,1733.00,/,x,/; 4s/^3,/0,/' "$G/transfers.csv" >c2.csv
expect_exit 1 payroll inspect --format json c2.csv
python3 -c 'import json
d=json.load(open("out"))
codes=sorted((p["record"],p["code"]) for p in d["problems"])
assert (2,"bad-account") in codes and (3,"bad-amount") in codes and (4,"bad-seq") in codes, codes
assert not d["valid"]' || fail "csv problems"
ok
sed '1s/memo/note/' "$G/transfers.csv" >c3.csv
cp "$G/transfers.csv.ctl" c3.csv.ctl
expect_exit 1 payroll inspect --layout csv c3.csv
grep_file "c3.csv:1: bad-record: field 6 is 'note', the layout says 'memo'" out

# xlsx (an Excel template layout): corrupted copies of its sheet, made
# with python's zipfile; rows are named by their Excel row number
X=$LAY/icbc-daifa.layout
payroll-bankfile --layout "$X" -o pay.xlsx "$FIXTURES/bank/ledger.csv" 2>/dev/null
sheet_fix() { python3 - "$@" <<'PY'
import sys, zipfile
src, dst, old, new = sys.argv[1:]
zi = zipfile.ZipFile(src)
zo = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
for n in zi.namelist():
    b = zi.read(n)
    if n == "xl/worksheets/sheet1.xml":
        assert old.encode() in b, old
        b = b.replace(old.encode(), new.encode(), 1)
    zo.writestr(n, b)
zo.close()
PY
}
expect_exit 0 payroll inspect --layout "$X" pay.xlsx
grep_file '  4  6212****6788 410.00 2024-03-C004' out
sheet_fix pay.xlsx y1.xlsx '<v>16</v></c></row>' '<v>16</v></c><c r="F5"><v>7</v></c></row>' || fail zip; ok
expect_exit 1 payroll inspect --layout "$X" y1.xlsx
grep_file 'y1.xlsx:5: bad-record: the row has 6 cells, the layout says 5' out
no_grep 'control-count: ' out	# the layout has no control records
sheet_fix pay.xlsx y2.xlsx '<v>410</v>' '<v>-410.5</v>' || fail zip; ok
expect_exit 1 payroll inspect --layout "$X" y2.xlsx
grep_file 'y2.xlsx:5: bad-amount: transfer 4: the amount is not positive' out
sheet_fix pay.xlsx y3.xlsx '<c r="A4" s="2"><v>3</v>' '<c r="A4" s="2"><v>2</v>' || fail zip; ok
expect_exit 1 payroll inspect --layout "$X" --format csv y3.xlsx
grep_file 'y3.xlsx:4: duplicate-seq: serial 2 seen before in record 3' err
grep_file '2,,6228480012345678903,欧阳娜娜,1280.00,2024-03-C003' out
cp "$G/transfers.csv" notzip.xlsx
expect_exit 2 payroll inspect --layout "$X" notzip.xlsx
head -c 300 pay.xlsx >cut.xlsx
expect_exit 2 payroll inspect --layout "$X" cut.xlsx
grep_file 'bad-xlsx' err

# cannot read: exit 2
expect_exit 2 payroll inspect nosuch.txt
echo 'hello' >u.txt
expect_exit 2 payroll inspect u.txt
grep_file 'unknown-format' err
expect_exit 2 payroll inspect --layout nosuch u.txt
expect_exit 2 payroll inspect --format yaml u.txt
done_ok
