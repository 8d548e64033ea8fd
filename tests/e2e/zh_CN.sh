# SPDX-License-Identifier: Apache-2.0
# zh_CN: messages in Simplified Chinese under zh_CN.UTF-8 (SPEC 15), golden
# files in fixtures/golden-zh byte for byte: a usage error, --help, a
# fatal error as FILE:LINE: CODE: message, calc's diagnostics and summary,
# the message column of the rejects file; codes, option names and every
# output file stay the same bytes as under C (the month's whole run is
# compared); English under C, POSIX, a locale the system lacks, and with
# LANGUAGE under C. Needs the zh_CN.UTF-8 locale (exit 77 without it,
# unless CI=true: .ci/run generates it).
# After an intended change of a message, rewrite the goldens with
#   PAYROLL_UPDATE_GOLDEN=1 ctest --test-dir build -R e2e/zh_CN
# and read the diff (git diff fixtures/golden-zh).
. "$SRC/tests/e2e/lib.sh"
G=$FIXTURES/golden-zh
D=$FIXTURES/every-code

if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
	[ "${CI:-}" = true ] && fail "no zh_CN.UTF-8 locale (.ci/run generates it with locale-gen)"
	echo "skip: no zh_CN.UTF-8 locale"
	exit 77
fi
present "$BIN/locale/zh_CN/LC_MESSAGES/payroll.mo"

