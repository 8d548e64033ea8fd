# SPDX-License-Identifier: Apache-2.0
# bankfile: every built-in layout and both example layouts against golden
# files, checked again by independent tools (iconv, xmllint, zcat).
. "$SRC/tests/e2e/lib.sh"
F=$FIXTURES/bank
G=$F/golden
L=$FIXTURES/layouts
XSD=$SCHEMAS/pain.001.001.09.xsd

# --help and --version; SYNOPSIS of the man page equals the usage line
expect_exit 0 payroll-bankfile --help
grep_file 'payroll-bankfile --layout NAME|FILE [--payer F] [--split-by bank]' out
grep_file '[--max-count N] [--max-amount YUAN] -o OUT LEDGER' out
grep_file '--split-by bank' out
expect_exit 0 payroll-bankfile --version
grep_file 'payroll-bankfile ' out
expect_exit 0 payroll bankfile --version
syn=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH/p' "$SRC/man/payroll-bankfile.1" | sed 's/^\.B //' | grep -v '^\.' | tr -d '\\' | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
[ "$syn" = "payroll-bankfile --layout NAME|FILE [--payer F] [--split-by bank] [--max-count N] [--max-amount YUAN] -o OUT LEDGER payroll-bankfile --layout NAME|FILE --approval SHEET [--office TEXT] -o OUT LEDGER" ] ||
	fail "man SYNOPSIS '$syn' differs from --help"
ok

# csv: lines and control file
expect_exit 0 payroll-bankfile --layout csv -o t.csv "$F/ledger.csv"
same_file "$G/transfers.csv" t.csv
same_file "$G/transfers.csv.ctl" t.csv.ctl
grep_file '5 transfers, total 6243.00, from 10 ledger lines' err
# the control file's count and total equal the lines
n=$(tail -n +2 t.csv | wc -l)
sum=$(tail -n +2 t.csv | awk -F, '{ split($5, a, "."); s += a[1] * 100 + a[2] } END { print s }')
[ "$(sed -n 2p t.csv.ctl)" = "2024-03,$n,$((sum / 100)).$(printf %02d $((sum % 100)))" ] ||
	fail "csv control file disagrees with its lines ($n, $sum)"
ok
# a temporary grant whose grant_id equals a roster case_id is its own transfer
grep_file '5,ABC,6228480098765432103,李四,2000.00,2024-03-T-C001' t.csv
grep_file '1,ICBC,6222024300001234566,张三丰,820.00,2024-03-C001' t.csv

# fixed-gbk: exit 1 (a name was cut, reported), bytes, widths, CRLF
expect_exit 1 payroll-bankfile --layout fixed-gbk -o t.txt "$F/ledger.csv"
same_file "$G/transfers-fixed-gbk.txt" t.txt
grep_file 'ledger.csv:5: truncated: case C002: account_name' err
iconv -f GB18030 -t UTF-8 t.txt >t.utf8 || fail "fixed-gbk does not decode as GB18030"
ok
grep_file '长春市朝阳区第1社会福利中心特困人员集中供养服务站老年公寓管 0000000001733002024-03-C002' t.utf8
no_grep '管理' t.utf8
LC_ALL=C awk '{ if (length($0) != 159 || substr($0, 159, 1) != "\r") { print NR ": " length($0); bad = 1 } }
	END { exit bad }' t.txt || fail "a fixed-gbk record is not 158 bytes + CRLF"
ok
[ "$(tr -cd '\n' <t.txt | wc -c)" = 7 ] && [ "$(grep -c $'\r$' t.txt)" = 7 ] || fail "not 7 CRLF records"
ok
head -c 33 t.txt | grep -qx 'H20240300000005000000000000624300' || fail "header count/total"
ok
tail -n 1 t.txt | cut -c 1-27 | grep -qx 'T00000005000000000000624300' || fail "trailer count/total"
ok
# the detail amounts (fen, bytes 114..128) sum to the trailer's total
sum=$(LC_ALL=C awk '/^D/ { s += substr($0, 114, 15) } END { print s }' t.txt)
[ "$sum" = 624300 ] || fail "fixed-gbk details sum to $sum"
ok

