# SPDX-License-Identifier: Apache-2.0
# The run journal (ROOT/journal/journal.csv, with its .sig): every run appends a line chained to
# the one before and re-signs the file; verify --journal walks the chain,
# each period's manifest, signatures and totals, and names the first
# line that was edited or removed.
. "$SRC/tests/e2e/lib.sh"
D=$FIXTURES/every-code
mkdir in && cp "$D"/roster.csv "$D"/standards.csv "$D"/grants.csv in/
payroll-keygen --algorithm ecdsa-p256 -o key >/dev/null
printf 'roster = in/roster.csv\nstandards = in/standards.csv\ngrants = in/grants.csv\nlayout = csv\nkey = key.key\noutput = pay\n' >pay.conf
run() { payroll-run --config "$PWD/pay.conf" "$@" 2>err; rc=$?; [ "$rc" -le 1 ] || { cat err; fail "run $*: exit $rc"; }; ok; }
run --period 2026-10
run --period 2026-11
run --period 2026-11 --force
[ "$(wc -l <pay/journal/journal.csv)" = 4 ] || fail "three journal entries expected"; ok
head -1 pay/journal/journal.csv >h
printf 'period,run_time,version,inputs,sums_sha256,rows_paid,total,prev_sha256\n' >want; same_file want h
# the chain by independent tools: each entry's last field is the SHA-256 of the line before
for n in 2 3 4; do
	want=$(sed -n "$((n - 1))p" pay/journal/journal.csv | sha256sum | cut -d' ' -f1)
	got=$(sed -n "${n}p" pay/journal/journal.csv | awk -F, '{ print $8 }')
	[ "$want" = "$got" ] || fail "line $n does not chain to line $((n - 1))"; ok
done
# each entry's manifest hash is that of the period's SHA256SUMS
[ "$(sed -n 4p pay/journal/journal.csv | cut -d, -f5)" = "$(sha256sum <pay/2026-11/SHA256SUMS | cut -d' ' -f1)" ] ||
	fail "entry 3 does not record 2026-11/SHA256SUMS"; ok
[ "$(sed -n 3p pay/journal/journal.csv | cut -d, -f5)" = "$(sha256sum <pay/2026-11.replaced-1/SHA256SUMS | cut -d' ' -f1)" ] ||
	fail "entry 2 does not record the replaced 2026-11"; ok
grep_file "roster=$(sha256sum <in/roster.csv | cut -d' ' -f1)" pay/journal/journal.csv
openssl dgst -sha256 -verify key.pub -signature pay/journal/journal.csv.sig pay/journal/journal.csv >/dev/null ||
	fail "openssl does not verify journal.csv.sig"; ok
expect_exit 0 payroll-verify --pubkey key.pub --journal pay
[ ! -s out ] || fail "verify printed on stdout"; ok

# one byte of an old line (the first entry's rows paid): that line is named
cp -r pay t1
sed -i '2s/^\(\([^,]*,\)\{5\}\)\([0-9]\)/\1x/' t1/journal/journal.csv
cmp -s pay/journal/journal.csv t1/journal/journal.csv && fail "the edit did not happen"; ok
expect_exit 1 payroll-verify --pubkey key.pub --journal t1
grep_file "t1/journal/journal.csv:3: broken-chain: this entry did not follow line 2 as it is now: line 2 was edited" err
grep_file "t1/journal/journal.csv:2: totals-changed" err
grep_file "bad-signature" err
# one byte of the run time: only the chain and the signature can tell
cp -r pay t2
sed -i '2s/T/t/' t2/journal/journal.csv
expect_exit 1 payroll-verify --pubkey key.pub --journal t2
grep_file "t2/journal/journal.csv:3: broken-chain" err
# the last line's total: no next line, but the period's run.json names it
cp -r pay t3
sed -i '4s/,\([0-9]*\)\.\([0-9][0-9]\),/,1\1.\2,/' t3/journal/journal.csv
expect_exit 1 payroll-verify --pubkey key.pub --journal t3
grep_file "t3/journal/journal.csv:4: totals-changed" err
# a deleted line: the one after it no longer follows
cp -r pay t4
sed -i '2d' t4/journal/journal.csv
expect_exit 1 payroll-verify --pubkey key.pub --journal t4
grep_file "t4/journal/journal.csv:2: broken-chain" err
grep_file "unjournaled: period directory 2026-10" err
# the last line deleted (and the file re-signed by someone with the key):
# its period has no entry
cp -r pay t5
sed -i '$d' t5/journal/journal.csv
openssl dgst -sha256 -sign key.key -out t5/journal/journal.csv.sig t5/journal/journal.csv
expect_exit 1 payroll-verify --pubkey key.pub --journal t5
grep_file "unjournaled: period 2026-11 has 2 directories" err
# a period's file changed, its signature gone, the journal's signature gone
cp -r pay t6
printf 'x' >>t6/2026-10/ledger.csv
expect_exit 1 payroll-verify --pubkey key.pub --journal t6
grep_file "ledger.csv" err
grep_file "t6/journal/journal.csv:2: period-broken" err
cp -r pay t7
rm t7/journal/journal.csv.sig
expect_exit 1 payroll-verify --pubkey key.pub --journal t7
grep_file "missing-signature" err
cp -r pay t8
rm -r t8/2026-10
expect_exit 1 payroll-verify --pubkey key.pub --journal t8
grep_file "t8/journal/journal.csv:2: missing-period" err
# last month's bank file and its valid signature dropped into this month:
# every file not listed in SHA256SUMS is named
cp -r pay t9
cp t9/2026-10/bank.csv t9/2026-11/bank-2026-10.csv
cp t9/2026-10/bank.csv.sig t9/2026-11/bank-2026-10.csv.sig
expect_exit 0 payroll-verify --pubkey key.pub t9/2026-11/bank-2026-10.csv
expect_exit 1 payroll-verify --pubkey key.pub --journal t9
grep_file "t9/journal/journal.csv:4: extra-file: t9/2026-11/bank-2026-10.csv is not listed in t9/2026-11/SHA256SUMS" err
grep_file "extra-file: t9/2026-11/bank-2026-10.csv.sig is not listed" err
[ "$(grep -c extra-file err)" = 2 ] || fail "only the two dropped-in files are extra"; ok
mkdir t9/2026-10/notes
expect_exit 1 payroll-verify --pubkey key.pub --journal t9
grep_file "t9/journal/journal.csv:2: extra-file: t9/2026-10/notes is not listed" err
# a run verifies the whole journal before it appends: the last line
# edited (only the signature can tell), or edited and re-signed by someone
# with the key (its totals), or deleted and re-signed: exit 2, the problem
# named, the journal untouched and no period written
conf_for() { sed "s|^output = .*|output = $1|" pay.conf >"$1.conf"; }
for t in e1 e2 e3; do cp -r pay $t; conf_for $t; done
sed -i '4s/T/t/' e1/journal/journal.csv
sed -i '4s/,\([0-9]*\)\.\([0-9][0-9]\),/,1\1.\2,/' e2/journal/journal.csv
openssl dgst -sha256 -sign key.key -out e2/journal/journal.csv.sig e2/journal/journal.csv
sed -i '$d' e3/journal/journal.csv
openssl dgst -sha256 -sign key.key -out e3/journal/journal.csv.sig e3/journal/journal.csv
for t in e1 e2 e3; do
	cp -r $t/journal $t.before
	expect_exit 2 payroll-run --config "$PWD/$t.conf" --period 2026-12
	absent $t/2026-12
	diff -r $t.before $t/journal >/dev/null || fail "run changed the journal of $t"; ok
	grep_file "a run appends only to a journal that verifies" err
