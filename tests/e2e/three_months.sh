# SPDX-License-Identifier: Apache-2.0
# Three months of the demo through `payroll run` (issue 9): 2026-10, 11
# and 12 with a roster that changes between months (a household added in
# November; in December one stopped, an income lowered, an account
# changed), November's failed payments reconciled against the corrected
# roster. Checks: no temporary grant paid twice, every pain.001 MsgId
# distinct, repayments only to corrected accounts, `payroll changes`
# classifying every case as an independent python3 reading expects (and
# the changes named above as such), each month's pain.001 execution date
# in its month, and the disclosure pages' dates (once run has a notice start).
. "$SRC/tests/e2e/lib.sh"
command -v python3 >/dev/null || { [ "${CI:-}" = true ] && fail "python3 missing"; exit 77; }
D=$FIXTURES/every-code
mkdir in
cp "$D/standards.csv" "$D/payer.conf" in/
payroll-keygen --algorithm ed25519 -o key >/dev/null || fail "keygen"

# The rosters of the three months, from the demo's valid households, each
# month with paid_through advanced as the office does after paying.
python3 - "$D/roster.csv" "$D/grants.csv" <<'PY' || fail "making the rosters"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
cols = list(rows[0].keys())
keep = ["DF-0001", "DF-0002", "DF-0003", "DF-0004", "DF-0005", "DF-0006",
        "TK-0001", "TK-0002", "TK-0003", "TK-0004"]
base = [r for r in rows if r["case_id"] in keep]
assert len(base) == len(keep)

def idn(body):  # GB 11643 check digit
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * k for c, k in zip(body, w)) % 11]

def luhn(body):
    s = sum((int(c) * 2 - 9 if int(c) * 2 > 9 else int(c) * 2) if i % 2 == 0 else int(c)
            for i, c in enumerate(reversed(body)))
    return body + str((10 - s % 10) % 10)

def write(name, rs, paid_through):
    with open(name, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, cols, lineterminator="\n")
        w.writeheader()
        for r in rs:
            r = dict(r)
            if paid_through:
                r["paid_through"] = paid_through
            w.writerow(r)

write("in/roster-10.csv", base, None)       # DF-0005 owed arrears since 2026-06
added = dict(base[0], case_id="DF-0008", name="郑义", id_number=idn("22042119700101012"),
             members="1", income="0", categories="", account=luhn("621700000008800000"),
             start="2026-11", locality="东丰镇东升社区")
nov = base + [added]
write("in/roster-11.csv", nov, "2026-10")
dec = [dict(r) for r in nov]
for r in dec:
    if r["case_id"] == "DF-0003":
        r["status"] = "stopped"
    if r["case_id"] == "DF-0001":
        r["income"] = "300.00"
    if r["case_id"] == "DF-0002":
        r["account"] = luhn("621700000002999999")
write("in/roster-12.csv", dec, "2026-11")
open("new-account", "w").write(luhn("621700000002999999") + "\n")
# grants: the demo's two for November, and one for December
g = open(sys.argv[2], encoding="utf-8").read().splitlines()
ok = [l for l in g if l.startswith(("grant_id", "LS-2026-031", "LS-2026-032"))]
ok.append("LS-2026-041,2026-12,杨过,%s,220421101201,横道河镇新兴村,rural,2,ICBC,%s,800.00,火灾"
          % (idn("22042119800101013"), luhn("621700150400000000")))
open("in/grants.csv", "w", encoding="utf-8").write("\n".join(ok) + "\n")
PY
ok
NEWACCT=$(cat new-account)

month() {	# month YYYY-MM ROSTER: the run of that month
	{
		printf 'roster = in/%s\nstandards = in/standards.csv\ngrants = in/grants.csv\n' "$2"
		printf 'layout = csv\nlayout = pain001\npayer = in/payer.conf\n'
		printf 'key = key.key\noutput = root\noffice = 东丰县民政局\nphone = 0437-6212345\n'
		# the notice start, where the run config has it (issue 9)
		if grep -q notice_start "$SRC/man/payroll-run.5" 2>/dev/null; then
			printf 'notice_start = 1\n'
		fi
	} >"$1.conf"
	payroll-run --config "$PWD/$1.conf" --period "$1" >out 2>err ||
		{ cat err >&2; fail "run $1 exited $?"; }
	ok
}
month 2026-10 roster-10.csv
month 2026-11 roster-11.csv

# November's bank answer: DF-0002's card was closed, DF-0004's frozen
awk -F, -v OFS=, 'NR == 1 { print "seq,account,account_name,amount,status,reason"; next }
	$6 ~ /DF-0002$/ { print $1, $3, $4, $5, "failed", "account closed 销户"; next }
	$6 ~ /DF-0004$/ { print $1, $3, $4, $5, "failed", "冻结"; next }
	{ print $1, $3, $4, $5, "paid", "" }' root/2026-11/bank.csv >result-11.csv
grep -q ',failed,account closed' result-11.csv || fail "no DF-0002 in November's bank file"; ok
# reconciled against the roster as corrected for December
expect_exit 1 payroll-reconcile --ledger root/2026-11/ledger.csv --result result-11.csv \
	--roster in/roster-12.csv --grants in/grants.csv -o repay-11.csv --report report-11.csv
