# SPDX-License-Identifier: Apache-2.0
# bankfile: every refusal exits 2, names file, line and code, and leaves
# no output file (nor a temporary one) behind.
. "$SRC/tests/e2e/lib.sh"
F=$FIXTURES/bank
BL=$F/bad-layouts

# refuse CODE WHERE ARGS...: exit 2, "WHERE: CODE" on stderr, out/ empty
refuse() {
	local code=$1 where=$2; shift 2
	rm -rf o && mkdir o
	expect_exit 2 payroll-bankfile "$@"
	grep_file "$where: $code" err
	[ -z "$(ls -A o)" ] || { ls -la o >&2; fail "output left behind: $*"; }
	ok
}

# ledger lines
refuse bad-account "$F/bad-account.csv:3" --layout csv -o o/t.csv "$F/bad-account.csv"
refuse bad-account "$F/bad-account.csv:3" --layout fixed-gbk --split-by bank -o o/t.txt "$F/bad-account.csv"
refuse bad-money "$F/negative.csv:4" --layout fixed-gbk -o o/t.txt "$F/negative.csv"
grep_file 'negative amounts are not allowed' err
refuse bad-amount "$F/zero.csv:4" --layout csv -o o/t.csv "$F/zero.csv"
refuse case-not-contiguous "$F/noncontig.csv:6" --layout csv -o o/t.csv "$F/noncontig.csv"
grep_file 'first at line 2' err
refuse case-not-contiguous "$F/noncontig.csv:6" --layout pain001 --payer "$F/payer.conf" -o o/t.xml "$F/noncontig.csv"
refuse payee-mismatch "$F/mismatch.csv:3" --layout csv -o o/t.csv "$F/mismatch.csv"
grep_file 'line 2 of the same case' err
# a duplicated (case_id, item, month) would be summed and paid twice;
# members outside 1..20 is no household (issue 10 item 10)
{ head -n 3 "$F/ledger.csv"; sed -n 2p "$F/ledger.csv"; tail -n +4 "$F/ledger.csv"; } >dup.csv
refuse duplicate-line "dup.csv:4" --layout csv -o o/t.csv dup.csv
grep_file 'case C001: item allowance for month 2024-03 again (first at line 2)' err
refuse duplicate-line "dup.csv:4" --layout pain001 --payer "$F/payer.conf" -o o/t.xml dup.csv
# the same item for another month is no duplicate
sed '3s/,supplement,2024-03,/,allowance,2024-02,/' "$F/ledger.csv" >other-month.csv
expect_exit 0 payroll-bankfile --layout csv -o om.csv other-month.csv
# a case of many lines (past the small array): the 40th repeats the 7th
{ head -n 1 "$F/ledger.csv"
  for i in $(seq 1 45); do sed -n 2p "$F/ledger.csv" | sed "s/,allowance,/,subsidy:s$((i == 40 ? 7 : i)),/"; done
  tail -n +5 "$F/ledger.csv"; } >many.csv
refuse duplicate-line "many.csv:41" --layout csv -o o/t.csv many.csv
grep_file 'item subsidy:s7 for month 2024-03 again (first at line 8)' err
sed '41s/subsidy:s7,/subsidy:s40,/' many.csv >many-ok.csv
expect_exit 0 payroll-bankfile --layout csv -o many-ok.out many-ok.csv
for m in 0 21 999 00; do
	sed "2s/,张三丰,3,630.00,/,张三丰,$m,630.00,/" "$F/ledger.csv" >members-$m.csv
	refuse bad-members "members-$m.csv:2" --layout csv -o o/t.csv members-$m.csv
	grep_file 'a household has 1 to 20 persons' err
done
sed "2s/,张三丰,3,630.00,/,张三丰,20,630.00,/" "$F/ledger.csv" >members-20.csv
expect_exit 0 payroll-bankfile --layout csv -o m20.csv members-20.csv
refuse mixed-period "$F/mixed-period.csv:3" --layout csv -o o/t.csv "$F/mixed-period.csv"
refuse empty-ledger "$F/empty.csv" --layout csv -o o/t.csv "$F/empty.csv"
# a character GBK cannot hold, after other banks' files were complete
refuse bad-char "$F/rare-char.csv:7" --layout "$FIXTURES/layouts/gbk-fixed-ctl.layout" \
	--split-by bank -o o/t.txt.gz "$F/rare-char.csv"
grep_file "case C009: account_name '李𠀀'" err
# Layout errors and cuts are found while the ledger is read but reported
# after it, in the order of the files written: the bad character (ICBC)
# comes first in the ledger, the cut name (bank 102241000018) second.
{ head -n 1 "$F/rare-char.csv"; tail -n 1 "$F/rare-char.csv"; sed -n 5,6p "$F/rare-char.csv"; } >held.csv
GL=$FIXTURES/layouts/gbk-fixed-ctl.layout
refuse bad-char "held.csv:2" --layout "$GL" -o o/t.txt held.csv
no_grep truncated err
refuse bad-char "held.csv:2" --layout "$GL" --split-by bank -o o/t.txt held.csv
[ "$(cut -d: -f2,3 err | tr -d ' ' | paste -sd' ')" = "3:truncated 2:bad-char" ] ||
	{ cat err >&2; fail "held cut and error out of the files' order"; }
