# SPDX-License-Identifier: Apache-2.0
# SPEC 2 and 15: every tool's --help, in English and in Chinese, fills its
# option descriptions: a description goes on to the next line only when
# its next word (or Chinese character) does not fit in 80 terminal columns
# on the line before. The source strings are cut with "\n" where they were
# once wrapped by hand; those cuts must not become line ends of their own
# (they left lines such as "the" or "files" alone under a wrapped line).
. "$SRC/tests/e2e/lib.sh"
command -v python3 >/dev/null || { [ "${CI:-}" = true ] && fail "python3 missing"; exit 77; }
cat >filled.py <<'PY'
import re, sys
# columns as the tool counts them: a character of 3 UTF-8 bytes (CJK,
# full-width punctuation, curly quotes) takes 2, any other 1
def wide(c):
    return 0x800 <= ord(c) <= 0xffff
def w(s):
    return sum(2 if wide(c) else 1 for c in s)
bad = 0
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
inopt = False
for i, line in enumerate(lines):
    if line in ("options:", "选项："):
        inopt = True
        continue
    if not inopt or not line.startswith(" " * 12) or not line.strip():
        continue
    prev = lines[i - 1]
    if re.match(r"^ {2,6}-", prev) and len(re.split(r" {2,}", prev.strip())) < 2:
        continue  # the option alone on its line, its text below
    text = line.lstrip()
    if wide(text[0]):
        first, gap = text[0], 0
    else:
        first, gap = text.split(" ")[0], 1
    if w(prev) + gap + w(first) <= 80 and not prev.endswith(("(", "（")):
        print("%s: line %d: '%s' would fit on the line before:\n%s\n%s"
              % (sys.argv[2], i + 1, first, prev, line))
        bad = 1
sys.exit(bad)
PY
for t in "$BIN"/payroll-*; do
	[ -x "$t" ] || continue
	n=${t##*/}
	expect_exit 0 "$t" --help
	python3 filled.py out "$n" >&2 || fail "$n --help leaves room at the end of a line"
	ok
	if locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
		LC_ALL=zh_CN.UTF-8 "$t" --help >out-zh 2>err || fail "$n --help (zh_CN)"
		python3 filled.py out-zh "$n (zh_CN)" >&2 ||
			fail "$n --help (zh_CN) leaves room at the end of a line"
		ok
	fi
done
done_ok
