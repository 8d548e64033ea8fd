# SPDX-License-Identifier: Apache-2.0
# Temporary grants month after month (SPEC 3.3): each grant is paid in its
# month only (not-due otherwise), never twice (calc --paid: already-paid),
# and a grants file without its month column is refused as a whole.
. "$SRC/tests/e2e/lib.sh"
D=$FIXTURES/every-code
head -12 "$D/roster.csv" >clean.csv	# a roster with nothing to reject
calc() { payroll-calc -q --standards "$D/standards.csv" "$@"; }
num() { grep -o "\"$1\": [0-9]*" "$2" | head -1 | grep -o '[0-9]*$'; }
# grants 031 and 032 of the demo (033 is over its cap)
head -3 "$D/grants.csv" >g11.csv

# November pays its grants: the temporary lines, exit 0
expect_exit 0 calc --period 2026-11 --grants g11.csv -o nov.csv --rejects nov-r.csv clean.csv
[ "$(grep -c ',temporary,temporary,2026-11,' nov.csv)" = 2 ] || fail "november pays its 2 grants"; ok

# December with the same file: November's grants are not due (exit 0)
expect_exit 0 calc --period 2026-12 --grants g11.csv -o dec.csv --rejects dec-r.csv --summary dec.json clean.csv
no_grep ',temporary,' dec.csv
grep_file 'g11.csv,2,LS-2026-031,not-due,grant month 2026-11 is not the period 2026-12' dec-r.csv
grep_file 'g11.csv,3,LS-2026-032,not-due,' dec-r.csv
[ "$(num not-due dec.json)" = 2 ] || fail "two not-due grants in the summary"; ok
# a grant for a later month waits for it
sed 's/,2026-11,/,2027-01,/' g11.csv >g-later.csv
expect_exit 0 calc --period 2026-12 --grants g-later.csv -o o.csv --rejects r.csv clean.csv
grep_file 'g-later.csv,2,LS-2026-031,not-due,grant month 2027-01 is not the period 2026-12' r.csv

# the same grants re-dated to December, with November's ledger as --paid:
# already-paid, on stderr too, exit 1, no temporary line
sed 's/,2026-11,/,2026-12,/' g11.csv >g12.csv
expect_exit 0 calc --period 2026-12 --grants g12.csv -o o.csv clean.csv
[ "$(grep -c ',temporary,' o.csv)" = 2 ] || fail "re-dated grants pay without --paid"; ok
expect_exit 1 payroll-calc --standards "$D/standards.csv" --period 2026-12 --grants g12.csv \
	--paid nov.csv -o dec2.csv --rejects dec2-r.csv --summary dec2.json clean.csv
no_grep ',temporary,' dec2.csv
grep_file 'g12.csv,2,LS-2026-031,already-paid,grant LS-2026-031 was already paid in 2026-11 (an earlier ledger)' dec2-r.csv
grep_file 'g12.csv,3,LS-2026-032,already-paid,' dec2-r.csv
grep_file 'g12.csv:2: already-paid: grant LS-2026-031 was already paid in 2026-11' err
grep_file 'rejected already-paid' err
[ "$(num already-paid dec2.json)" = 2 ] || fail "two already-paid grants in the summary"; ok
[ $(( $(num rows_paid dec2.json) + $(num rows_rejected dec2.json) )) = "$(num rows_read dec2.json)" ] ||
	fail "rows do not reconcile"
ok
# the roster's own lines are the same as without grants: nothing else changed
expect_exit 0 calc --period 2026-12 -o plain.csv clean.csv
same_file plain.csv dec2.csv
# several --paid ledgers, one of them gzipped; only grants paid there are refused
{ head -1 g12.csv; sed -n 3p g12.csv; sed 's/^LS-2026-031,/LS-2026-099,/' g12.csv | sed -n 2p; } >g12b.csv
grep -v 'LS-2026-032' nov.csv | gzip -n >nov-031.csv.gz
expect_exit 0 calc --period 2026-12 --grants g12b.csv --paid nov-031.csv.gz -o o.csv --rejects r.csv clean.csv
[ "$(grep -c ',temporary,' o.csv)" = 2 ] || fail "032 and 099 are not in the paid ledger"; ok
expect_exit 1 calc --period 2026-12 --grants g12b.csv --paid nov-031.csv.gz --paid nov.csv \
	-o o.csv --rejects r.csv clean.csv