ok
# ... and a bad ledger line anywhere is reported alone, before either
{ cat held.csv; sed -n 3p "$F/bad-account.csv" | sed 's/^[^,]*,[^,]*,/2024-03,C077,/'; } >held-bad.csv
refuse bad-account "held-bad.csv:5" --layout "$GL" --split-by bank -o o/t.txt held-bad.csv
[ "$(wc -l <err)" = 1 ] && no_grep bad-char err && no_grep truncated err
# ... while GB18030 holds every character
rm -rf o && mkdir o
expect_exit 1 payroll-bankfile --layout fixed-gbk -o o/t.txt "$F/rare-char.csv"
iconv -f GB18030 -t UTF-8 o/t.txt >t.utf8 || fail "gb18030 output does not decode"
grep_file '李𠀀' t.utf8
LC_ALL=C awk '{ if (length($0) != 159) bad = 1 } END { exit bad }' o/t.txt || fail "4-byte character broke the width"
ok

# usage
refuse missing-payer payroll-bankfile --layout pain001 -o o/t.xml "$F/ledger.csv"
refuse unknown-layout payroll-bankfile --layout bogus -o o/t.txt "$F/ledger.csv"
# a payer file with another layout is checked, then not used: the same file
expect_exit 0 payroll-bankfile --layout csv --payer "$F/payer.conf" -o o/p.csv "$F/ledger.csv"
expect_exit 0 payroll-bankfile --layout csv -o o/n.csv "$F/ledger.csv"
cmp o/p.csv o/n.csv || fail "--payer changed a csv bank file"
printf 'bogus = 1\n' >o/bad-payer.conf
expect_exit 2 payroll-bankfile --layout csv --payer o/bad-payer.conf -o o/b.csv "$F/ledger.csv"
[ ! -e o/b.csv ] || fail "a bad payer file still wrote the bank file"
refuse usage payroll-bankfile --layout csv -o - "$F/ledger.csv"
rm -rf o && mkdir o
expect_exit 2 payroll-bankfile --layout csv "$F/ledger.csv"
grep_file "payroll-bankfile: '--output' is required; try 'payroll-bankfile --help'" err
expect_exit 2 payroll-bankfile --layout csv --split-by region -o o/t.csv "$F/ledger.csv"
grep_file "invalid value 'region' for '--split-by': expected bank" err
expect_exit 2 payroll-bankfile --layout csv -o o/t.csv "$F/ledger.csv" "$F/ledger.csv"
expect_exit 2 payroll-bankfile --bogus --layout csv -o o/t.csv "$F/ledger.csv"
expect_exit 2 payroll-bankfile --layout csv -o o/t.csv nonexistent.csv
grep_file 'nonexistent.csv' err
[ -z "$(ls -A o)" ] || fail "usage errors left output"
ok

# malformed layout files: FILE:LINE: CODE
refuse unknown-key "$BL/unknown-key.layout:3" --layout "$BL/unknown-key.layout" -o o/t "$F/ledger.csv"
refuse missing-width "$BL/missing-width.layout:5" --layout "$BL/missing-width.layout" -o o/t "$F/ledger.csv"
refuse unknown-source "$BL/unknown-source.layout:6" --layout "$BL/unknown-source.layout" -o o/t "$F/ledger.csv"
refuse bad-source "$BL/bad-source.layout:5" --layout "$BL/bad-source.layout" -o o/t "$F/ledger.csv"
refuse bad-const "$BL/bad-const.layout:5" --layout "$BL/bad-const.layout" -o o/t "$F/ledger.csv"
refuse missing-detail "$BL/missing-detail.layout" --layout "$BL/missing-detail.layout" -o o/t "$F/ledger.csv"
refuse bad-option "$BL/bad-option.layout:4" --layout "$BL/bad-option.layout" -o o/t "$F/ledger.csv"
refuse unknown-section "$BL/unknown-section.layout:3" --layout "$BL/unknown-section.layout" -o o/t "$F/ledger.csv"
refuse io "missing.layout" --layout ./missing.layout -o o/t "$F/ledger.csv"

# malformed payer files
printf 'name = x\naccount = 123\ncolour = red\n' >payer-bad.conf
refuse unknown-key "payer-bad.conf:3" --layout pain001 --payer payer-bad.conf -o o/t.xml "$F/ledger.csv"
printf 'name = x\naccount = 123\nbic = ICBKCNBJ\nexecution-date = 2024-13-01\nmessage-id = M1\n' >payer-bad.conf
refuse bad-value "payer-bad.conf:4" --layout pain001 --payer payer-bad.conf -o o/t.xml "$F/ledger.csv"
printf 'name = x\naccount = 123\nexecution-date = 2024-03-01\nmessage-id = M1\n' >payer-bad.conf
refuse missing-key "payer-bad.conf" --layout pain001 --payer payer-bad.conf -o o/t.xml "$F/ledger.csv"
# split: MsgId-BANK over 35 characters
sed 's/^message-id = .*/message-id = MZ-220104-202403-0123456789-ABCD/' "$F/payer.conf" >payer-long.conf
refuse field-overflow "payer-long.conf" --layout pain001 --payer payer-long.conf --split-by bank \
	-o o/t.xml "$F/ledger.csv"

# an existing file is not touched by a refused run
rm -rf o && mkdir o && echo old >o/t.csv
expect_exit 2 payroll-bankfile --layout csv -o o/t.csv "$F/noncontig.csv"
[ "$(cat o/t.csv)" = old ] && [ "$(ls -A o)" = t.csv ] || fail "a refused run changed the old file"
ok
done_ok