done
expect_exit 2 payroll-run --config "$PWD/e1.conf" --period 2026-12
grep_file "e1/journal/journal.csv: bad-signature" err
expect_exit 2 payroll-run --config "$PWD/e2.conf" --period 2026-12
grep_file "e2/journal/journal.csv:4: totals-changed" err
expect_exit 2 payroll-run --config "$PWD/e3.conf" --period 2026-12
grep_file "e3/journal/journal.csv: unjournaled: period 2026-11 has 2 directories" err
# an earlier line edited: its chain; a file dropped into a period
cp -r pay e4; conf_for e4
sed -i '2s/T/t/' e4/journal/journal.csv
expect_exit 2 payroll-run --config "$PWD/e4.conf" --period 2026-12
grep_file "e4/journal/journal.csv" err
cp -r pay e5; conf_for e5
cp e5/2026-10/bank.csv e5/2026-11/bank-2026-10.csv
expect_exit 2 payroll-run --config "$PWD/e5.conf" --period 2026-12
grep_file "e5/journal/journal.csv:4: extra-file" err
absent e5/2026-12

# the journal and its signature are one directory, replaced by one rename:
# nothing else in it, no temporary left; a leftover of a run killed
# between the rename and the removal of the old directory goes next time
[ "$(ls -A pay/journal | tr '\n' ' ')" = "journal.csv journal.csv.sig " ] || fail "journal/ holds $(ls -A pay/journal)"; ok
[ -z "$(ls -A pay | grep tmp)" ] || fail "a temporary was left in pay"; ok
cp -r pay j2; conf_for j2
mkdir j2/.journal.tmp-AbCdEf && cp pay/journal/* j2/.journal.tmp-AbCdEf/
run_in() { payroll-run --config "$PWD/$1.conf" --period "$2" 2>err; rc=$?; [ "$rc" -le 1 ] || { cat err; fail "run $1 $2: exit $rc"; }; ok; }
run_in j2 2026-12
absent j2/.journal.tmp-AbCdEf
[ "$(wc -l <j2/journal/journal.csv)" = 5 ] || fail "four journal entries expected"; ok
openssl dgst -sha256 -verify key.pub -signature j2/journal/journal.csv.sig j2/journal/journal.csv >/dev/null ||
	fail "openssl does not verify the appended journal"; ok
expect_exit 0 payroll-verify --pubkey key.pub --journal j2
# a root of an earlier version (ROOT/journal.csv and .sig): verified as it
# is, and carried into ROOT/journal by the next run
cp -r pay j3; conf_for j3
mv j3/journal/journal.csv j3/journal/journal.csv.sig j3/ && rmdir j3/journal
expect_exit 0 payroll-verify --pubkey key.pub --journal j3
run_in j3 2026-12
absent j3/journal.csv; absent j3/journal.csv.sig
[ "$(wc -l <j3/journal/journal.csv)" = 5 ] || fail "four journal entries expected after carrying over"; ok
expect_exit 0 payroll-verify --pubkey key.pub --journal j3

# the journal directory a symbolic link (to another root's): refused, the
# target untouched
cp -r pay l1; conf_for l1
mv l1/journal l1-target && ln -s "$PWD/l1-target" l1/journal
cp -r l1-target l1-before
expect_exit 2 payroll-run --config "$PWD/l1.conf" --period 2026-12
grep_file "l1/journal: symlink" err
absent l1/2026-12
diff -r l1-before l1-target >/dev/null || fail "the journal a link points to was changed"; ok

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
