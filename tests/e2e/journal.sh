# SPDX-License-Identifier: Apache-2.0
# The run journal (ROOT/journal.csv): every run appends a line chained to
# the one before and re-signs the file; verify --journal walks the chain,
# each period's manifest, signatures and totals, and names the first
# line that was edited or removed.
. "$SRC/tests/e2e/lib.sh"
D=$FIXTURES/demo
mkdir in && cp "$D"/roster.csv "$D"/standards.csv "$D"/grants.csv in/
payroll-keygen --algorithm ecdsa-p256 -o key >/dev/null
printf 'roster = in/roster.csv\nstandards = in/standards.csv\ngrants = in/grants.csv\nlayout = csv\nkey = key.key\noutput = pay\n' >pay.conf
run() { payroll-run --config "$PWD/pay.conf" "$@" 2>err; rc=$?; [ "$rc" -le 1 ] || { cat err; fail "run $*: exit $rc"; }; ok; }
run --period 2026-10
run --period 2026-11
run --period 2026-11 --force
[ "$(wc -l <pay/journal.csv)" = 4 ] || fail "three journal entries expected"; ok
head -1 pay/journal.csv >h
printf 'period,run_time,version,inputs,sums_sha256,rows_paid,total,prev_sha256\n' >want; same_file want h
# the chain by independent tools: each entry's last field is the SHA-256 of the line before
for n in 2 3 4; do
	want=$(sed -n "$((n - 1))p" pay/journal.csv | sha256sum | cut -d' ' -f1)
	got=$(sed -n "${n}p" pay/journal.csv | awk -F, '{ print $8 }')
	[ "$want" = "$got" ] || fail "line $n does not chain to line $((n - 1))"; ok
done
# each entry's manifest hash is that of the period's SHA256SUMS
[ "$(sed -n 4p pay/journal.csv | cut -d, -f5)" = "$(sha256sum <pay/2026-11/SHA256SUMS | cut -d' ' -f1)" ] ||
	fail "entry 3 does not record 2026-11/SHA256SUMS"; ok
[ "$(sed -n 3p pay/journal.csv | cut -d, -f5)" = "$(sha256sum <pay/2026-11.replaced-1/SHA256SUMS | cut -d' ' -f1)" ] ||
	fail "entry 2 does not record the replaced 2026-11"; ok
grep_file "roster=$(sha256sum <in/roster.csv | cut -d' ' -f1)" pay/journal.csv
openssl dgst -sha256 -verify key.pub -signature pay/journal.csv.sig pay/journal.csv >/dev/null ||
	fail "openssl does not verify journal.csv.sig"; ok
expect_exit 0 payroll-verify --pubkey key.pub --journal pay
[ ! -s out ] || fail "verify printed on stdout"; ok

# one byte of an old line (the first entry's rows paid): that line is named
cp -r pay t1
sed -i '2s/^\(\([^,]*,\)\{5\}\)\([0-9]\)/\1x/' t1/journal.csv
cmp -s pay/journal.csv t1/journal.csv && fail "the edit did not happen"; ok
expect_exit 1 payroll-verify --pubkey key.pub --journal t1
grep_file "t1/journal.csv:3: broken-chain: this entry did not follow line 2 as it is now: line 2 was edited" err
grep_file "t1/journal.csv:2: totals-changed" err
grep_file "bad-signature" err
# one byte of the run time: only the chain and the signature can tell
cp -r pay t2
sed -i '2s/T/t/' t2/journal.csv
expect_exit 1 payroll-verify --pubkey key.pub --journal t2
grep_file "t2/journal.csv:3: broken-chain" err
# the last line's total: no next line, but the period's run.json names it
cp -r pay t3
sed -i '4s/,\([0-9]*\)\.\([0-9][0-9]\),/,1\1.\2,/' t3/journal.csv
expect_exit 1 payroll-verify --pubkey key.pub --journal t3
grep_file "t3/journal.csv:4: totals-changed" err
# a deleted line: the one after it no longer follows
cp -r pay t4
sed -i '2d' t4/journal.csv
expect_exit 1 payroll-verify --pubkey key.pub --journal t4
grep_file "t4/journal.csv:2: broken-chain" err
grep_file "unjournaled: period directory 2026-10" err
# the last line deleted (and the file re-signed by someone with the key):
# its period has no entry
cp -r pay t5
sed -i '$d' t5/journal.csv
openssl dgst -sha256 -sign key.key -out t5/journal.csv.sig t5/journal.csv
expect_exit 1 payroll-verify --pubkey key.pub --journal t5
grep_file "unjournaled: period 2026-11 has 2 directories" err
# a period's file changed, its signature gone, the journal's signature gone
cp -r pay t6
printf 'x' >>t6/2026-10/ledger.csv
expect_exit 1 payroll-verify --pubkey key.pub --journal t6
grep_file "ledger.csv" err
grep_file "t6/journal.csv:2: period-broken" err
cp -r pay t7
rm t7/journal.csv.sig
expect_exit 1 payroll-verify --pubkey key.pub --journal t7
grep_file "missing-signature" err
cp -r pay t8
rm -r t8/2026-10
expect_exit 1 payroll-verify --pubkey key.pub --journal t8
grep_file "t8/journal.csv:2: missing-period" err
# last month's bank file and its valid signature dropped into this month:
# every file not listed in SHA256SUMS is named
cp -r pay t9
cp t9/2026-10/bank.csv t9/2026-11/bank-2026-10.csv
cp t9/2026-10/bank.csv.sig t9/2026-11/bank-2026-10.csv.sig
expect_exit 0 payroll-verify --pubkey key.pub t9/2026-11/bank-2026-10.csv
expect_exit 1 payroll-verify --pubkey key.pub --journal t9
grep_file "t9/journal.csv:4: extra-file: t9/2026-11/bank-2026-10.csv is not listed in t9/2026-11/SHA256SUMS" err
grep_file "extra-file: t9/2026-11/bank-2026-10.csv.sig is not listed" err
[ "$(grep -c extra-file err)" = 2 ] || fail "only the two dropped-in files are extra"; ok
mkdir t9/2026-10/notes
expect_exit 1 payroll-verify --pubkey key.pub --journal t9
grep_file "t9/journal.csv:2: extra-file: t9/2026-10/notes is not listed" err
# another key, no journal, a usage error
payroll-keygen -o other >/dev/null
expect_exit 1 payroll-verify --pubkey other.pub --journal pay
mkdir empty
expect_exit 2 payroll-verify --pubkey key.pub --journal empty
grep_file "missing-journal" err
expect_exit 2 payroll-verify --pubkey key.pub --journal pay extra-file
# the original is still whole
expect_exit 0 payroll-verify --pubkey key.pub --journal pay
done_ok
