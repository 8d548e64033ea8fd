# SPDX-License-Identifier: Apache-2.0
# Encoding detection weighs the whole sample (issue 10 item 1): one bad
# byte or a file cut in the middle of a character does not turn a UTF-8
# roster into GB18030; only the damaged rows are rejected (bad-encoding);
# a GBK roster is still detected; a file that is neither fails whole; the
# summary names the encoding used.
. "$SRC/tests/e2e/lib.sh"
D=$FIXTURES/every-code
calc() { payroll-calc --standards "$D/standards.csv" --period 2026-11 "$@"; }
codes() { cut -d, -f4 "$1" | tail -n +2 | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' '; }

# 3,000 rows, name moved to the last column so that a character cut at the
# end of the file falls in a value that is checked
python3 "$SRC/bench/gen_roster.py" 3000 gen.csv
python3 - gen.csv <<'EOF'
import csv, io, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
k = rows[0].index("name")
rows = [r[:k] + r[k + 1:] + [r[k]] for r in rows]
def dump(rs):
    b = io.StringIO(); csv.writer(b, lineterminator="\n").writerows(rs)
    return b.getvalue().encode("utf-8")
clean = dump(rows)
open("clean.csv", "wb").write(clean)
# row 100 (line 101): one 0xff inside the name
lines = clean.split(b"\n")
lines[100] = lines[100][:-3] + b"\xff" + lines[100][-3:]
damaged = b"\n".join(lines)
# and the file cut in the middle of the last name's last character
assert damaged.endswith(b"\n")
damaged = damaged[:-2]
open("damaged.csv", "wb").write(damaged)
# the same, small enough that the cut is inside the 64 KiB sample
small = b"\n".join(lines[:201]) + b"\n"
open("small.csv", "wb").write(small[:-2])
assert len(small) < 65536 and len(damaged) > 65536
EOF
LAST=$(wc -l <clean.csv)

expect_exit 0 calc -o clean-l.csv --rejects clean-r.csv --summary clean.json clean.csv
[ "$(codes clean-r.csv)" = "not-due=60 " ] || fail "clean roster: $(codes clean-r.csv)"; ok
grep_file '"encoding": "utf-8"' clean.json
grep_file 'roster clean.csv read as utf-8 (detected)' err

expect_exit 1 calc -o l.csv --rejects r.csv --summary s.json damaged.csv
[ "$(codes r.csv)" = "bad-encoding=2 not-due=60 " ] || fail "damaged roster: $(codes r.csv)"; ok
grep_file "damaged.csv,101,TK00000099,bad-encoding," r.csv
grep_file "damaged.csv,$LAST,TK00002999,bad-encoding," r.csv
grep_file '"encoding": "utf-8"' s.json
grep_file 'roster damaged.csv read as utf-8 (detected)' err
# every other row paid exactly as from the clean file
grep -v -e ',TK00000099,' -e ',TK00002999,' clean-l.csv >want.csv
same_file want.csv l.csv
# --encoding utf-8 gives the same, and says it was given
expect_exit 1 calc --encoding utf-8 -o l2.csv --rejects r2.csv damaged.csv
same_file l.csv l2.csv; same_file r.csv r2.csv
grep_file 'roster damaged.csv read as utf-8' err
no_grep '(detected)' err

# cut inside the sample: still UTF-8, the damaged and the cut row rejected
expect_exit 1 calc -o l.csv --rejects r.csv small.csv
[ "$(codes r.csv)" = "bad-encoding=2 not-due=4 " ] || fail "small roster: $(codes r.csv)"; ok
grep_file "small.csv,101,TK00000099,bad-encoding," r.csv
grep_file "small.csv,201,TK00000199,bad-encoding," r.csv

# a GBK roster is still detected, and so is the demo's GB18030 one
iconv -f UTF-8 -t GBK clean.csv >gbk.csv
expect_exit 0 calc -o gbk-l.csv --rejects gbk-r.csv --summary gbk.json gbk.csv
same_file clean-l.csv gbk-l.csv
grep_file '"encoding": "gb18030"' gbk.json
grep_file 'roster gbk.csv read as gb18030 (detected)' err
# with one damaged byte too (0x80 is no GBK lead byte): only that row
python3 - <<'EOF'
b = open("gbk.csv", "rb").read().split(b"\n")
b[100] = b[100][:-4] + b"\x80" + b[100][-4:]
open("gbk-bad.csv", "wb").write(b"\n".join(b))
EOF
expect_exit 1 calc -o l.csv --rejects r.csv gbk-bad.csv
[ "$(codes r.csv)" = "bad-encoding=1 not-due=60 " ] || fail "damaged gbk roster: $(codes r.csv)"; ok
grep_file "gbk-bad.csv,101,TK00000099,bad-encoding," r.csv
expect_exit 1 calc -o l.csv --summary gb.json "$D/roster.gb18030.csv"
grep_file '"encoding": "gb18030"' gb.json

# an ASCII roster with one stray byte stays UTF-8
python3 - <<'EOF'
import csv
rows = list(csv.reader(open("clean.csv", encoding="utf-8", newline="")))[:301]
k = rows[0].index("name")
for i, r in enumerate(rows[1:], 1):
    r[k] = "Name%d" % i
    r[rows[0].index("locality")] = "Village"
rows[50][k] = "Na\udcffme"
with open("ascii.csv", "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows(rows)
EOF
expect_exit 1 calc -o l.csv --rejects r.csv --summary a.json ascii.csv
[ "$(codes r.csv)" = "bad-encoding=1 not-due=6 " ] || fail "ascii roster: $(codes r.csv)"; ok
grep_file '"encoding": "utf-8"' a.json

# neither: a Latin-1 export (accents before commas are invalid in both)
# fails the whole file, nothing written
python3 - <<'EOF'
import csv
rows = list(csv.reader(open("ascii.csv", encoding="utf-8", errors="surrogateescape", newline="")))
h = rows[0]
for r in rows[1:]:
    r[h.index("name")] = "Andr\u00e9"
    r[h.index("locality")] = "Caf\u00e9"
with open("garbage.csv", "w", encoding="latin-1", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows(rows)
EOF
expect_exit 2 calc -o g-l.csv --rejects g-r.csv --summary g-s.json garbage.csv
grep_file "garbage.csv: bad-encoding: neither UTF-8 nor GB18030" err
absent g-l.csv; absent g-r.csv; absent g-s.json
# named, it is read as told: rows rejected one by one, not the file
expect_exit 1 calc --encoding gb18030 -o g-l.csv --rejects g-r.csv garbage.csv
done_ok
