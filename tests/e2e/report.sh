# SPDX-License-Identifier: Apache-2.0
# report: the demo month and a second month made from it, against golden
# files and against an independent computation in python3 of every row;
# totals equal the ledgers' sums to the fen; the page is self-contained and
# the same bytes every time; old ledgers and bad values are refused.
. "$SRC/tests/e2e/lib.sh"
G=$FIXTURES/report
L=$FIXTURES/every-code/expected/ledger.csv
# a second period: the demo month as October, without DF-0001 and with
# TK-0004's basic living 100.00 lower
sed -e 's/2026-11/2026-10/g' -e '/,DF-0001,/d' \
	-e '/,TK-0004,extreme-poverty,basic-living,/s/,1170\.00,/,1070.00,/' "$L" >oct.csv
grep -q ',1070.00,' oct.csv || fail "oct.csv not made"; ok

expect_exit 0 payroll-report "$L"
same_file "$G/expected.csv" out
[ ! -s err ] || fail "report wrote to stderr"; ok
expect_exit 0 payroll-report -o two.csv --html two.html oct.csv "$L"
[ ! -s out ] || fail "-o still printed"; ok
same_file "$G/expected-two.csv" two.csv
same_file "$G/expected-two.html" two.html
# same inputs, same bytes; input order does not matter; stdin
expect_exit 0 payroll-report -o again.csv --html again.html "$L" oct.csv
same_file two.csv again.csv; same_file two.html again.html
expect_exit 0 payroll report - <"$L"
same_file "$G/expected.csv" out

# every row against an independent computation from the ledgers
python3 - oct.csv "$L" <<'PY' >indep.csv || fail "python3 computation"
import csv, sys
REG = {"allowance", "supplement", "basic-living", "care"}
PROG = ["subsistence", "extreme-poverty", "temporary",
        "extreme-poverty:dispersed", "extreme-poverty:centralized",
        "extreme-poverty:self-care", "extreme-poverty:partial", "extreme-poverty:full", "*"]
LEVEL = ["total", "all", "county", "township", "support-mode", "care-level"]
AREA = ["urban", "rural", "*"]
fen = lambda s: int(s.replace(".", ""))
g, seen = {}, set()
for path in sys.argv[1:]:
    for r in csv.DictReader(open(path, encoding="utf-8")):
        p, reg = r["period"], r["region"]
        keys = [(p, "total", "*", "*", "*"), (p, "all", "*", r["program"], r["area"]),
                (p, "county", reg[:6], r["program"], r["area"])]
        if len(reg) == 12:
            keys.append((p, "township", reg[:9], r["program"], r["area"]))
        if r["program"] == "extreme-poverty":
            keys.append((p, "support-mode", "*", "extreme-poverty:" + r["support_mode"], r["area"]))
            keys.append((p, "care-level", "*", "extreme-poverty:" + r["care_level"], r["area"]))
        hh = (p, r["program"], r["case_id"])
        new = hh not in seen
        seen.add(hh)
        regular = r["month"] == p and r["item"] in REG
        for k in keys:
            v = g.setdefault(k, [0, 0, 0, 0])
            if new:
                v[0] += 1
                v[1] += int(r["members"])
            v[2 if regular else 3] += fen(r["amount"])
