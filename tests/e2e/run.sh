# SPDX-License-Identifier: Apache-2.0
# payroll run: the month for cron. Outputs signed and checked by sha256sum
# and openssl; a second run refused; --force keeps the old one; a run
# killed at any step or out of disk leaves nothing; two runs never both
# write; the journal catches an edited or deleted line.
. "$SRC/tests/e2e/lib.sh"
D=$FIXTURES/every-code
mkdir in && cp "$D"/roster.csv "$D"/standards.csv "$D"/grants.csv "$D"/payer.conf in/
payroll-keygen --algorithm ed25519 -o key >/dev/null
conf() {	# conf ROOT [extra lines]: a configuration in the work dir
	{
		printf 'roster = in/roster.csv\nstandards = in/standards.csv\ngrants = in/grants.csv\n'
		printf 'layout = csv\nlayout = fixed-gbk\nlayout = pain001\npayer = in/payer.conf\n'
		printf 'key = key.key\noutput = %s\noffice = 东丰县民政局\n' "$1"
		shift
		printf '%s\n' "$@"
	} >"$PWD/$(basename "$1").conf"
}
run() { payroll-run --config "$PWD/$1.conf" --period "${2:-2026-11}" "${@:3}"; }
tree() { (cd "$1" && find . -type f | sort | xargs sha256sum); }

# the month: exit 1 because the demo has rejected rows
conf pay
expect_exit 1 run pay
[ ! -s out ] || fail "run printed on stdout"; ok
for step in check calc bankfile disclose approval summary sign journal; do grep_file "payroll-run: $step: " err; done
grep_file "/pay/2026-11" err; grep_file "payroll-run: done: " err
no_grep "[1/8]" err
M=pay/2026-11
for f in ledger.csv rejects.csv summary.json bank.csv bank.csv.ctl bank-fixed-gbk.txt \
	bank-pain001.xml disclosure.csv disclosure.html approval.html run.json SHA256SUMS SHA256SUMS.sig; do present "$M/$f"; done
grep_file "东丰县民政局" "$M/disclosure.html"
# the approval sheet is signed with the month, and lists each bank file by its hash
grep_file " approval.html" "$M/SHA256SUMS"; present "$M/approval.html.sig"
for f in bank.csv bank-fixed-gbk.txt bank-pain001.xml; do
	grep_file "<tr><td>$f</td><td class=\"n\">13</td><td class=\"n\">18164.00</td><td class=\"h\">$(sha256sum "$M/$f" | cut -c1-64)</td></tr>" "$M/approval.html"
done
grep_file "单位：东丰县民政局" "$M/approval.html"
grep_file "合计金额（大写）：人民币壹万捌仟壹佰陆拾肆元整" "$M/approval.html"
same_file "$D/expected/ledger.csv" "$M/ledger.csv"
(cd "$M" && sha256sum -c --strict --quiet SHA256SUMS) || fail "sha256sum -c fails"; ok
[ "$(wc -l <"$M/SHA256SUMS")" -ge 10 ] || fail "SHA256SUMS lists too few files"; ok
expect_exit 0 openssl pkeyutl -verify -pubin -inkey key.pub -rawin -in "$M/bank.csv" -sigfile "$M/bank.csv.sig"
expect_exit 0 openssl pkeyutl -verify -pubin -inkey key.pub -rawin -in "$M/SHA256SUMS" -sigfile "$M/SHA256SUMS.sig"
expect_exit 0 payroll-verify --pubkey key.pub --journal pay
[ "$(wc -l <pay/journal/journal.csv)" = 2 ] || fail "one journal entry expected"; ok
[ -z "$(ls -A pay | grep tmp)" ] || fail "a temporary directory was left"; ok

# a progress line only on a terminal (script(1) gives the run one)
if command -v script >/dev/null; then
	conf tty
	script -qec "payroll-run --config $PWD/tty.conf --period 2026-11" /dev/null >tty.out </dev/null
	grep_file "[3/8] bankfile..." tty.out
	grep_file "payroll-run: journal: " tty.out
fi

# again: exit 3, the first untouched
tree "$M" >before
expect_exit 3 run pay
grep_file "period-done" err
tree "$M" >after; same_file before after
# --force keeps the old period beside the new one, and journals both
expect_exit 1 run pay 2026-11 --force
present pay/2026-11.replaced-1/ledger.csv
tree pay/2026-11.replaced-1 >kept; same_file before kept
[ "$(wc -l <pay/journal/journal.csv)" = 3 ] || fail "two journal entries expected"; ok
expect_exit 0 payroll-verify --pubkey key.pub --journal pay
# same inputs, same outputs (the journal's run time aside)
cmp -s pay/2026-11/ledger.csv pay/2026-11.replaced-1/ledger.csv &&
	cmp -s pay/2026-11/bank-pain001.xml pay/2026-11.replaced-1/bank-pain001.xml &&
	cmp -s pay/2026-11/SHA256SUMS pay/2026-11.replaced-1/SHA256SUMS || fail "a rerun is not byte-identical"; ok

