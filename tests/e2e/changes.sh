# SPDX-License-Identifier: Apache-2.0
# payroll changes (SPEC 12): golden files for every format on two fixture
# ledgers that exercise every class and reason, the classification and the
# totals checked against an independent python3 reading of the ledgers,
# both ledgers indexed give the same bytes, and every error exits 2 with no
# report left behind.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { [ "${CI:-}" = true ] && fail "python3 missing"; exit 77; }
F=$FIXTURES/changes
G=$F/golden
cp "$F/old.csv" "$F/new.csv" .

# --- golden files, each format, public and not
for fmt in text csv json html; do
	expect_exit 0 payroll-changes --format "$fmt" -o "changes.$fmt" old.csv new.csv
	same_file "$G/changes.$fmt" "changes.$fmt"
	expect_exit 0 payroll changes --public --format "$fmt" old.csv new.csv
	same_file "$G/public.$fmt" out
done
expect_exit 0 payroll-changes old.csv new.csv
same_file "$G/changes.text" out

# --- public: names masked, no id number, bank or account anywhere
for fmt in text csv json html; do
	for secret in 张三丰 欧阳娜娜 220402195101010012 6222020200000000011 6216610000000000055 ICBC; do
		no_grep "$secret" "$G/public.$fmt"
	done
	grep_file '钱*一' "$G/public.$fmt"
	grep_file '欧**娜' "$G/public.$fmt"
done

# --- the html page: Chinese, self-contained
for w in 新增 停发 变更 调标 补发 人数变更 类别变更 账户变更 补贴变更 2026年11月 2026年10月; do
	grep_file "$w" changes.html
done
no_grep 'src=' changes.html
no_grep 'href=' changes.html
if command -v xmllint >/dev/null; then
	xmllint --html --noout changes.html 2>xmlerr || true
	[ ! -s xmlerr ] || { cat xmlerr >&2; fail "html is not well formed"; }
	ok
fi

# --- independently computed classes, reasons and totals
python3 "$F/check.py" old.csv new.csv changes.json >out || fail "check.py: $(cat out)"
ok
python3 - changes.json <<'PY' || fail "every class and reason must be exercised"
import json, sys
r = json.load(open(sys.argv[1]))
assert all(r["totals"][c]["households"] for c in ("new", "stopped", "changed", "unchanged"))
assert all(r["reasons"].values()), r["reasons"]
# a case whose only reason is arrears is changed
assert any(c["reasons"] == ["arrears"] and c["class"] == "changed" for c in r["cases"])
PY
ok
# the csv's case rows add up to its total rows
python3 - changes.csv <<'PY' || fail "csv totals"
import csv, sys
from decimal import Decimal
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
for cls in ("new", "stopped", "changed", "unchanged", "all"):
    cs = [r for r in rows if r["record"] == "case" and cls in (r["class"], "all")]
    t = [r for r in rows if r["record"] == "total" and r["class"] == cls][0]
    assert int(t["households"]) == len(cs)
    for col in ("old_amount", "new_amount"):
        assert Decimal(t[col]) == sum((Decimal(r[col] or 0) for r in cs), Decimal(0)), (cls, col)
    for col in ("old_persons", "new_persons"):
        assert int(t[col]) == sum(int(r[col] or 0) for r in cs), (cls, col)
PY
ok

# random ledgers, several seeds; both sides indexed give the same bytes
for seed in 1 2 3; do
	mkdir -p a$seed b$seed
	python3 "$F/gen.py" $seed 400 a$seed/old.csv a$seed/new.csv
	# the same OLD with longer basis text: now OLD is the larger file
	sed '2,$s/,x$/,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/' a$seed/old.csv >b$seed/old.csv
	cp a$seed/new.csv b$seed/new.csv
	[ "$(stat -c %s a$seed/old.csv)" -lt "$(stat -c %s a$seed/new.csv)" ] || fail "seed $seed: OLD should be smaller"
	[ "$(stat -c %s b$seed/old.csv)" -gt "$(stat -c %s b$seed/new.csv)" ] || fail "seed $seed: OLD should be larger"
	ok
	for fmt in json text csv html; do
		(cd a$seed && payroll-changes --format $fmt -o ../a.$fmt old.csv new.csv) || fail "seed $seed a"
		(cd b$seed && payroll-changes --format $fmt -o ../b.$fmt old.csv new.csv) || fail "seed $seed b"
		same_file a.$fmt b.$fmt
	done
	python3 "$F/check.py" a$seed/old.csv a$seed/new.csv a.json >out || fail "seed $seed: $(cat out)"
	ok
done

