# SPDX-License-Identifier: Apache-2.0
# audit: generated ledgers with one instance of every rule planted give
# exactly those findings, a clean pair none; every exemption and boundary
# (centralized institutions, a grant beside an allowance, 30% exactly, 12
# months exactly, members changed) stays quiet; golden files on the demo;
# every error code.
. "$SRC/tests/e2e/lib.sh"
G=$FIXTURES/audit
L=$FIXTURES/every-code/expected/ledger.csv
python3 "$G/make.py" . || fail "make.py"; ok
iconv -f GB18030 -t UTF-8 deceased.csv >/dev/null || fail "list is not GB18030"; ok
! iconv -f UTF-8 -t UTF-8 deceased.csv >/dev/null 2>&1 || fail "list is UTF-8"; ok
A="--previous prev.csv --roster roster.csv --list deceased=deceased.csv"

# a clean pair: no finding, exit 0, the summary says so rule by rule
expect_exit 0 payroll-audit $A clean.csv
printf 'rule,case_id,id_number,name,detail\n' >header
same_file header out
grep_file "audit: 9 cases, 11 lines, 0 findings" err
for r in same-person-twice shared-account account-changed amount-jump payee-age listed \
	review-overdue basis-mismatch; do
	grep -q "^  $r  *0$" err || fail "summary of $r"; ok
done

# one instance of every rule planted: exactly these findings
cat >want <<'CSV'
rule,case_id,id_number,name,detail
same-person-twice,C02,220421197001010021,李秀英,"id number paid in 2 cases of 2026-11: T03 (extreme-poverty 220421101201, 220421197001010021 李秀英)"
same-person-twice,T03,220421197001010021,李秀英,"id number paid in 2 cases of 2026-11: C02 (subsistence 220421101201, 220421197001010021 李秀英)"
shared-account,S01,220421198406060099,郑强,"account ICBC 6217000000000000500 paid in 2 cases of 2026-11: S02 (subsistence 220421101201, 220421198507070106 冯娟)"
shared-account,S02,220421198507070106,冯娟,"account ICBC 6217000000000000500 paid in 2 cases of 2026-11: S01 (subsistence 220421101201, 220421198406060099 郑强)"
account-changed,C06,22042119830505006X,孙丽,"ICBC 6217000000000000006 in 2026-10, ICBC 6217000000000000066 now"
amount-jump,C03,220421198002020031,王芳,"regular amount 500.00 in 2026-10, 700.00 now (+40%), members 1 unchanged"
payee-age,Y01,220421201503040115,陈小明,born 2015-03-04: 11 years old on 2026-11-01 (under 16)
listed,L01,22042119500808012X,褚卫国,"list deceased, line 2; 姓名=褚卫国; 死亡日期=2026-05-03"
review-overdue,R01,22042119600909013X,卫红,"reviewed 2025-09, 14 months before 2026-11 (roster line 4)"
basis-mismatch,B01,220421196101010147,蒋涛,"line 20, allowance 2026-11: basis 720.00*3-600.00=1560.00 gives 1560.00, amount 1600.00"
CSV
expect_exit 1 payroll-audit $A planted.csv
same_file want out
grep_file "audit: 16 cases, 19 lines, 10 findings" err
grep -q "^  same-person-twice  2$" err || fail "summary"; ok
grep -q "^  basis-mismatch     1$" err || fail "summary"; ok
# -o, the same bytes again, through the dispatcher
expect_exit 1 payroll audit $A -o findings.csv planted.csv
same_file want findings.csv
[ ! -s out ] || fail "-o still printed"; ok
# each finding is independent of the other inputs: without them only the
# rules that need none remain
expect_exit 1 payroll-audit planted.csv
[ "$(cut -d, -f1 out | tail -n +2 | sort | uniq -c | tr -s ' ' | tr '\n' ';')" = \
	" 1 basis-mismatch; 1 payee-age; 2 same-person-twice; 2 shared-account;" ] || fail "rules without inputs"; ok