grep_file 'LS-2026-032,already-paid,' r.csv
grep_file '2026-12,LS-2026-099,temporary,temporary,2026-12,' o.csv
# a new grant to the person of a grant paid before is not a duplicate of it
{ cat g12.csv; sed -n 2p g12.csv | sed 's/^LS-2026-031,/LS-2026-131,/'; } >g12c.csv
expect_exit 1 calc --period 2026-12 --grants g12c.csv --paid nov.csv -o o.csv --rejects r.csv clean.csv
grep_file '2026-12,LS-2026-131,temporary,temporary,2026-12,' o.csv
no_grep 'duplicate' r.csv
# without --paid the two grants to one person are duplicates (both rejected)
expect_exit 1 calc --period 2026-12 --grants g12c.csv -o o.csv --rejects r.csv clean.csv
grep_file 'LS-2026-031,duplicate-id,' r.csv
grep_file 'LS-2026-131,duplicate-id,' r.csv
# the roster's own lines in a --paid ledger refuse nothing (only temporary lines count)
expect_exit 0 calc --period 2026-11 --grants g11.csv --paid dec.csv -o o.csv clean.csv
# a grant not yet due is not-due even when paid before (not-due is not an error)
expect_exit 0 calc --period 2026-12 --grants g-later.csv --paid nov.csv -o o.csv --rejects r.csv clean.csv
grep_file 'LS-2026-031,not-due,' r.csv

# a --paid ledger that cannot be read: exit 2, no output at all
fatal "no-such.csv" calc --period 2026-12 --grants g12.csv --paid no-such.csv -o o.csv --rejects r.csv --summary s.json clean.csv
cut -d, -f1-4 nov.csv >cut.csv
fatal "missing-column" calc --period 2026-12 --grants g12.csv --paid cut.csv -o o.csv --rejects r.csv --summary s.json clean.csv
sed '3s/,[0-9.]*,\([^,]*\)$/,12x.00,\1/' nov.csv >badmoney.csv
fatal "badmoney.csv:3: bad-money" calc --period 2026-12 --paid badmoney.csv -o o.csv --rejects r.csv --summary s.json clean.csv

# the month column is required: a grants file without it is refused whole
cut -d, -f1,3- g11.csv >nomonth.csv
fatal "missing-column" calc --period 2026-11 --grants nomonth.csv -o o.csv --rejects r.csv --summary s.json clean.csv
grep_file "'month'" err
expect_exit 2 payroll-check --grants nomonth.csv clean.csv
grep_file "'month'" err
# its Chinese name 发放月份 is accepted
sed '1s/,month,/,发放月份,/' g11.csv >zh.csv
expect_exit 0 calc --period 2026-11 --grants zh.csv -o zh-ledger.csv clean.csv
same_file nov.csv zh-ledger.csv
# a bad or empty month rejects the grant (check reports it too)
sed '2s/,2026-11,/,2026\/11,/; 3s/,2026-11,/,,/' g11.csv >badmonth.csv
expect_exit 1 calc --period 2026-11 --grants badmonth.csv -o o.csv --rejects r.csv clean.csv
grep_file "badmonth.csv,2,LS-2026-031,bad-month,column 2 (month): '2026/11' is not a month YYYY-MM" r.csv
grep_file "badmonth.csv,3,LS-2026-032,missing-field,column 2 (month): a month YYYY-MM is required" r.csv
expect_exit 1 payroll-check --grants badmonth.csv clean.csv
grep_file "badmonth.csv:2: bad-month" err
grep_file "badmonth.csv:3: missing-field" err
# check with a period: a grant of another month is no problem, one of the
# period is checked against its cap
expect_exit 0 payroll-check --standards "$D/standards.csv" --period 2026-12 --grants "$D/grants.csv" clean.csv
expect_exit 1 payroll-check --standards "$D/standards.csv" --period 2026-11 --grants "$D/grants.csv" clean.csv
grep_file "grants.csv:4: over-cap" err
# without a period, every grant is checked in its own month
expect_exit 1 payroll-check --standards "$D/standards.csv" --grants "$D/grants.csv" clean.csv
grep_file "grants.csv:4: over-cap" err
done_ok
