# SPDX-License-Identifier: Apache-2.0
# disclose: the public list and page for the demo month, byte for byte;
# nothing private in them; names masked by character; bad names refused.
. "$SRC/tests/e2e/lib.sh"
L=$FIXTURES/every-code/expected/ledger.csv
G=$FIXTURES/disclose

expect_exit 0 payroll-disclose -o list.csv --html page.html --office 东丰县民政局 \
	--phone 0437-6212345 --notice-from 2026-11-20 "$L"
[ ! -s out ] && [ ! -s err ] || fail "disclose is not quiet"; ok
same_file "$G/expected.csv" list.csv
same_file "$G/expected.html" page.html

# privacy: no id number, account, bank, income or basis of the ledger appears
cut -d, -f10,12 "$L" | tail -n +2 | tr , '\n' | sort -u >secrets
cut -d, -f17- "$L" | tail -n +2 | grep -F "*" | sort -u | head -20 >>secrets
while IFS= read -r s; do
	[ -n "$s" ] || continue
	! grep -qF -- "$s" list.csv page.html || fail "private value '$s' disclosed"
	ok
done <secrets
for s in ICBC CCB ABC PSBC 身份证 账号; do no_grep "$s" list.csv; no_grep "$s" page.html; done
grep_file "<!DOCTYPE html>" page.html
no_grep "http" page.html
no_grep "<script" page.html
grep_file "@page{size:A4 portrait;margin:15mm}" page.html
grep_file "thead{display:table-header-group}" page.html
grep_file "break-before:page" page.html
grep_file "公示期：2026年11月20日至2026年11月26日（7天）" page.html
grep_file "合计 13 户" page.html
grep_file "18164.00" page.html
# rows follow region, locality, then ledger order; one per case
[ "$(wc -l <list.csv)" = 14 ] || fail "one row per case"; ok
sed -n 2p list.csv | grep -q '^东丰县社会福利中心,特困,孙\*兰,1,1428.00,50.00,1478.00$' || fail "first row"; ok

# masking by character: 1, 2, 3, 4 characters, a middle dot, Latin letters
H='period,case_id,program,item,month,region,locality,name,id_number,bank,account,account_name,members,amount,basis'
line() { printf '2026-11,%s,subsistence,allowance,2026-11,220421,村,%s,220421196503040015,ICBC,6217000000001000003,%s,1,10.00,10.00\n' "$1" "$2" "$2"; }
{ echo "$H"; line a 周; line b 张伟; line c 张三丰; line d 欧阳娜娜; line e '买买提·吐尔逊'; line f 'Li Lei'; line g 'O<b>&'; } >names.csv
expect_exit 0 payroll-disclose -o names-out.csv --html names.html names.csv
for m in ',周,' ',张*,' ',张*丰,' ',欧**娜,' ',买**·**逊,' ',L****i,' ',O***&,'; do grep_file "$m" names-out.csv; done
no_grep "买买提" names-out.csv; no_grep "吐尔逊" names-out.csv
grep_file "O***&amp;" names.html
no_grep "<b>" names.html

# a name that is not UTF-8 (GBK bytes in a UTF-8 ledger): a clear error
# naming the file and code, no output (the reader never hands out invalid
# UTF-8; mask.c checks again, see test_mask)
{ echo "$H"; line a 张伟; printf '2026-11,z,subsistence,allowance,2026-11,220421,村,\xd5\xc5,220421196503040015,ICBC,6217000000001000003,x,1,10.00,10.00\n'; } >bad.csv
expect_exit 2 payroll-disclose -o bad-out.csv --html bad.html bad.csv
grep_file "bad.csv:" err; grep_file "bad-encoding" err
absent bad-out.csv; absent bad.html
expect_exit 2 payroll-disclose -o x.csv no-such-ledger.csv
absent x.csv
# arrears, subsidies and temporary assistance are "other"; the rest "monthly"
grep_file "横道河镇新兴村,低保,刘*,2,681.00,3524.00,4205.00" list.csv
grep_file "临时救助,黄*,1,0.00,1500.00,1500.00" list.csv
expect_exit 0 payroll-disclose -o - "$L"
same_file "$G/expected.csv" out