# --jump: 50 hides the 40% jump; 29 adds the 30% one (C04: 500.00 -> 650.00)
expect_exit 1 payroll-audit --previous prev.csv --jump 50 planted.csv
no_grep "amount-jump" out
expect_exit 1 payroll-audit --previous prev.csv --jump 29 planted.csv
grep_file "amount-jump,C04," out; grep_file "amount-jump,C03," out
no_grep "amount-jump,C05," out
# payee-age at its edges: completed years on 2026-11-01, the first day of
# the period (16 that day is not under 16, 100 is not over 100; a birthday
# on 11-02 is not yet reached); centralized cases are skipped, dispersed
# extreme poverty is not. same-person-twice with three cases flags all
# three (a grant to the same person aside); a centralized case sharing a
# dispersed case's account is exempt, which leaves the other alone.
python3 - "$G" >edges.csv <<'PY2' || fail "edges.csv"
import sys
sys.path.insert(0, sys.argv[1])
from make import HEADER, idn, line, case, extreme
p = "2026-11"
rows = [HEADER]
for cid, birth, seq in [("A16", "20101101", 1), ("A15", "20101102", 2), ("A100", "19261101", 3),
                        ("A101", "19251101", 4), ("B100", "19251102", 5)]:
    rows.append(case(p, cid, "甲", idn(birth, seq), "62170000000001%05d" % seq, 720, 1, 0))
rows.append(extreme(p, "E1", "乙", idn("19200101", 6), "6217000000000200006", "dispersed"))
rows.append(extreme(p, "E2", "丙", idn("19200101", 7), "6217000000000200007", "centralized", "福利院"))
three = idn("19700101", 8)
rows.append(case(p, "P1", "丁", three, "6217000000000300001", 720, 1, 0))
rows.append(case(p, "P2", "丁", three, "6217000000000300002", 720, 1, 0))
rows.append(extreme(p, "P3", "丁", three, "6217000000000300003", "dispersed"))
rows.append(line(p, "P4", "temporary", "temporary", p, "丁", three, "6217000000000300001", 1,
                 "500.00", "500.00"))
rows.append(case(p, "Q1", "戊", idn("19700101", 9), "6217000000000400001", 720, 1, 0))
rows.append(extreme(p, "Q2", "己", idn("19300101", 10), "6217000000000400001", "centralized", "福利院"))
sys.stdout.write("".join(rows))
PY2
expect_exit 1 payroll-audit edges.csv
[ "$(cut -d, -f1,2 out | tail -n +2 | tr '\n' ' ')" = \
	"same-person-twice,P1 same-person-twice,P2 same-person-twice,P3 payee-age,A101 payee-age,A15 payee-age,E1 " ] ||
	{ cat out >&2; fail "edges"; }; ok
grep -q '^payee-age,A15,2204212010110200[0-9X]*,甲,born 2010-11-02: 15 years old on 2026-11-01 (under 16)$' out ||
	fail "A15"; ok
grep -q '^payee-age,A101,2204211925110100[0-9X]*,甲,born 1925-11-01: 101 years old on 2026-11-01 (over 100)$' out ||
	fail "A101"; ok
grep_file "id number paid in 3 cases of 2026-11: P2 (subsistence" out
# a period that is not a month is named with its file and line
sed '2s/^2026-11,/2026-13,/' planted.csv >badperiod.csv
expect_exit 2 payroll-audit -o none.csv badperiod.csv
grep_file "badperiod.csv:2: bad-month: period '2026-13' is not a month YYYY-MM" err
absent none.csv

# a ledger of the first version is fine as --previous, not as the audited one
cut1() { awk -F, -v OFS=, '{ s = $1; for (i = 2; i <= NF; i++) if (i != 7 && i != 15 && i != 16) s = s OFS $i; print s }' "$1"; }
cut1 prev.csv >prev-v1.csv
expect_exit 1 payroll-audit --previous prev-v1.csv planted.csv
grep_file "account-changed,C06," out
cut1 planted.csv >planted-v1.csv
expect_exit 2 payroll-audit -o none.csv planted-v1.csv
grep_file "planted-v1.csv:1: missing-column: column 'support_mode' missing" err
absent none.csv

# the demo month against an October made from it: DF-0001's allowance was
# 1000.00, DF-0003 had another account; a roster with review months and a
# list of the deceased
# (its lines of the period only: October has no arrears)
awk -F, -v OFS=, 'NR == 1 { print; next } $5 == $1 { $1 = $5 = "2026-10"; print }' "$L" |
	sed -e '/,DF-0001,subsistence,allowance,/s/,1560\.00,/,1000.00,/' \
	-e 's/6217000000003000001/6217000000003999999/' >demo-prev.csv
expect_exit 1 payroll-audit --previous demo-prev.csv --roster "$G/demo-reviewed.csv" \
	--list deceased="$G/demo-deceased.csv" -o demo.csv "$L"
