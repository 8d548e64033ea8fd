# SPDX-License-Identifier: Apache-2.0
# Disk full mid-write, for every writer (issue 10, item 4): each write(2)
# in turn fails with ENOSPC (strace fault injection), and the command must
# exit 2 naming the file and the errno, leaving no output behind; a file
# size limit (ulimit -f, SIGXFSZ ignored) likewise. A failed write to
# stderr (a log line) is allowed to pass.
. "$SRC/tests/e2e/lib.sh"
if ! command -v strace >/dev/null || ! strace -f -o /dev/null true 2>/dev/null; then
	[ "${CI:-}" != true ] || fail "strace is needed (and ptrace allowed) for this test"
	echo "skip: strace missing or ptrace not allowed"
	exit 77
fi
D=$FIXTURES/every-code
mkdir in && cp "$D"/roster.csv "$D"/standards.csv "$D"/grants.csv "$D"/payer.conf in/
cp "$FIXTURES"/layouts/gbk-fixed-ctl.layout in/
payroll-calc --standards in/standards.csv --grants in/grants.csv --period 2026-11 \
	-o ledger.csv -q in/roster.csv 2>/dev/null
present ledger.csv
payroll-keygen --algorithm ed25519 -o key >/dev/null

setup_none() { :; }
setup_sign() { cp ledger.csv in/roster.csv "$1"/; }

# inject_each DIR SETUP CMD...: write number 1, 2, ... of CMD fails in
# turn until CMD makes no more writes. Each failure on a file: exit 2, an
# error line naming a path in DIR and strerror(ENOSPC), and DIR as SETUP
# left it. Then CMD once without a fault, which must succeed.
inject_each() {
	local dir=$1 setup=$2 n=1 rc hit files=0
	shift 2
	while :; do
		rm -rf "$dir" && mkdir "$dir" && "$setup" "$dir"
		ls -A "$dir" | grep -vx '.lock' >before
		# (LeakSanitizer cannot run under ptrace: off for a sanitizer build)
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			strace -f -o trace -e trace=write -e inject=write:error=ENOSPC:when=$n "$@" >out 2>err
		rc=$?
		hit=$(grep -m1 'INJECTED' trace)
		[ -n "$hit" ] || break
		case $hit in
		*" write(1, "* | *" write(2, "* | "write(1, "* | "write(2, "*) ;;
		*)
			files=$((files + 1))
			[ "$rc" = 2 ] || { cat err >&2; fail "write $n of '$*' failed ($hit): exit $rc"; }
			grep -q "$dir/.*: No space left on device\$" err ||
				{ cat err >&2; fail "write $n of '$*': the file and the errno are not named"; }
			no_grep "unknown error" err
			ls -A "$dir" | grep -vx '.lock' >after
			same_file before after
			;;
		esac
		n=$((n + 1))
	done
	[ "$files" -ge 1 ] || fail "'$*' made no write to a file"
	[ "$rc" -le 1 ] || { cat err >&2; fail "'$*' without a fault: exit $rc"; }
	ok
}

inject_each o setup_none payroll-calc --standards in/standards.csv --grants in/grants.csv \
	--period 2026-11 -o o/ledger.csv --rejects o/rejects.csv --summary o/summary.json -q in/roster.csv
inject_each o setup_none payroll-bankfile --layout csv -o o/bank.csv ledger.csv
inject_each o setup_none payroll-bankfile --layout fixed-gbk -o o/bank.txt ledger.csv
inject_each o setup_none payroll-bankfile --layout pain001 --payer in/payer.conf -o o/bank.xml ledger.csv
inject_each o setup_none payroll-bankfile --layout in/gbk-fixed-ctl.layout -o o/bank.txt ledger.csv
inject_each o setup_none payroll-disclose -o o/list.csv --html o/page.html ledger.csv
inject_each o setup_sign payroll-sign --key key.key --manifest o/ledger.csv o/roster.csv
{
	printf 'roster = in/roster.csv\nstandards = in/standards.csv\ngrants = in/grants.csv\n'
	printf 'layout = csv\nlayout = fixed-gbk\nlayout = pain001\nlayout = in/gbk-fixed-ctl.layout\n'
	printf 'payer = in/payer.conf\nkey = key.key\noutput = root\n'
} >run.conf
inject_each root setup_none payroll-run --config "$PWD/run.conf" --period 2026-11

# a bank file large enough that pain001's writer flushes in the middle of
# the transfers (the write error there was lost: exit 0, "0 files written")
python3 "$SRC/bench/gen_ledger.py" 2000 big.csv
inject_each o setup_none payroll-bankfile --layout pain001 --payer in/payer.conf -o o/big.xml big.csv
mkdir lim
# (KiB: each under its bank file's size; the spool in /tmp may fail first)
for L in pain001:300 csv:100 fixed-gbk:200 in/gbk-fixed-ctl.layout:200; do
	lim=${L##*:} L=${L%:*} payer=
	[ "$L" = pain001 ] && payer="--payer in/payer.conf"
	# shellcheck disable=SC2086
	(ulimit -f "$lim"; trap '' XFSZ; exec payroll-bankfile --layout "$L" $payer -o lim/big.out big.csv) >out 2>err
	rc=$?
	[ "$rc" = 2 ] || { cat err >&2; fail "$L over the file size limit: exit $rc"; }; ok
	grep_file "lim/big.out" err
	grep_file ": File too large" err
	no_grep "I/O error" err
	[ -z "$(ls -A lim)" ] || fail "$L over the file size limit left $(ls -A lim)"; ok
done
done_ok