# without --notice-from, --office, --phone: the period's length only, no date
# from the clock (byte for byte, so a clock would break it)
expect_exit 0 payroll-disclose -o plain.csv --html plain.html "$L"
same_file "$G/expected-plain.html" plain.html
same_file "$G/expected.csv" plain.csv
grep_file "<p>公示期：　　　　年　　月　　日至　　　　年　　月　　日（7天）" plain.html
grep_file "公示单位（公章）：<span class=\"blank\"></span>" plain.html
grep_file "监督电话：<span class=\"blank\"></span>" plain.html
grep_file "<p class=\"date\">　　　　年　　月　　日</p>" plain.html
expect_exit 0 payroll-disclose -o n.csv --html n.html --notice-days 10 "$L"
grep_file "<p>公示期：　　　　年　　月　　日至　　　　年　　月　　日（10天）" n.html
expect_exit 0 payroll-disclose -o n.csv --html n.html --notice-days 14 --notice-from 2026-12-25 "$L"
grep_file "公示期：2026年12月25日至2027年1月7日（14天）" n.html
expect_exit 0 payroll-disclose -o n.csv --html n.html --notice-from 2028-02-28 --notice-days 2 "$L"
grep_file "2028年2月28日至2028年2月29日（2天）" n.html
# office and phone are escaped like every field
expect_exit 0 payroll-disclose -o n.csv --html n.html --office '<民政局 & "办">' --phone "0437'<1>" "$L"
grep_file "公示单位（公章）：&lt;民政局 &amp; &quot;办&quot;&gt;" n.html
grep_file "监督电话：0437&#39;&lt;1&gt;" n.html
no_grep "<民政局" n.html
# bad options: exit 2, nothing written
for bad in "--notice-from 2026-02-30" "--notice-from 2026-1-05" "--notice-from tomorrow" \
	"--notice-days 0" "--notice-days 366" "--notice-days 7x"; do
	# shellcheck disable=SC2086
	expect_exit 2 payroll-disclose -o bad-opt.csv --html bad-opt.html $bad "$L"
	absent bad-opt.csv; absent bad-opt.html
done
# a ledger of two periods is not one list
{ echo "$H"; line a 张伟; line b 李四 | sed 's/^2026-11/2026-12/'; } >mixed.csv
expect_exit 2 payroll-disclose -o m.csv --html m.html mixed.csv
grep_file "mixed.csv:3: mixed-period" err; absent m.csv; absent m.html
# an empty name is refused, naming the line
{ echo "$H"; line a ''; } >noname.csv
expect_exit 2 payroll-disclose -o m.csv noname.csv
grep_file "noname.csv:2:" err; absent m.csv
# an existing list is not touched when the run fails
echo keep >old.csv
expect_exit 2 payroll-disclose -o old.csv --html old.html bad.csv
grep_file keep old.csv; absent old.html
ls -A | grep -q '\.tmp-' && fail "a temporary file was left"; ok

# the pages (SPEC 8): laid out here, a page per locality, numbered, the
# foot on every page; tests/e2e/pages.sh prints them with Chromium
P=$G/pages-ledger.csv
expect_exit 0 payroll-disclose -o pages.csv --html pages.html --office 东丰县民政局 \
	--phone 0437-6212345 --notice-from 2026-11-20 --date 2026-11-19 "$P"