# the same ledger twice: nothing new or stopped, changed only where NEW
# has arrears (C06, C09); an empty OLD: all new
expect_exit 0 payroll-changes --format json new.csv new.csv
python3 "$F/check.py" new.csv new.csv out >/dev/null || fail "self"
python3 -c 'import json,sys; r=json.load(open("out")); t=r["totals"]
assert t["new"]["households"]==t["stopped"]["households"]==0 and t["changed"]["households"]==r["reasons"]["arrears"]==2' || fail "self"
ok
head -1 old.csv >empty.csv
expect_exit 0 payroll-changes --format json empty.csv new.csv
python3 "$F/check.py" empty.csv new.csv out >/dev/null || fail "empty OLD"
ok
grep_file '"period": null' out
expect_exit 0 payroll-changes --format json old.csv empty.csv
python3 "$F/check.py" old.csv empty.csv out >/dev/null || fail "empty NEW"
ok

# --- errors: exit 2, a message naming file and line, no report
err_case() { # CODE OLD NEW [options]
	local code=$1 o=$2 n=$3; shift 3
	rm -f report
	expect_exit 2 payroll-changes "$@" -o report "$o" "$n"
	grep_file "$code" err
	absent report
}
hdr=$(head -1 old.csv)
printf '%s\n' "$hdr" '2026-1,C1,subsistence,allowance,2026-1,220402,x,a,1,ICBC,1,a,1,1.00,x' >badper.csv
err_case 'badper.csv:2: bad-period' old.csv badper.csv
printf '%s\n' "$hdr" '2026-11,C1,subsistence,allowance,2026-13,220402,x,a,1,ICBC,1,a,1,1.00,x' >badmon.csv
err_case 'badmon.csv:2: bad-month' old.csv badmon.csv
printf '%s\n' "$hdr" '2026-11,C1,subsistence,allowance,2026-12,220402,x,a,1,ICBC,1,a,1,1.00,x' >latemon.csv
err_case 'latemon.csv:2: bad-month: case C1: month 2026-12 is after the period 2026-11' old.csv latemon.csv
{ cat new.csv; sed -n 2p old.csv; } >mixed.csv
err_case 'mixed.csv:21: mixed-period' old.csv mixed.csv
err_case "period-order: OLD's period 2026-11 is after NEW's 2026-10" new.csv old.csv
sed '3s/,subsistence,/,lowincome,/' new.csv >prog.csv
err_case 'prog.csv:3: bad-program' old.csv prog.csv
# a case seen again after others: in the indexed (smaller) file, in the
# streamed file where the other has it, and where the other lacks it
{ cat new.csv; sed -n 2p new.csv; } >again.csv
err_case 'again.csv:21: case-not-contiguous' old.csv again.csv
sed '$d' old.csv >small.csv
err_case 'again.csv:21: case-not-contiguous' again.csv small.csv
{ cat small.csv; sed -n 2p small.csv; } >again-small.csv
err_case 'again-small.csv:15: case-not-contiguous' again-small.csv new.csv
{ cat new.csv; sed -n 11p new.csv; } >again-new.csv
grep -q '^2026-11,C09,' <(sed -n 11p new.csv) || fail "line 11 of new.csv should be C09"
err_case 'again-new.csv:21: case-not-contiguous' small.csv again-new.csv
sed '3s/,6222020200000000011,/,6222020200000000012,/' new.csv >payee.csv
err_case 'payee.csv:3: payee-mismatch' old.csv payee.csv
sed '3s/,张三丰,3,100.00/,张三丰,4,100.00/' new.csv >members.csv
err_case 'members.csv:3: case-mismatch' old.csv members.csv
sed '3s/,100.00,100.00$/,1.234,100.00/' new.csv >money.csv
err_case 'money.csv:3: bad-money' old.csv money.csv
printf '%s\n' "$hdr" '2026-11,C1,subsistence,allowance,2026-11,220402,x,a,1,ICBC,1,a,1,90000000000000000.00,x' \
	'2026-11,C1,subsistence,supplement,2026-11,220402,x,a,1,ICBC,1,a,1,90000000000000000.00,x' >big.csv
err_case 'big.csv:3: overflow' old.csv big.csv
echo 'period,case_id' >cols.csv
err_case 'missing-column' old.csv cols.csv
err_case 'nosuch.csv' old.csv nosuch.csv
err_case 'usage' - new.csv
expect_exit 2 payroll-changes old.csv
grep_file "payroll-changes: expected OLD NEW; try 'payroll-changes --help'" err
expect_exit 2 payroll-changes --format pdf old.csv new.csv
grep_file "invalid value 'pdf' for '--format': expected text, csv, json or html" err
expect_exit 2 payroll-changes --bogus old.csv new.csv
cp new.csv new-kept.csv
expect_exit 2 payroll-changes -o new.csv old.csv new.csv
grep_file 'same-file' err
cmp -s new.csv new-kept.csv || fail "new.csv was overwritten"
ok
expect_exit 2 payroll-changes -o nodir/report old.csv new.csv
absent nodir
expect_exit 0 payroll-changes --help
grep_file 'payroll-changes [--format text|csv|json|html] [--public] [-o F] [--bom]' out
done_ok