# the journal: one byte edited in an old line, a line deleted, a period edited
cp -r pay jt
sed -i '2s/,13,/,14,/' jt/journal/journal.csv
cmp -s pay/journal/journal.csv jt/journal/journal.csv && fail "the edit did not happen"; ok
expect_exit 1 payroll-verify --pubkey key.pub --journal jt
grep_file "jt/journal/journal.csv:3: broken-chain" err
grep_file "jt/journal/journal.csv:2: totals-changed" err
cp -r pay jt2
sed -i '2d' jt2/journal/journal.csv
expect_exit 1 payroll-verify --pubkey key.pub --journal jt2
grep_file "journal.csv:2: broken-chain" err
cp -r pay jt3
echo tamper >>jt3/2026-11/ledger.csv
expect_exit 1 payroll-verify --pubkey key.pub --journal jt3
grep_file "ledger.csv" err
payroll-keygen -o other >/dev/null
expect_exit 1 payroll-verify --pubkey other.pub --journal pay

# killed at each step: no period, no journal change, the next run is clean
conf killed
for step in check calc bankfile disclose approval summary sign; do
	rm -rf killed
	PAYROLL_TEST_PAUSE_AFTER=$step payroll-run --config "$PWD/killed.conf" --period 2026-11 2>/dev/null &
	pid=$!
	for _ in $(seq 100); do ls -d killed/.2026-11.tmp-* >/dev/null 2>&1 && [ -n "$(ls killed/.2026-11.tmp-*/ 2>/dev/null)" ] && break; sleep 0.1; done
	sleep 0.5
	kill -9 $pid; wait $pid 2>/dev/null
	absent killed/2026-11
	absent killed/journal
	expect_exit 1 payroll-run --config "$PWD/killed.conf" --period 2026-11
	present killed/2026-11/SHA256SUMS
	[ -z "$(ls -A killed | grep tmp)" ] || fail "the killed run's directory was not removed after $step"; ok
done

# killed between renaming the period into place and journaling it: the
# period is unjournaled, verify says so, and no run appends to the journal
# (a later month is refused) until `run --force` of that period takes the
# directory over: moved aside as .replaced-N and journaled (inputs
# "unjournaled") with the new run; then verify is clean again
conf adopt
kill_after_publish() {	# kill_after_publish ROOT PERIOD [--force]: the run killed there
	# no paused.err of the last call may answer for this one (the shell
	# truncates it only once the background job has started)
	rm -f paused.err
	PAYROLL_TEST_PAUSE_AFTER=publish payroll-run --config "$PWD/$1.conf" --period "$2" "${@:3}" 2>paused.err &
	pid=$!
	# up to 5 minutes: under valgrind on a loaded machine a whole run
	# can take far longer than it does alone
	for _ in $(seq 3000); do grep -q "publish: paused" paused.err && break; sleep 0.1; done
	kill -9 $pid; wait $pid 2>/dev/null
	grep_file "publish: paused" paused.err
	[ -d "$1/$2" ] || { cat paused.err >&2; ls -a "$1" >&2; fail "$1/$2 is not in place after publish"; }
}
kill_after_publish adopt 2026-11
present adopt/2026-11/SHA256SUMS
absent adopt/journal
expect_exit 1 payroll-verify --pubkey key.pub --journal adopt
grep_file "adopt/journal/journal.csv: missing-journal" err
grep_file "unjournaled: period directory 2026-11 has no journal entry" err
expect_exit 2 run adopt 2026-12
grep_file "unjournaled" err
absent adopt/2026-12
expect_exit 2 run adopt 2026-11
grep_file "a forced run of period 2026-11 takes it over" err
tree adopt/2026-11 >lost
expect_exit 1 run adopt 2026-11 --force
grep_file "has no journal entry (a run killed before its journal)" err
tree adopt/2026-11.replaced-1 >kept; same_file lost kept
[ "$(wc -l <adopt/journal/journal.csv)" = 3 ] || fail "the taken-over period and the new one expected"; ok
[ "$(sed -n 2p adopt/journal/journal.csv | cut -d, -f4)" = unjournaled ] || fail "the taken-over entry is not marked"; ok
[ "$(sed -n 2p adopt/journal/journal.csv | cut -d, -f5)" = "$(sha256sum <adopt/2026-11.replaced-1/SHA256SUMS | cut -d' ' -f1)" ] ||
	fail "the taken-over entry does not record its SHA256SUMS"; ok