m = lambda f: "%d.%02d" % divmod(f, 100)
print("period,level,region,program,area,households,persons,regular_amount,other_amount,total,per_person")
for k in sorted(g, key=lambda k: (k[0], LEVEL.index(k[1]), k[2], PROG.index(k[3]), AREA.index(k[4]))):
    h, n, a, o = g[k]
    print(",".join(list(k) + [str(h), str(n), m(a), m(o), m(a + o), m((2 * a + n) // (2 * n))]))
PY
same_file indep.csv two.csv
# the total rows equal the ledgers' sums (awk over the amount column)
for f in oct.csv "$L"; do
	p=$(sed -n 2p "$f" | cut -d, -f1)
	want=$(awk -F, 'NR > 1 { split($17, a, "."); s += a[1] * 100 + a[2] } END { printf "%d.%02d", s / 100, s % 100 }' "$f")
	grep -q "^$p,total,\*,\*,\*,[0-9]*,[0-9]*,[0-9.]*,[0-9.]*,$want," two.csv || fail "total of $f is not $want"; ok
done
grep_file "2026-11,total,*,*,*,13,24,10240.00,7924.00,18164.00,426.67" two.csv

# per_person rounds half up to the fen: 3.01 for 2 persons is 1.505, so
# 1.51 (1.50 when cut or rounded half to even); 1.00 for 3 is 0.33
{ head -1 "$L"
  echo '2026-11,H1,subsistence,allowance,2026-11,220421101201,urban,新兴村,甲,220421196503040015,ICBC,6217000000001000003,甲,2,,,3.01,3.01'
  echo '2026-11,H2,temporary,temporary,2026-11,220421101201,urban,新兴村,乙,220421197001010021,ICBC,6217000000001000011,乙,3,,,1.00,1.00'
  echo '2026-11,H3,subsistence,allowance,2026-11,220422101201,rural,新兴村,丙,220421197001010030,ICBC,6217000000001000020,丙,3,,,1.00,1.00'
} >half.csv
expect_exit 0 payroll-report half.csv
grep_file "2026-11,all,*,subsistence,urban,1,2,3.01,0.00,3.01,1.51" out
grep_file "2026-11,township,220421101,subsistence,urban,1,2,3.01,0.00,3.01,1.51" out
grep_file "2026-11,all,*,subsistence,rural,1,3,1.00,0.00,1.00,0.33" out
# temporary grants are not the period's regular amount: per_person 0
grep_file "2026-11,all,*,temporary,urban,1,3,0.00,1.00,1.00,0.00" out
grep_file "2026-11,total,*,*,*,3,8,4.01,1.00,5.01,0.50" out

# the page: Chinese, A4, charts drawn inline, nothing fetched from outside
grep_file '<html lang="zh-CN">' two.html
grep_file 'size: A4' two.html
grep_file '社会救助统计月报（2026年10月至2026年11月）' two.html
[ "$(grep -c '<svg' two.html)" = 3 ] || fail "two bar charts and one trend"; ok
[ "$(grep -c '<polyline' two.html)" = 3 ] || fail "a trend line per program"; ok
no_grep 'src=' two.html; no_grep 'href' two.html; no_grep 'url(' two.html; no_grep '@import' two.html
[ "$(grep -o 'http[^"]*' two.html | sort -u)" = "http://www.w3.org/2000/svg" ] || fail "a link outside"; ok
python3 - two.html <<'PY' || fail "page is not well-formed"
import sys, html.parser
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []
    def handle_starttag(self, t, a):
        if t not in ("meta", "rect", "line", "polyline", "br"): self.stack.append(t)
    def handle_startendtag(self, t, a): pass
    def handle_endtag(self, t):
        assert self.stack and self.stack.pop() == t, t
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); assert not p.stack, p.stack
PY
ok
# one period: no trend
expect_exit 0 payroll-report -o one.csv --html one.html "$L"
no_grep '<polyline' one.html
grep_file '社会救助统计月报（2026年11月）' one.html

# a ledger of the first version: the missing columns named, nothing written
awk -F, -v OFS=, '{ s = $1; for (i = 2; i <= NF; i++) if (i != 7 && i != 15 && i != 16) s = s OFS $i; print s }' "$L" >v1.csv
expect_exit 2 payroll-report -o v1-out.csv --html v1.html "$L" v1.csv
grep_file "v1.csv:1: missing-column: columns 'area', 'support_mode', 'care_level' missing" err
absent v1-out.csv; absent v1.html
# values the report cannot place
bad() {	# CODE SED-EXPRESSION
	sed "$2" "$L" >bad.csv
	expect_exit 2 payroll-report -o bad-out.csv bad.csv
	grep -q "bad.csv:[0-9]*: $1: " err || { cat err >&2; fail "no $1"; }; ok
	absent bad-out.csv
}
bad bad-area '3s/,urban,/,city,/'
bad bad-program '3s/,subsistence,/,low-income,/'
bad bad-region '3s/,220421,/,2204,/'
bad bad-month '3s/^2026-11,/2026-13,/'
bad bad-support-mode '/TK-0002/s/,centralized,/,,/'
bad bad-care-level '/TK-0002/s/,full,/,bedridden,/'
bad bad-money '2s/,1560\.00,/,1560.0x,/'
# usage
expect_exit 2 payroll-report
grep_file "payroll-report: expected LEDGER...; try 'payroll-report --help'" err
expect_exit 2 payroll-report - -
grep_file "standard input" err
expect_exit 2 payroll-report -o "$L" "$L"
grep_file "same-file" err
expect_exit 0 payroll-report --help
grep_file "usage: payroll-report" out
done_ok
