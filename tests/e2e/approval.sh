# SPDX-License-Identifier: Apache-2.0
# approval: the payment approval sheet (发放审批表) from bankfile --approval,
# byte for byte; its totals against the ledger, its hash against sha256sum.
. "$SRC/tests/e2e/lib.sh"
L=$FIXTURES/every-code/expected/ledger.csv

expect_exit 0 payroll-bankfile --layout csv -o bank.csv --approval sheet.html --office 东丰县民政局 "$L"
same_file "$FIXTURES/approval/expected.html" sheet.html
grep_file "<tr><td>bank.csv</td><td class=\"n\">13</td><td class=\"n\">18164.00</td><td class=\"h\">$(sha256sum bank.csv | cut -c1-64)</td></tr>" sheet.html
grep_file "合计金额（大写）：人民币壹万捌仟壹佰陆拾肆元整" sheet.html
grep_file "合计金额（小写）：¥18164.00" sheet.html
for who in 经办人 审核人 负责人; do grep_file "<tr><td>$who（签字）：" sheet.html; done
no_grep "<script" sheet.html; no_grep "http" sheet.html
# the totals by program and item are the ledger's (python3 sums it again)
python3 - "$L" sheet.html <<'PY' || fail "the sheet's totals differ from the ledger's"
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
page = open(sys.argv[2], encoding="utf-8").read()
def fen(s): return int(round(float(s) * 100))
prog = {"subsistence": "低保", "extreme-poverty": "特困", "temporary": "临时救助"}
for p, zh in prog.items():
    mine = [r for r in rows if r["program"] == p]
    cases = {r["case_id"] for r in mine}
    persons = sum(int(next(r for r in mine if r["case_id"] == c)["members"]) for c in cases)
    total = sum(fen(r["amount"]) for r in mine)
    want = '<tr class="sub"><td colspan="2">%s小计</td><td class="n">%d</td><td class="n">%d</td><td class="n">%d.%02d</td></tr>' % (zh, len(cases), persons, total // 100, total % 100)
    assert want in page, want
arrears = [r for r in rows if r["month"] != r["period"]]
total = sum(fen(r["amount"]) for r in arrears)
assert "<td>补发（往月）</td><td class=\"n\">%d</td>" % len({r["case_id"] for r in arrears}) in page
assert "%d.%02d" % (total // 100, total % 100) in page
PY
ok
# nothing private: no id number or account
cut -d, -f9,11 "$L" | tail -n +2 | tr , '\n' | sort -u >secrets
while IFS= read -r s; do [ -n "$s" ] && no_grep "$s" sheet.html; done <secrets
# without --office: a blank to fill in
expect_exit 0 payroll-bankfile --layout fixed-gbk -o bank.txt --approval sheet2.html "$L"
grep_file '单位：<span class="blank"></span>' sheet2.html
grep_file "<tr><td>bank.txt</td><td class=\"n\">13</td>" sheet2.html
# --approval needs files, one bank file; --office needs --approval
for bad in "-o - --approval s.html" "-o b2.csv --split-by bank --approval s.html" \
	"-o b2.csv --approval -" "-o b2.csv --office X"; do
	# shellcheck disable=SC2086
	expect_exit 2 payroll-bankfile --layout csv $bad "$L"
	absent s.html; absent b2.csv
done
expect_exit 2 payroll-bankfile --layout csv -o b2.csv --approval s.html - <"$L"
absent s.html
# the sheet may not overwrite the ledger or the bank file
cp "$L" ledger.csv
expect_exit 2 payroll-bankfile --layout csv -o b3.csv --approval ledger.csv ledger.csv
grep_file "same-file" err; absent b3.csv; same_file "$L" ledger.csv
expect_exit 2 payroll-bankfile --layout csv -o b3.csv --approval b3.csv ledger.csv
grep_file "same-file" err; absent b3.csv
expect_exit 0 payroll-bankfile --help; grep_file "--approval SHEET" out
done_ok