same_file "$G/expected-demo.csv" demo.csv
same_file "$G/expected-demo.err" err
# --bom: the same findings behind a UTF-8 BOM, for Excel
expect_exit 1 payroll-audit --previous demo-prev.csv --roster "$G/demo-reviewed.csv" \
	--list deceased="$G/demo-deceased.csv" --bom -o demo-bom.csv "$L"
{ printf '\357\273\277'; cat "$G/expected-demo.csv"; } >want-bom
same_file want-bom demo-bom.csv
same_file "$G/expected-demo.err" err
expect_exit 0 payroll-audit "$L"
same_file header out
# the list as an Excel workbook: the same evidence (the list's text lives
# in the memory the findings grow into; this once read freed memory)
python3 "$FIXTURES/xlsx/make-xlsx.py" "$G/demo-deceased.csv" deceased.xlsx || fail "make-xlsx"; ok
expect_exit 1 payroll-audit --list deceased=deceased.xlsx "$L"
grep '^listed,' "$G/expected-demo.csv" >want-listed
tail -n +2 out >got-listed
same_file want-listed got-listed

# the basis arithmetic of every demo line checks; an edited one does not
for e in '2s/=1560\.00$/=1561.00/' '4s/30\.00\*3/30.00*4/' '6s/round(yuan-half-up)=581\.00/round(yuan-half-up)=580.00/' \
	'2s/,720\.00\*3-600\.00=1560\.00$/,720.00*3-600.00=1560.00 extra/' '2s/,720\.00\*3-600\.00=1560\.00$/,/'; do
	sed "$e" "$L" >edited.csv
	cmp -s edited.csv "$L" && fail "sed '$e' changed nothing"
	expect_exit 1 payroll-audit edited.csv
	[ "$(grep -c '^basis-mismatch,' out)" = 1 ] || fail "edit '$e' not caught"; ok
done

# list rows the reader cannot read are not matched, and not dropped
# silently: each is a warning with its code and line, and counted
printf 'id_number,姓名,死亡日期\n22042119500808012X,褚卫国,2026-05-03\n' >badrows.csv
printf '220421199901010990,"某"某,2020-01-01\n220421199901010990,a,b,c\n' >>badrows.csv
printf '220421199901010990,\377\376,2020-01-01\n' >>badrows.csv
expect_exit 1 payroll-audit --list deceased=badrows.csv planted.csv
[ "$(grep -c '^listed,' out)" = 1 ] || fail "listed findings: $(grep -c '^listed,' out), want 1"; ok
grep_file "badrows.csv:3: bad-csv: column 2: stray quote" err
grep_file "badrows.csv:4: bad-row: row has 4 fields" err
grep_file "badrows.csv:5: bad-encoding: column 2: invalid byte sequence" err
grep_file "list rows not read: 3 (above; their id numbers were not checked)" err
expect_exit 1 payroll-audit --list deceased=deceased.csv planted.csv
no_grep "not read" err
# a column name that does not decode would be copied into the findings
printf 'id_number,姓名,死亡\377日期\n22042119500808012X,褚卫国,2026-05-03\n' >badhead.csv
expect_exit 2 payroll-audit --list x=badhead.csv -o none.csv planted.csv
grep_file "badhead.csv:1: bad-encoding: list x: the name of column 3 is not valid text" err
absent none.csv

# errors: nothing written, exit 2
printf 'name,date\n张三,2026-01-01\n' >noid.csv
expect_exit 2 payroll-audit --list x=noid.csv -o none.csv planted.csv
grep_file "noid.csv:1: missing-column: required column 'id_number' (身份证号) is missing from list x" err
absent none.csv
printf 'case_id,reviewed\nC01,2026/01\n' >badrev.csv
expect_exit 2 payroll-audit --roster badrev.csv -o none.csv planted.csv
grep_file "badrev.csv:2: bad-month: column 2 (reviewed): '2026/01' is not a month YYYY-MM" err
absent none.csv
printf 'case_id,start\nC01,2026-01\n' >norev.csv
expect_exit 2 payroll-audit --roster norev.csv planted.csv
grep_file "missing-column" err; grep_file "reviewed" err
sed '2s/,1560\.00,/,15x0.00,/' planted.csv >badmoney.csv
expect_exit 2 payroll-audit -o none.csv badmoney.csv
grep_file "badmoney.csv:2: bad-money" err
absent none.csv
expect_exit 2 payroll-audit - <planted.csv
grep_file "standard input" err
expect_exit 2 payroll-audit --jump 0 planted.csv
grep_file "invalid value '0' for '--jump': expected a whole number from 1 to 1000" err
expect_exit 2 payroll-audit --list deceased planted.csv
grep_file "NAME=FILE" err
expect_exit 2 payroll-audit -o planted.csv planted.csv
grep_file "same-file" err
expect_exit 2 payroll-audit no-such.csv
expect_exit 2 payroll-audit
grep_file "payroll-audit: expected LEDGER...; try 'payroll-audit --help'" err
expect_exit 0 payroll-audit --help
grep_file "usage: payroll-audit" out
done_ok
