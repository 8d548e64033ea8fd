# SPDX-License-Identifier: Apache-2.0
# Three consecutive months of the every-code fixture through payroll run (issue 9): no
# temporary grant is paid twice (run passes every earlier period's ledger,
# --force's kept ones too, to calc --paid), every pain.001 MsgId differs
# (schema-valid, dates of its month), and every posted disclosure page
# carries its notice dates (notice_start). A payer file with fixed ids or
# dates, a stale notice date, or an earlier period without its ledger is
# refused before anything is written.
. "$SRC/tests/e2e/lib.sh"
D=$FIXTURES/every-code
XSD=$SCHEMAS/pain.001.001.09.xsd
mkdir in && cp "$D"/roster.csv "$D"/standards.csv "$D"/grants.csv "$D"/payer.conf in/
payroll-keygen --algorithm ed25519 -o key >/dev/null
conf() {	# conf NAME ROOT [extra lines]: NAME.conf in the work dir
	local name=$1 root=$2
	shift 2
	{
		printf 'roster = in/roster.csv\nstandards = in/standards.csv\ngrants = in/grants.csv\n'
		printf 'layout = csv\nlayout = pain001\npayer = in/payer.conf\nkey = key.key\n'
		printf 'output = %s\noffice = 东丰县民政局\nphone = 0437-6212345\n' "$root"
		printf '%s\n' "$@"
	} >"$name.conf"
}
run() { payroll-run --config "$PWD/$1.conf" --period "$2" "${@:3}"; }
x() { xmllint --xpath "string(//*[local-name()=\"$1\"]/*[local-name()=\"$2\"])" "$3"; }
temporary() { awk -F, '$3 == "temporary" { print $2 }' "$1"; }	# grant ids paid in a ledger
conf pay pay 'notice_days = 7' 'notice_start = 5'

# October: the demo's grants are November's: not due, nothing paid
expect_exit 1 run pay 2026-10
grep_file 'grants paid before looked up in 0 earlier ledgers' err
[ -z "$(temporary pay/2026-10/ledger.csv)" ] || fail "october paid a november grant"; ok
grep_file 'grants.csv,2,LS-2026-031,not-due,grant month 2026-11 is not the period 2026-10' pay/2026-10/rejects.csv

# November pays them (LS-2026-033 is over its cap)
expect_exit 1 run pay 2026-11
grep_file 'in 1 earlier ledger' err
[ "$(temporary pay/2026-11/ledger.csv | tr '\n' ' ')" = "LS-2026-031 LS-2026-032 " ] ||
	fail "november pays $(temporary pay/2026-11/ledger.csv)"
ok

# December: the same grants file re-dated (031 and 032 again), 033 cut to
# its cap, and a new grant 041: only 033 and 041 are paid
{
	head -1 "$D/grants.csv"
	sed -n '2,3p' "$D/grants.csv" | sed 's/,2026-11,/,2026-12,/'
	sed -n 4p "$D/grants.csv" | sed 's/,2026-11,/,2026-12,/; s/,9000\.00,/,7000.00,/'
	sed -n 3p "$D/grants.csv" | sed 's/^LS-2026-032,2026-11,/LS-2026-041,2026-12,/; s/,1500,/,800.00,/'
} >in/grants.csv
grep -q '^LS-2026-041,2026-12,' in/grants.csv || fail "december grants not made"
expect_exit 1 run pay 2026-12
grep_file 'in 2 earlier ledgers' err
R=pay/2026-12/rejects.csv
grep_file 'grants.csv,2,LS-2026-031,already-paid,grant LS-2026-031 was already paid in 2026-11' $R
grep_file 'grants.csv,3,LS-2026-032,already-paid,grant LS-2026-032 was already paid in 2026-11' $R
grep_file '"already-paid": 2' pay/2026-12/summary.json
# 041 is a new grant to the person of 032: not a duplicate of a grant paid before
no_grep 'duplicate' <(grep ',LS-' $R)
[ "$(temporary pay/2026-12/ledger.csv | tr '\n' ' ')" = "LS-2026-033 LS-2026-041 " ] ||
	fail "december pays $(temporary pay/2026-12/ledger.csv)"
ok

# no grant paid twice over the three months
all=$(cat pay/2026-1[012]/ledger.csv | awk -F, '$3 == "temporary" { print $2 }')
[ "$(printf '%s\n' $all | sort | uniq -d)" = "" ] || fail "paid twice: $all"; ok
[ "$(printf '%s\n' $all | wc -l)" = 4 ] || fail "four grants paid in all: $all"; ok

# pain.001: valid, every MsgId and PmtInfId different, dates of its month
ids=
for m in 10 11 12; do
	f=pay/2026-$m/bank-pain001.xml
	xmllint --noout --schema "$XSD" "$f" 2>xerr || { cat xerr >&2; fail "$f fails the schema"; }
	ok
	id=$(x GrpHdr MsgId "$f")
	case $id in DF-220421-2026$m-????????????) ;; *) fail "$f: MsgId $id";; esac
	ok
	[ "$(x PmtInf PmtInfId "$f")" = "$id-1" ] || fail "$f: PmtInfId"; ok
	[ "$(x ReqdExctnDt Dt "$f")" = "2026-$m-20" ] || fail "$f: execution date $(x ReqdExctnDt Dt "$f")"; ok
	[ "$(x GrpHdr CreDtTm "$f")" = "2026-$m-01T00:00:00" ] || fail "$f: CreDtTm"; ok
	ids="$ids $id $id-1"
