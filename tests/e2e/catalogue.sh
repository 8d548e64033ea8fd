# SPDX-License-Identifier: Apache-2.0
# catalogue: the message catalogue is complete and current (SPEC 15).
# po/payroll.pot is regenerated from the sources (po/xgettext.py) and must
# equal the committed one; every message in it has a Chinese translation
# in po/zh_CN.po, none fuzzy, none left over; msgfmt --check passes; the
# translations use the terms of po/GLOSSARY.md; the build's catalogue is
# the one po/zh_CN.po compiles to. A new message that nobody translated
# fails here instead of staying English under zh_CN. To fix:
#   cmake --build build --target payroll-pot
# then translate the empty msgstr "" of po/zh_CN.po (see po/GLOSSARY.md).
. "$SRC/tests/e2e/lib.sh"
P=$SRC/po

for tool in python3 xgettext msgmerge msgcmp msgattrib msgfmt msgunfmt; do
	command -v "$tool" >/dev/null && continue
	[ "${CI:-}" = true ] && fail "$tool is missing (Debian packages python3, gettext)"
	echo "skip: $tool is missing"
	exit 77
done
HOW="run: cmake --build build --target payroll-pot, then translate the new messages in po/zh_CN.po"

# the template is current
python3 "$P/xgettext.py" "$SRC" payroll.pot 2>xgettext.err || { cat xgettext.err >&2; fail "po/xgettext.py"; }
ok
cmp -s "$P/payroll.pot" payroll.pot || {
	diff -u "$P/payroll.pot" payroll.pot | grep '^[-+]msgid' | head -20 >&2
	fail "po/payroll.pot is not current: $HOW"
}
ok
# the template holds what the sources show: library messages through the
# keywords of the error functions and the modules' own wrappers, the
# tools' through _(), a macro forwarding to payroll_problem
for m in 'unusable input' 'cannot open' 'a layout needs one [detail] section' \
	'usage: ' 'status is suspended' 'column %d (amount): %s' \
	'the check digit does not match (GB 11643)'; do
	grep -qxF "msgid \"$m\"" payroll.pot || fail "'$m' was not extracted"; ok
done
# codes are never messages
! grep -qxE 'msgid "(bad-money|not-due|missing-column|io)"' payroll.pot || fail "a code in the template"
ok

# every message translated, nothing fuzzy or untranslated or obsolete
msgcmp "$P/zh_CN.po" payroll.pot 2>cmp.err || { head -20 cmp.err >&2; fail "po/zh_CN.po lacks messages: $HOW"; }
ok
for kind in --only-fuzzy --untranslated --only-obsolete; do
	msgattrib $kind --no-wrap "$P/zh_CN.po" >attr.po
	! grep -q '^#\?~\? *msgid "[^"]' attr.po || { grep '^msgid' attr.po | head >&2; fail "po/zh_CN.po has $kind messages"; }
	ok
done
msgfmt --check --statistics -o zh_CN.mo "$P/zh_CN.po" 2>stat || { cat stat >&2; fail "msgfmt --check"; }
ok
grep -q ' translated messages\.$' stat || fail "msgfmt: $(cat stat)"; ok
# the build compiled this catalogue (cmake rebuilds it when the .po changes)
msgunfmt "$BIN/locale/zh_CN/LC_MESSAGES/payroll.mo" >built.po && msgunfmt zh_CN.mo >now.po
same_file now.po built.po

# the glossary: a term of its first table in a message, its Chinese term
# in the translation
python3 - "$SRC/po/GLOSSARY.md" "$P/zh_CN.po" >glossary.err <<'EOF' || { cat glossary.err >&2; fail "po/zh_CN.po departs from po/GLOSSARY.md"; }
import re, sys
terms = []
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"\| `([^`]+)` \| ([^|]+?) \|", line)
    if m:
        terms.append((m.group(1), m.group(2).strip()))
    elif terms and not line.startswith("|"):
        break
assert len(terms) > 20, "no glossary table"
text = open(sys.argv[2], encoding="utf-8").read()
bad = 0
for m in re.finditer(r'^msgid "(.*)"\nmsgstr "(.*)"$', text, re.M):
    msgid, msgstr = m.group(1), m.group(2)
    for en, zh in terms:
        if re.search(r"(?<![-\w/.\[])" + re.escape(en) + r"(?![-\w\]])", msgid) and \
           not any(z in msgstr for z in zh.split(" / ")):
            print("'%s' is %s: %s -> %s" % (en, zh, msgid, msgstr))
            bad += 1
sys.exit(1 if bad else 0)
EOF
ok
done_ok
