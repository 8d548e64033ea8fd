# SPDX-License-Identifier: Apache-2.0
# bankfile --max-count / --max-amount (SPEC 6): numbered files OUT-001.EXT
# in ledger order, each with its own control totals recomputed here from
# its records, never a case in two files, seq numbers as in the one file;
# --split-by bank numbers each bank's files; pain001 files get their own
# message ids; a case above the amount cap, a bad limit and several files
# to standard output are refused with nothing written; run takes the
# limits from its configuration and signs and lists every part.
. "$SRC/tests/e2e/lib.sh"
D=$FIXTURES/every-code
L=$D/expected/ledger.csv

expect_exit 0 payroll-bankfile --layout csv -o one.csv "$L"

# sum the amounts of a bank csv (seq,bank,account,account_name,amount,memo)
sum_csv() { python3 -c 'import csv,sys,decimal
r=list(csv.DictReader(open(sys.argv[1],encoding="utf-8")))
print("%d,%s" % (len(r), sum((decimal.Decimal(x["amount"]) for x in r), decimal.Decimal("0.00"))))' "$1"; }

# --max-count 5: 13 transfers in 5 + 5 + 3
expect_exit 0 payroll-bankfile --layout csv --max-count 5 -o pay.csv "$L"
grep_file "13 transfers, total 18164.00" err
grep_file "6 files written" err
absent pay.csv
for i in 001 002 003; do
	present pay-$i.csv
	n_t=$(sum_csv pay-$i.csv)
	grep_file "2026-11,$n_t" pay-$i.csv.ctl
done
[ "$(sum_csv pay-001.csv)" = "5,8090.00" ] || fail "first part"; ok
[ "$(sum_csv pay-003.csv)" = "3,5426.00" ] || fail "last part"; ok
absent pay-004.csv
# the parts are the one file cut in ledger order, seq kept
{ head -1 one.csv; for i in 001 002 003; do tail -n +2 pay-$i.csv; done; } >joined.csv
same_file one.csv joined.csv

# --max-amount 5000.00: every file at most 5000.00, cases whole and in order
expect_exit 0 payroll-bankfile --layout csv --max-amount 5000 -o amt.csv "$L"
total=0
for f in amt-0*.csv; do
	n_t=$(sum_csv "$f")
	grep_file "2026-11,$n_t" "$f.ctl"
	python3 -c 'import sys,decimal; assert decimal.Decimal(sys.argv[1]) <= 5000' "${n_t#*,}" ||
		fail "$f is over 5000.00: $n_t"
done
ok
[ "$(ls amt-0*.csv | wc -l)" -ge 4 ] || fail "too few parts"; ok
{ head -1 one.csv; for f in amt-0*.csv; do tail -n +2 "$f"; done; } >joined2.csv
same_file one.csv joined2.csv
# both limits at once: a file ends when either would be passed
expect_exit 0 payroll-bankfile --layout csv --max-amount 5000 --max-count 2 -o both.csv "$L"
for f in both-0*.csv; do
	n_t=$(sum_csv "$f")
	[ "${n_t%,*}" -le 2 ] || fail "$f has $n_t"
done
ok
# a limit that everything fits in: still numbered, one file
expect_exit 0 payroll-bankfile --layout csv --max-count 2000 -o all.csv "$L"
present all-001.csv; absent all-002.csv; absent all.csv
tail -n +2 one.csv >a; tail -n +2 all-001.csv >b; same_file a b

# with --split-by bank: each bank's files numbered, fixed-width and GB18030
expect_exit 0 payroll-bankfile --layout fixed-gbk --split-by bank --max-amount 5000 -o f.txt "$L"
for f in f-ABC-001.txt f-CCB-001.txt f-ICBC-001.txt f-ICBC-002.txt f-PSBC-001.txt; do present "$f"; done
absent f-ABC-002.txt

# pain001: each file its own NbOfTxs, CtrlSum and message id
expect_exit 0 payroll-bankfile --layout pain001 --payer "$D/payer.conf" --max-count 6 -o p.xml "$L"
python3 - p-001.xml p-002.xml p-003.xml <<'PY' || fail "pain001 parts"
import sys, decimal, xml.etree.ElementTree as ET
ids, n_all, s_all = set(), 0, decimal.Decimal(0)
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()
    ns = {"p": root.tag[1:].split("}")[0]}
    amts = [decimal.Decimal(a.text) for a in root.iterfind(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", ns)]
    assert int(root.find(".//p:GrpHdr/p:NbOfTxs", ns).text) == len(amts), path
    assert decimal.Decimal(root.find(".//p:GrpHdr/p:CtrlSum", ns).text) == sum(amts), path
    msgid = root.find(".//p:GrpHdr/p:MsgId", ns).text
    assert msgid not in ids, msgid
    ids.add(msgid)
    n_all += len(amts); s_all += sum(amts)
assert n_all == 13 and s_all == decimal.Decimal("18164.00"), (n_all, s_all)
PY
ok

# refused, nothing written
expect_exit 2 payroll-bankfile --layout csv --max-amount 1000 -o over.csv "$L"
grep_file "over-max-amount: case DF-0001: one transfer of 1914.00 is above the most a file holds, 1000.00, and a case is never split" err
absent over-001.csv; absent over-001.csv.ctl
for bad in 0 -1 abc 1.5; do
	expect_exit 2 payroll-bankfile --layout csv --max-count "$bad" -o bad.csv "$L"
	grep_file "invalid value '$bad' for '--max-count': expected a whole number from 1 to 100000000" err
done
for bad in 0 -5 1e3 12.345; do
	expect_exit 2 payroll-bankfile --layout csv --max-amount "$bad" -o bad.csv "$L"
	grep_file "invalid value '$bad' for '--max-amount': expected an amount in yuan, at least 0.01" err
done
expect_exit 2 payroll-bankfile --layout fixed-gbk --max-count 5 -o - "$L"
grep_file "writes several" err
absent bad-001.csv

# run: max_count and max_amount in the configuration
mkdir in && cp "$D"/roster.csv "$D"/standards.csv "$D"/grants.csv "$D"/payer.conf in/
payroll-keygen --algorithm ed25519 -o key >/dev/null
printf 'roster = in/roster.csv\nstandards = in/standards.csv\ngrants = in/grants.csv\nlayout = csv\nlayout = pain001\npayer = in/payer.conf\nkey = key.key\noutput = %s/root\nmax_count = 5\nmax_amount = 8000\n' "$PWD" >split.conf
expect_exit 1 payroll-run --config "$PWD/split.conf" --period 2026-11
M=root/2026-11
for f in bank-001.csv bank-002.csv bank-003.csv bank-001.csv.ctl bank-pain001-001.xml bank-pain001-003.xml; do
	present "$M/$f"
	grep_file " $f" "$M/SHA256SUMS"
done
absent "$M/bank.csv"
grep_file "<tr><td>bank-002.csv</td><td class=\"n\">5</td><td class=\"n\">7539.00</td><td class=\"h\">$(sha256sum "$M/bank-002.csv" | cut -c1-64)</td></tr>" "$M/approval.html"
(cd "$M" && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS"; ok
printf 'roster = in/roster.csv\nstandards = in/standards.csv\nlayout = csv\nkey = key.key\noutput = o2\nmax_count = many\n' >badc.conf
expect_exit 2 payroll-run --config "$PWD/badc.conf" --period 2026-11
grep_file "badc.conf:6: bad-value: max_count: max_count is a number of transfers" err
printf 'roster = in/roster.csv\nstandards = in/standards.csv\nlayout = csv\nkey = key.key\noutput = o2\nmax_amount = 0\n' >bada.conf
expect_exit 2 payroll-run --config "$PWD/bada.conf" --period 2026-11
grep_file "bada.conf:6: bad-value: max_amount" err
done_ok