grep_file "failed 2," out
grep_file "failed, repaid to a corrected account 1," out
grep_file "account not corrected (held back) 0," out
old2=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$2 == "DF-0002" { print $c["account"]; exit }' root/2026-11/ledger.csv)
[ -n "$old2" ] && [ "$old2" != "$NEWACCT" ] || fail "DF-0002's old account"; ok
# the repayment goes to the corrected account, never to the closed one
expect_exit 0 payroll-bankfile --layout csv -o repay.csv repay-11.csv
grep_file ",$NEWACCT," repay.csv
no_grep ",$old2," repay.csv
# the frozen account was not the account's fault: paid again to it
grep_file ",6217000000004000000," repay.csv

month 2026-12 roster-12.csv
# November reconciled again in December: December's own lines pay
# December, so they alone would repay November's failures; with the
# repay ledger that was paid, nothing is paid twice
expect_exit 1 payroll-reconcile --ledger root/2026-11/ledger.csv --result result-11.csv \
	--roster in/roster-12.csv --grants in/grants.csv -o again-a.csv --paid-ledger root/2026-12/ledger.csv
grep_file "failed but paid since 0," out
expect_exit 1 payroll-reconcile --ledger root/2026-11/ledger.csv --result result-11.csv \
	--roster in/roster-12.csv --grants in/grants.csv -o again-b.csv \
	--paid-ledger root/2026-12/ledger.csv --paid-ledger repay-11.csv
[ "$(wc -l <again-b.csv)" = 1 ] || fail "November's failures would be repaid twice"; ok

# no temporary grant paid twice, and each in its own month
for m in 2026-10 2026-11 2026-12; do
	awk -F, -v m=$m '$3 == "temporary" && $4 == "temporary" { print $2 }' root/$m/ledger.csv | sort -u | sed "s/^/$m /"
done >grants-paid
[ "$(cut -d' ' -f2 grants-paid | sort | uniq -d)" = "" ] || fail "a grant paid twice: $(cat grants-paid)"; ok
printf '2026-11 LS-2026-031\n2026-11 LS-2026-032\n2026-12 LS-2026-041\n' >want
same_file want grants-paid

# every pain.001 message id distinct (the three months and any split file)
cat root/*/bank-pain001*.xml | grep -o '<MsgId>[^<]*</MsgId>' >msgids
[ "$(wc -l <msgids)" -ge 3 ] || fail "fewer than three MsgIds"; ok
[ "$(sort msgids | uniq -d)" = "" ] || fail "a pain.001 MsgId reused: $(sort msgids | uniq -d)"; ok
cat root/*/bank-pain001*.xml | grep -o '<PmtInfId>[^<]*</PmtInfId>' | sort | uniq -d >dup
[ ! -s dup ] || fail "a PmtInfId reused: $(cat dup)"; ok
# and each month's execution date lies in its own month
for m in 2026-10 2026-11 2026-12; do
	tr -d ' \t\r\n' <root/$m/bank-pain001.xml | grep -Eq "<ReqdExctnDt>(<Dt>)?$m-" ||
		fail "$m: execution date not in the month"
	ok
done

# changes, month over month: every case as an independent reading expects
for pair in "2026-10 2026-11" "2026-11 2026-12"; do
	set -- $pair
	expect_exit 0 payroll-changes --format json -o changes-$2.json root/$1/ledger.csv root/$2/ledger.csv
	python3 "$FIXTURES/changes/check.py" root/$1/ledger.csv root/$2/ledger.csv changes-$2.json >out ||
		fail "changes $1 -> $2: $(cat out)"
	ok
done
python3 - changes-2026-11.json changes-2026-12.json <<'PY' || fail "the roster's changes are not what changes says"
import json, sys
nov = {(c["case_id"], c["class"]): c["reasons"] for c in json.load(open(sys.argv[1]))["cases"]}
dec = {(c["case_id"], c["class"]): c["reasons"] for c in json.load(open(sys.argv[2]))["cases"]}
# November: the household added, the grants new, DF-0005's arrears paid in October only
assert ("DF-0008", "new") in nov, nov
assert ("LS-2026-031", "new") in nov and ("LS-2026-032", "new") in nov
# (the demo's price subsidy covers November only: every case in both
# months has the subsidy reason then, and only DF-0005 had arrears)
assert "arrears" not in nov[("DF-0005", "changed")], nov
assert all("amount" not in r for (k, c), r in nov.items() if c == "changed"), nov
# December: DF-0003 stopped, DF-0001's income lowered, DF-0002's account changed
assert ("DF-0003", "stopped") in dec, dec
assert "amount" in dec[("DF-0001", "changed")], dec
assert "account" in dec[("DF-0002", "changed")] and "amount" not in dec[("DF-0002", "changed")], dec
assert all("account" not in r for (k, c), r in dec.items() if k != "DF-0002"), dec
assert ("LS-2026-031", "stopped") in dec and ("LS-2026-041", "new") in dec
assert ("DF-0008", "new") not in dec and ("DF-0008", "stopped") not in dec
PY
ok

# every disclosure page carries its notice dates (from ... to ...)
for m in 2026-10 2026-11 2026-12; do
	present root/$m/disclosure.html
	if grep -q notice_start "$SRC/man/payroll-run.5" 2>/dev/null; then
		grep -q "公示期：${m%-*}年.*至.*" root/$m/disclosure.html ||
			fail "$m: the disclosure page has no notice dates"
		ok
	fi
done
# and every month verifies with the journal
expect_exit 0 payroll-verify --pubkey key.pub --journal root
done_ok