[ "$(grep -c '<div class="page' pages.html)" = 7 ] || fail "7 pages"; ok
[ "$(grep -c '<div class="page next">' pages.html)" = 6 ] || fail "each page after the first starts a sheet"; ok
for x in 1 2 3 4 5 6 7; do grep_file "<p class=\"pageno\">第 $x 页 共 7 页</p>" pages.html; done
[ "$(grep -c '<thead>' pages.html)" = 7 ] || fail "a header row on every page"; ok
[ "$(grep -c '<p class="date">2026年11月19日</p>' pages.html)" = 7 ] || fail "the date on every page"; ok
[ "$(grep -c '公示期：2026年11月20日至2026年11月26日（7天）' pages.html)" = 7 ] || fail "notice dates on every page"; ok
[ "$(grep -c '其他金额：补发往月金额、一次性补贴和临时救助金' pages.html)" = 7 ] || fail "the legend on every page"; ok
[ "$(grep -c '村（社区）：横道河镇新兴村（续）' pages.html)" = 2 ] || fail "a long locality goes on"; ok
grep_file "小计（横道河镇新兴村） 52 户" pages.html
grep_file "小计（东丰县社会福利中心） 3 户" pages.html
grep_file "合计 80 户" pages.html
no_grep "white-space:normal" pages.html
# 22 cases and a subtotal do not fit one page of 22 rows: one case goes on
# with the subtotal, which never stands alone
awk '/村（社区）：/{p = /大阳镇红旗村/ ? ++q : 0} p && /<tr><td class="n">/{n[p]++} END{exit !(n[1]==21 && n[2]==1)}' pages.html ||
	fail "21 + 1 rows for 大阳镇红旗村"; ok
# a name that a spreadsheet would run or show reversed is neutralised
grep_file "横道河镇新兴村,临时救助,'=******),1," pages.csv
grep_file "沙河镇永红村,低保,'-*五,4," pages.csv
grep_file "沙河镇永红村,低保,**四,5," pages.csv
LC_ALL=C grep -q "$(printf '\342\200\256')" pages.csv pages.html && fail "a bidi control was written"; ok
# --date alone; no date at all gives a blank
expect_exit 0 payroll-disclose -o d.csv --html d.html --date 2026-12-01 "$P"
grep_file '<p class="date">2026年12月1日</p>' d.html
# one file per locality, named from it, numbered by itself
mkdir split
expect_exit 0 payroll-disclose -o split/list.csv --html split/公示.html --split-by locality \
	--office 东丰县民政局 --notice-from 2026-11-20 "$P"
[ "$(ls split | wc -l)" = 5 ] || fail "4 localities and the list"; ok
for f in 东丰县社会福利中心:1 横道河镇新兴村:3 大阳镇红旗村:2 沙河镇永红村:1; do
	present "split/公示-${f%:*}.html"
	grep_file "第 ${f#*:} 页 共 ${f#*:} 页" "split/公示-${f%:*}.html"
	no_grep "合计 80 户" "split/公示-${f%:*}.html"
done
grep_file "村（社区）：大阳镇红旗村" split/公示-大阳镇红旗村.html
no_grep "横道河镇" split/公示-大阳镇红旗村.html
same_file pages.csv split/list.csv
# unsafe characters in a locality name, and two localities of one name
{ echo "$H"; line a 张伟 | sed 's/,村,/,..\/a b:c,/'; line b 李四 | sed 's/,220421,村,/,220422,村,/'; line c 王五; } >odd.csv
expect_exit 0 payroll-disclose -o odd-list.csv --html odd --split-by locality odd.csv
present "odd-_._a_b_c.html"; present "odd-村.html"; present "odd-村-2.html"
grep_file "李*" odd-村-2.html; grep_file "王*" odd-村.html
for bad in "--split-by bank --html x.html" "--split-by locality" "--split-by locality --html -" \
	"--date 2026-13-01 --html x.html" "--date 1.12.2026"; do
	# shellcheck disable=SC2086
	expect_exit 2 payroll-disclose -o bad-opt.csv $bad "$P"
	absent bad-opt.csv; absent x.html
done

expect_exit 0 payroll-disclose --help; grep_file "usage:" out
grep_file "--notice-from" out
expect_exit 0 payroll-disclose --version
expect_exit 2 payroll-disclose "$L"
done_ok