# pain001: schema-valid, NbOfTxs and CtrlSum equal the transactions
expect_exit 0 payroll-bankfile --layout pain001 --payer "$F/payer.conf" -o t.xml "$F/ledger.csv"
same_file "$G/transfers-pain001.xml" t.xml
xmllint --noout --schema "$XSD" t.xml 2>xerr || { cat xerr >&2; fail "pain001 fails the schema"; }
ok
x() { xmllint --xpath "$1" t.xml; }
ntx=$(x 'count(//*[local-name()="CdtTrfTxInf"])')
sum=$(x 'sum(//*[local-name()="InstdAmt"])')
for hdr in GrpHdr PmtInf; do
	[ "$(x "string(//*[local-name()=\"$hdr\"]/*[local-name()=\"NbOfTxs\"])")" = "$ntx" ] ||
		fail "$hdr NbOfTxs differs from $ntx transactions"
	ok
	ctl=$(x "string(//*[local-name()=\"$hdr\"]/*[local-name()=\"CtrlSum\"])")
	awk -v a="$ctl" -v b="$sum" 'BEGIN { exit !(a * 100 == b * 100) }' ||
		fail "$hdr CtrlSum $ctl differs from the sum $sum"
	ok
done
[ "$ntx" = 5 ] || fail "pain001 has $ntx transactions"
ok
grep_file '<CreDtTm>2024-03-14T09:30:00</CreDtTm>' t.xml
grep_file '<InstdAmt Ccy="CNY">2000.00</InstdAmt>' t.xml
grep_file '<MmbId>102241000018</MmbId>' t.xml
# names with & < > " escaped as the golden (written by libxml2's text writer) has them
expect_exit 0 payroll-bankfile --layout pain001 --payer "$F/payer.conf" -o e.xml "$F/escape.csv"
same_file "$G/escape-pain001.xml" e.xml
xmllint --noout --schema "$XSD" e.xml 2>xerr || { cat xerr >&2; fail "escaped pain001 fails the schema"; }
ok
[ "$(xmllint --xpath 'string(//*[local-name()="Cdtr"][../*[local-name()="PmtId"]/*[local-name()="InstrId"]="4"]/*[local-name()="Nm"])' e.xml)" = 'A&B <Care> "Home" & Co'"'"'s' ] ||
	fail "xmllint reads the escaped name back differently"
ok
# no creation time in the payer file: execution date at midnight, not the clock
grep -v '^created' "$F/payer.conf" >payer2.conf
expect_exit 0 payroll-bankfile --layout pain001 --payer payer2.conf -o t2.xml "$F/ledger.csv"
grep_file '<CreDtTm>2024-03-15T00:00:00</CreDtTm>' t2.xml

# example layouts
expect_exit 1 payroll-bankfile --layout "$L/gbk-fixed-ctl.layout" -o g.txt "$F/ledger.csv"
same_file "$G/transfers-gbk-fixed.txt" g.txt
same_file "$G/transfers-gbk-fixed.txt.sum" g.txt.sum
iconv -f GBK -t UTF-8 g.txt >/dev/null || fail "gbk layout does not decode as GBK"
ok
LC_ALL=C awk '{ if (length($0) != 139) bad = 1 } END { exit bad }' g.txt || fail "gbk record width"
ok
iconv -f GBK -t UTF-8 g.txt.sum | grep -q '^总笔数0000000005总金额000000000006243.00202403'$'\r''$' ||
	fail "gbk control file"
ok
expect_exit 0 payroll-bankfile --layout "$L/pipe-summary.layout" -o p.txt "$F/ledger.csv"
same_file "$G/transfers-pipe.txt" p.txt
iconv -f GB18030 -t UTF-8 p.txt | head -n 1 | grep -qx $'5|6243.00|20240331\r' || fail "pipe summary line"
ok
[ "$(iconv -f GB18030 -t UTF-8 p.txt | tail -n +2 | awk -F'|' 'NF == 6' | wc -l)" = 5 ] ||
	fail "pipe detail lines do not have 6 fields"
ok

# --split-by bank: one file per bank code, before the extension
expect_exit 1 payroll-bankfile --layout fixed-gbk --split-by bank -o split.txt "$F/ledger.csv"
for b in 102241000018 ABC ICBC; do
	same_file "$G/split-$b.txt" "split-$b.txt"
done
absent split.txt
grep_file '3 files written' err
cat split-*.txt | LC_ALL=C awk '/^D/ { s += substr($0, 114, 15); n++ } END { exit !(s == 624300 && n == 5) }' ||
	fail "split files do not add up to the ledger"
ok
expect_exit 0 payroll-bankfile --layout csv --split-by bank -o s.csv "$F/ledger.csv"
same_file <(printf '2024-03,2,3280.00\n') <(tail -n 1 s-ABC.csv.ctl)
grep_file '6 files written' err

# .gz: the same bytes, compressed
expect_exit 0 payroll-bankfile --layout csv -o t.csv.gz "$F/ledger.csv"
zcat t.csv.gz >t.gunzip && same_file "$G/transfers.csv" t.gunzip
zcat t.csv.ctl.gz >ctl.gunzip && same_file "$G/transfers.csv.ctl" ctl.gunzip
expect_exit 0 payroll-bankfile --layout pain001 --payer "$F/payer.conf" -o t.xml.gz "$F/ledger.csv"
zcat t.xml.gz >x.gunzip && same_file "$G/transfers-pain001.xml" x.gunzip
expect_exit 0 payroll-bankfile --layout csv --split-by bank -o sz.csv.gz "$F/ledger.csv"
zcat sz-ICBC.csv.gz >sz.gunzip && same_file s-ICBC.csv sz.gunzip

# same input twice: the same bytes (no clock, no randomness)
for lay in csv fixed-gbk "$L/pipe-summary.layout"; do
	payroll-bankfile --layout "$lay" -o a.out "$F/ledger.csv" 2>/dev/null
	payroll-bankfile --layout "$lay" -o b.out "$F/ledger.csv" 2>/dev/null
	same_file a.out b.out
done
payroll-bankfile --layout pain001 --payer "$F/payer.conf" -o a.xml "$F/ledger.csv" 2>/dev/null
sleep 1
payroll-bankfile --layout pain001 --payer "$F/payer.conf" -o b.xml "$F/ledger.csv" 2>/dev/null
same_file a.xml b.xml

# standard input and a gzip ledger read the same
expect_exit 0 payroll-bankfile --layout "$L/pipe-summary.layout" -o - - <"$F/ledger.csv"
same_file "$G/transfers-pipe.txt" out
gzip -c "$F/ledger.csv" >ledger.csv.gz
expect_exit 0 payroll-bankfile --layout csv -o z.csv ledger.csv.gz
same_file "$G/transfers.csv" z.csv

# nothing temporary left behind
[ -z "$(find . -name '.*.tmp-*')" ] || fail "temporary files left"
ok
done_ok