done
[ "$(printf '%s\n' $ids | sort -u | wc -l)" = 6 ] || fail "an id is reused: $ids"; ok

# every disclosure page carries its notice dates (the 5th, 7 days)
grep_file '公示期：2026年10月5日至2026年10月11日' pay/2026-10/disclosure.html
grep_file '公示期：2026年11月5日至2026年11月11日' pay/2026-11/disclosure.html
grep_file '公示期：2026年12月5日至2026年12月11日' pay/2026-12/disclosure.html
expect_exit 0 payroll-verify --pubkey key.pub --journal pay

# --force keeps the old November, whose grants still count: November redone
# with December's grants file pays none, and December redone still refuses
# 031 and 032 (paid only in 2026-11.replaced-1 now)
expect_exit 1 run pay 2026-11 --force
present pay/2026-11.replaced-1/ledger.csv
[ -z "$(temporary pay/2026-11/ledger.csv)" ] || fail "november redone pays grants"; ok
expect_exit 1 run pay 2026-12 --force
grep_file 'in 3 earlier ledgers' err
grep_file 'LS-2026-031,already-paid,grant LS-2026-031 was already paid in 2026-11' pay/2026-12/rejects.csv
grep_file 'LS-2026-032,already-paid,' pay/2026-12/rejects.csv
# the period's own kept run is not an earlier period: December pays as before
same_file pay/2026-12.replaced-1/ledger.csv pay/2026-12/ledger.csv
same_file pay/2026-12.replaced-1/bank-pain001.xml pay/2026-12/bank-pain001.xml
expect_exit 0 payroll-verify --pubkey key.pub --journal pay

# a day past the month's end is its last day (February); a notice_start date
# of the period's month, or the month before, is taken as it is
conf short short 'notice_start = 31'
expect_exit 1 run short 2027-02
grep_file '公示期：2027年2月28日至2027年3月6日' short/2027-02/disclosure.html
conf dated dated 'notice_start = 2026-11-28'
expect_exit 1 run dated 2026-12
grep_file '公示期：2026年11月28日至2026年12月4日' dated/2026-12/disclosure.html

# refused before any step (exit 2), nothing written
refused() {	# refused NAME PERIOD CODE: exit 2 naming CODE, no period directory
	expect_exit 2 run "$1" "$2"
	grep_file "$3" err
	[ ! -e "$1/$2" ] || fail "$1/$2 was written"; ok
	no_grep 'payroll-run: check: ' err
}
# a notice date of another month is last month's configuration
refused dated 2027-01 'stale-notice: notice_start = 2026-11-28 is not in 2027-01 or the month before: write notice_start = 28 instead'
# a payer file that fixes the message id or a date
fixed() {	# fixed NAME PAYER-LINES...: a configuration whose payer file has them
	local name=$1
	shift
	{ grep -v '^\(message-id-prefix\|execution-day\) ' in/payer.conf; printf '%s\n' "$@"; } >"in/$name.payer"
	conf "$name" "$name" 'notice_start = 5'
	sed -i "s|^payer = .*|payer = in/$name.payer|" "$name.conf"
}
fixed msgid 'execution-day = 20' 'message-id = DF-220421-202611-01'
refused msgid 2026-12 "msgid.payer:$(wc -l <in/msgid.payer): fixed-id: message-id = DF-220421-202611-01 fixes the bank message id"
grep_file 'write message-id-prefix = PREFIX instead' err
fixed date 'execution-date = 2026-11-20' 'message-id-prefix = DF-220421'
refused date 2026-12 'fixed-date: execution-date = 2026-11-20 is stale next month: write execution-day = 20 instead'
fixed created 'execution-day = 20' 'message-id-prefix = DF-220421' 'created = 2026-11-19T09:00:00'
refused created 2026-12 'fixed-date: created = 2026-11-19T09:00:00 is stale next month: remove it'
fixed payment 'execution-day = 20' 'message-id = M1' 'payment-id = P1'
refused payment 2026-12 'fixed-id: message-id = M1'
# bankfile still takes such a payer file, to remake a file as it was sent
expect_exit 0 payroll-bankfile --layout pain001 --payer in/date.payer -o d.xml pay/2026-12/ledger.csv
[ "$(x ReqdExctnDt Dt d.xml)" = 2026-11-20 ] || fail "bankfile: the fixed date"; ok

# an earlier period without its ledger: what it paid cannot be known (the
# journal check before the run finds it first; calc's lookup would too)
cp -r pay lost
rm lost/2026-11.replaced-1/ledger.csv
conf lost lost 'notice_start = 5'
expect_exit 2 run lost 2027-01
grep_file 'lost/2026-11.replaced-1/ledger.csv: ' err
[ ! -e lost/2027-01 ] || fail "lost/2027-01 was written"; ok
done_ok