expect_exit 0 payroll-verify --pubkey key.pub --journal adopt
# the same for a --force run killed there (the old period already moved aside)
kill_after_publish adopt 2026-11 --force
[ -d adopt/2026-11.replaced-2 ] || { cat paused.err >&2; ls -a adopt >&2; fail "adopt/2026-11.replaced-2 should exist"; }; ok
expect_exit 1 payroll-verify --pubkey key.pub --journal adopt
grep_file "unjournaled: period 2026-11 has 3 directories" err
no_grep "manifest-changed" err
expect_exit 2 run adopt 2026-12
expect_exit 1 run adopt 2026-11 --force
present adopt/2026-11.replaced-3
[ "$(wc -l <adopt/journal/journal.csv)" = 5 ] || fail "four journal entries expected"; ok
expect_exit 0 payroll-verify --pubkey key.pub --journal adopt
expect_exit 1 run adopt 2026-12
expect_exit 0 payroll-verify --pubkey key.pub --journal adopt
# a period directory whose files do not verify is not taken over
kill_after_publish adopt 2026-11 --force
echo tamper >>adopt/2026-11/ledger.csv
expect_exit 2 run adopt 2026-11 --force
grep_file "adopt/2026-11/ledger.csv: hash-mismatch" err
grep_file "a run appends only to a journal that verifies" err
absent adopt/2026-11.replaced-5

# out of disk: a write fails midway; exit 2, nothing half-written
conf full
rm -rf full; mkdir full
( ulimit -f 8; trap '' XFSZ; payroll-run --config "$PWD/full.conf" --period 2026-11 >out 2>err ); rc=$?
[ "$rc" = 2 ] || { cat err; fail "out of disk: exit $rc"; }; ok
grep_file "cannot write" err
absent full/2026-11; absent full/journal
[ -z "$(ls -A full | grep tmp)" ] || fail "out of disk left a temporary directory"; ok

# two runs at once: the second refuses (or waits), never both write
conf busy
PAYROLL_TEST_PAUSE_AFTER=calc payroll-run --config "$PWD/busy.conf" --period 2026-11 2>/dev/null &
pid=$!
for _ in $(seq 3000); do ls -d busy/.2026-11.tmp-* >/dev/null 2>&1 && break; sleep 0.1; done
expect_exit 2 run busy
grep_file "locked" err
expect_exit 2 run busy 2026-11 --wait 1
kill -9 $pid; wait $pid 2>/dev/null
expect_exit 1 run busy 2026-11 --wait 5
# the lock cannot be deleted from under a run (it was ROOT/.lock, which a
# second run re-created and locked, then removed the first one's work)
conf busy2
PAYROLL_TEST_PAUSE_AFTER=bankfile:6 payroll-run --config "$PWD/busy2.conf" --period 2026-11 2>first.err &
pid=$!
for _ in $(seq 3000); do ls -d busy2/.2026-11.tmp-*/bank.csv >/dev/null 2>&1 && break; sleep 0.1; done
work=$(ls -d busy2/.2026-11.tmp-*)
rm -f busy2/.lock
expect_exit 2 run busy2
grep_file "locked" err
present "$work/ledger.csv"
absent busy2/2026-11
wait $pid; rc=$?
[ "$rc" = 1 ] || { cat first.err >&2; fail "the first run did not complete: exit $rc"; }; ok
present busy2/2026-11/SHA256SUMS
expect_exit 0 payroll-verify --pubkey key.pub --journal busy2

# the configuration: errors name the file and line
conf bad 'colour = blue'
expect_exit 2 run bad
grep_file "bad.conf:11: unknown-key" err
conf bad2 'pass = hunter2'
expect_exit 2 run bad2
grep_file "never the passphrase" err
printf 'roster = in/roster.csv\n' >bad3.conf
expect_exit 2 payroll-run --config "$PWD/bad3.conf" --period 2026-11
grep_file "missing-key" err
conf bad4 'roster = again.csv'
expect_exit 2 run bad4
grep_file "duplicate-key" err
cp key.key loose.key; chmod 644 loose.key
conf loose 'key = loose.key'
sed -i '/^key = key.key$/d' loose.conf
expect_exit 2 run loose
grep_file "chmod 600" err
absent loose/2026-11

expect_exit 0 payroll-run --help; grep_file "usage:" out
expect_exit 0 payroll-run --version
expect_exit 2 payroll-run --config x.conf
done_ok
