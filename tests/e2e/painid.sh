# SPDX-License-Identifier: Apache-2.0
# pain.001 message ids and dates derived from the payer file, the period
# and the transfers (SPEC 6; payroll-bankfile(1)): recomputed here with
# sha256sum from the csv layout's lines; another period or another ledger
# gives another id, the same inputs the same bytes; dates from
# execution-day clamped to the month; every file schema-valid (xmllint).
. "$SRC/tests/e2e/lib.sh"
F=$FIXTURES/bank
XSD=$SCHEMAS/pain.001.001.09.xsd
grep -v '^\(execution-date\|created\|message-id\) ' "$F/payer.conf" >payer.conf
printf 'execution-day = 15\nmessage-id-prefix = MZ-220104\n' >>payer.conf
bankfile() { payroll-bankfile --layout pain001 --payer payer.conf "$@"; }
x() { xmllint --xpath "string(//*[local-name()=\"$1\"]/*[local-name()=\"$2\"])" "$3"; }
valid() { xmllint --noout --schema "$XSD" "$1" 2>xerr || { cat xerr >&2; fail "$1 fails the schema"; }; ok; }
# want_id PREFIX PERIOD CSV: PREFIX-YYYYMM- and the first 12 hex digits (upper
# case) of SHA-256 of the csv layout's transfer lines (header left out)
want_id() {
	printf '%s-%s-%s' "$1" "$2" "$(tail -n +2 "$3" | sha256sum | cut -c1-12 | tr a-f A-F)"
}

expect_exit 0 bankfile -o t.xml "$F/ledger.csv"
valid t.xml
expect_exit 0 payroll-bankfile --layout csv -o t.csv "$F/ledger.csv"
id=$(want_id MZ-220104 202403 t.csv)
[ "$(x GrpHdr MsgId t.xml)" = "$id" ] || fail "MsgId $(x GrpHdr MsgId t.xml), want $id"; ok
[ "$(x PmtInf PmtInfId t.xml)" = "$id-1" ] || fail "PmtInfId $(x PmtInf PmtInfId t.xml)"; ok
[ "${#id}" -le 33 ] || fail "MsgId too long"; ok
[ "$(x GrpHdr CreDtTm t.xml)" = 2024-03-01T00:00:00 ] || fail "CreDtTm $(x GrpHdr CreDtTm t.xml)"; ok
[ "$(x ReqdExctnDt Dt t.xml)" = 2024-03-15 ] || fail "execution date $(x ReqdExctnDt Dt t.xml)"; ok
# the same inputs, a second later: the same bytes
sleep 1
expect_exit 0 bankfile -o t2.xml "$F/ledger.csv"
same_file t.xml t2.xml

# another period: another MsgId, the dates of that month
sed 's/^2024-03,/2024-04,/' "$F/ledger.csv" >apr.csv
expect_exit 0 bankfile -o apr.xml apr.csv
valid apr.xml
[ "$(x GrpHdr MsgId apr.xml)" != "$(x GrpHdr MsgId t.xml)" ] || fail "April reuses March's MsgId"; ok
expect_exit 0 payroll-bankfile --layout csv -o apr-t.csv apr.csv
[ "$(x GrpHdr MsgId apr.xml)" = "$(want_id MZ-220104 202404 apr-t.csv)" ] || fail "April MsgId"; ok
[ "$(x ReqdExctnDt Dt apr.xml)" = 2024-04-15 ] || fail "April execution date"; ok
[ "$(x GrpHdr CreDtTm apr.xml)" = 2024-04-01T00:00:00 ] || fail "April CreDtTm"; ok
# another ledger of the same period (one amount changed): another MsgId
sed '2s/,630\.00,/,631.00,/' "$F/ledger.csv" >changed.csv
grep -q ',631.00,' changed.csv || fail "fixture changed: no 630.00 on line 2"
expect_exit 0 bankfile -o changed.xml changed.csv
[ "$(x GrpHdr MsgId changed.xml)" != "$(x GrpHdr MsgId t.xml)" ] || fail "another ledger reuses the MsgId"; ok
# another payee account only: another MsgId too
sed 's/6222024300001234566/6222024300001234574/g' "$F/ledger.csv" >acct.csv
expect_exit 0 bankfile -o acct.xml acct.csv
[ "$(x GrpHdr MsgId acct.xml)" != "$(x GrpHdr MsgId t.xml)" ] || fail "another account reuses the MsgId"; ok