# golden NAME FILE: FILE equals fixtures/golden-zh/NAME
golden() {
	if [ "${PAYROLL_UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$2" "$G/$1"
	fi
	same_file "$G/$1" "$2"
}
zh() { LC_ALL=zh_CN.UTF-8 "$@"; }
en() { LC_ALL=C.UTF-8 "$@"; }
cp "$D/roster.csv" "$D/standards.csv" "$D/grants.csv" "$FIXTURES/bad/standards-overlap.csv" .

# a usage error: the message and the hint, option names as typed
expect_exit 2 zh payroll-calc --standards standards.csv --period 2026-13 roster.csv
golden usage.err err
grep_file '“--period”的值“2026-13”无效' err
grep_file '请试试“payroll-calc --help”' err
expect_exit 2 zh payroll-calc --bogus
golden unknown.err err

# --help of a tool, and of the dispatcher
expect_exit 0 zh payroll-calc --help
golden help.out out
grep_file '要发放的月份' out
expect_exit 0 zh payroll --help
golden payroll-help.out out
# every tool's Chinese --help fits 80 terminal columns (a CJK character
# takes 2), wrapped between characters where the text has no spaces
for t in "$BIN"/payroll-*; do
	[ -x "$t" ] || continue
	expect_exit 0 zh "$t" --help
	python3 -c 'import sys, unicodedata
w = lambda l: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
sys.exit(max(w(l) for l in open(sys.argv[1], encoding="utf-8").read().splitlines()) > 80)' out ||
		fail "${t##*/} --help in Chinese: a line over 80 columns"
done
ok

# a fatal error: FILE:LINE: CODE: in ASCII, the message in Chinese; no output
rm -f o.csv
expect_exit 2 zh payroll-calc --standards standards-overlap.csv --period 2026-11 -o o.csv roster.csv
golden fatal.err err
grep_file 'standards-overlap.csv:4: overlap: ' err
absent o.csv

# calc: the diagnostics and summary on stderr in Chinese, the rejects'
# message column too; ledger and JSON summary the same bytes as in C
calc() { payroll-calc --standards standards.csv --period 2026-11 --grants grants.csv "$@" roster.csv; }
expect_exit 1 zh calc -o ledger.csv --rejects rejects.csv --summary summary.json
golden calc.err err
golden rejects.csv rejects.csv
grep_file '剔除 not-due' err
grep_file '发放月份 2026-11：读取 41 行' err
same_file "$D/expected/ledger.csv" ledger.csv
same_file "$D/expected/summary.json" summary.json
# the rejects: same rows and codes as the English golden, other words
cut -d, -f1-4 "$D/expected/rejects.csv" >codes.en
cut -d, -f1-4 rejects.csv >codes.zh
same_file codes.en codes.zh
head -1 rejects.csv >header
echo 'source,line,case_id,code,message' >header.want
same_file header.want header
! cmp -s "$D/expected/rejects.csv" rejects.csv || fail "the rejects file is not translated"; ok
grep_file ',not-due,状态为停发' rejects.csv
grep_file ',bad-id-checksum,第 7 列（id_number）：' rejects.csv

# English stays the default: C, POSIX, a locale the system does not have,
# LANGUAGE under C, LANG=zh_CN under LC_ALL=C
expect_exit 1 en calc -o l2.csv --rejects en-rejects.csv
cp err en.err
same_file "$D/expected/rejects.csv" en-rejects.csv
for env in "LC_ALL=C" "LC_ALL=POSIX" "LC_ALL=xx_YY.UTF-8" "LC_ALL=C LANGUAGE=zh_CN" \
	"LC_ALL=C LANG=zh_CN.UTF-8" "LC_ALL=C.UTF-8 LC_MESSAGES=zh_CN.UTF-8"; do
	rm -f r2.csv
	expect_exit 1 env $env payroll-calc --standards standards.csv --period 2026-11 \
		--grants grants.csv -o l2.csv --rejects r2.csv roster.csv
	same_file en.err err
	same_file "$D/expected/rejects.csv" r2.csv
done
expect_exit 2 env LC_ALL=xx_YY.UTF-8 payroll-calc --standards standards.csv --period 2026-13 roster.csv
grep_file "try 'payroll-calc --help'" err

# LANG or LC_MESSAGES alone choose the language; the C library's own
# texts (strerror) come in UTF-8, not as "???", even under LC_CTYPE=C
expect_exit 2 env -u LC_ALL LANG=zh_CN.UTF-8 payroll-calc --standards standards.csv --period 2026-11 -o o.csv nonexistent.csv
grep_file 'nonexistent.csv: io: 无法打开: ' err
expect_exit 2 env -u LC_ALL LANG=C LC_CTYPE=C LC_MESSAGES=zh_CN.UTF-8 payroll-calc --standards standards.csv \
	--period 2026-11 -o o.csv nonexistent.csv
grep_file 'nonexistent.csv: io: 无法打开: ' err
no_grep '?' err
# the catalogue is found through PAYROLL_LOCALEDIR: without it (and none
# installed in the compiled-in LOCALEDIR) the tools speak English
expect_exit 2 env PAYROLL_LOCALEDIR="$T/nowhere" LC_ALL=zh_CN.UTF-8 payroll-calc --period 2026-13 roster.csv
grep_file "try 'payroll-calc --help'" err

# the dispatcher speaks Chinese too
expect_exit 2 zh payroll nosuchverb
grep_file 'payroll: 未知的子命令“nosuchverb”' err

# the month's whole run (calc, bank files, disclosure, approval, signing,
# journal) under zh_CN.UTF-8 and C: the same bytes but for the rejects'
# messages (and so their signature, SHA256SUMS and its signature)
for l in C.UTF-8 zh_CN.UTF-8; do
	mkdir -p "$l/fixtures" "$l/build/demo-key"
	cp -r "$FIXTURES/demo" "$FIXTURES/layouts" "$l/fixtures/"
done
en payroll-keygen --algorithm ed25519 -o C.UTF-8/build/demo-key/payroll >/dev/null 2>&1 || fail "keygen"; ok
cp C.UTF-8/build/demo-key/* zh_CN.UTF-8/build/demo-key/
for l in C.UTF-8 zh_CN.UTF-8; do
	expect_exit 1 env LC_ALL=$l payroll run --config $l/fixtures/demo/payroll.conf --period 2026-11
	cp err run-$l.err
done
grep_file 'payroll-run: calc: 读取 97 行' run-zh_CN.UTF-8.err
grep_file 'payroll-run: calc: 97 rows read' run-C.UTF-8.err
(cd C.UTF-8/build/demo-out/2026-11 && ls) >files.en
(cd zh_CN.UTF-8/build/demo-out/2026-11 && ls) >files.zh
same_file files.en files.zh
[ "$(wc -l <files.en)" -ge 12 ] || fail "the run wrote only $(wc -l <files.en) files"; ok
while read -r f; do
	case $f in rejects.csv | rejects.csv.sig | SHA256SUMS | SHA256SUMS.sig) continue ;; esac
	same_file "C.UTF-8/build/demo-out/2026-11/$f" "zh_CN.UTF-8/build/demo-out/2026-11/$f"
done <files.en
cut -d, -f1-4 C.UTF-8/build/demo-out/2026-11/rejects.csv >a
cut -d, -f1-4 zh_CN.UTF-8/build/demo-out/2026-11/rejects.csv >b
same_file a b
# the other tools' files on that month: report, audit, diff, inspect
M=C.UTF-8/build/demo-out/2026-11
for l in C.UTF-8 zh_CN.UTF-8; do
	mkdir -p out-$l
	env LC_ALL=$l payroll-report -o out-$l/report.csv --html out-$l/report.html "$M/ledger.csv" >/dev/null 2>&1
	env LC_ALL=$l payroll-audit -o out-$l/audit.csv --previous "$D/expected/ledger.csv" "$M/ledger.csv" >/dev/null 2>&1
	env LC_ALL=$l payroll-inspect --format csv "$M/bank-pain001.xml" >out-$l/inspect.csv 2>/dev/null
	env LC_ALL=$l payroll-diff --format csv "$D/expected/ledger.csv" "$M/ledger.csv" >out-$l/diff.csv 2>/dev/null
	env LC_ALL=$l payroll-diff --format json "$D/expected/ledger.csv" "$M/ledger.csv" >out-$l/diff.json 2>/dev/null
done
for f in report.csv report.html audit.csv diff.csv diff.json inspect.csv; do
	present "out-C.UTF-8/$f"
	same_file "out-C.UTF-8/$f" "out-zh_CN.UTF-8/$f"
done
done_ok