# execution-day clamped to the month's last day
sed 's/^execution-day = .*/execution-day = 31/' payer.conf >payer31.conf
for pm in 2024-02:2024-02-29 2023-02:2023-02-28 2024-04:2024-04-30 2024-12:2024-12-31; do
	sed "s/^2024-03,/${pm%%:*},/" "$F/ledger.csv" >m.csv
	expect_exit 0 payroll-bankfile --layout pain001 --payer payer31.conf -o m.xml m.csv
	[ "$(x ReqdExctnDt Dt m.xml)" = "${pm#*:}" ] || fail "${pm%%:*}: execution date $(x ReqdExctnDt Dt m.xml)"
	ok
	valid m.xml
done
sed 's/^execution-day = .*/execution-day = 5/' payer.conf >payer5.conf
expect_exit 0 payroll-bankfile --layout pain001 --payer payer5.conf -o d5.xml "$F/ledger.csv"
[ "$(x ReqdExctnDt Dt d5.xml)" = 2024-03-05 ] || fail "day 5"; ok

# split by bank: one message per bank, each id from its own transfers
expect_exit 0 bankfile --split-by bank -o s.xml "$F/ledger.csv"
expect_exit 0 payroll-bankfile --layout csv --split-by bank -o s.csv "$F/ledger.csv"
ids=
for b in 102241000018 ABC ICBC; do
	valid "s-$b.xml"
	[ "$(x GrpHdr MsgId "s-$b.xml")" = "$(want_id MZ-220104 202403 "s-$b.csv")" ] || fail "split $b MsgId"
	ok
	ids="$ids $(x GrpHdr MsgId "s-$b.xml")"
done
[ "$(printf '%s\n' $ids "$(x GrpHdr MsgId t.xml)" | sort -u | wc -l)" = 4 ] || fail "split MsgIds repeat: $ids"; ok

# payer files that cannot say what to derive: exit 2, no output
refuse() {
	local code=$1 where=$2 conf=$3
	rm -rf o && mkdir o
	expect_exit 2 payroll-bankfile --layout pain001 --payer "$conf" -o o/t.xml "$F/ledger.csv"
	grep_file "$where: $code" err
	[ -z "$(ls -A o)" ] || fail "output left behind with $conf"; ok
}
n=$(( $(wc -l <payer.conf) + 1 ))	# the line a key added at the end is on
{ cat payer.conf; echo 'message-id = M1'; } >c1.conf
refuse conflicting-keys "c1.conf:$n" c1.conf
{ cat payer.conf; echo 'execution-date = 2024-03-15'; } >c2.conf
refuse conflicting-keys "c2.conf:$n" c2.conf
grep -v '^message-id-prefix' payer.conf >m1.conf
refuse missing-key m1.conf m1.conf
grep_file 'message-id-prefix' err
grep -v '^execution-day' payer.conf >m2.conf
refuse missing-key m2.conf m2.conf
grep_file 'execution-day' err
for bad in 'message-id-prefix = MZ-220104-ABCD' 'message-id-prefix = MZ_220104' \
	'execution-day = 0' 'execution-day = 32' 'execution-day = 1x' 'execution-day = 100'; do
	{ grep -v "^${bad%% *}" payer.conf; echo "$bad"; } >b.conf
	refuse bad-value "b.conf:$(wc -l <b.conf)" b.conf
done
done_ok
