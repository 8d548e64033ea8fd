# SPDX-License-Identifier: Apache-2.0
# frontend: one front end for every tool (cmd/common/opt.c). --help against the
# man pages, the dispatcher's verbs and the library's error codes
# (frontend.py), then the exact usage errors of every tool.
. "$SRC/tests/e2e/lib.sh"
L=$FIXTURES/every-code/expected/ledger.csv

python3 "$SRC/tests/e2e/frontend.py" "$BIN" "$SRC" >py.out 2>&1 || { cat py.out >&2; fail "frontend.py"; }
grep_file "0 problems" py.out

# usage_error MESSAGE CMD...: CMD exits 2 with exactly
# "payroll-VERB: MESSAGE; try 'payroll-VERB --help'" and nothing else.
usage_error() {
	local msg=$1 name=${2##*/}; shift
	expect_exit 2 "$@"
	printf "%s: %s; try '%s --help'\n" "$name" "$msg" "$name" >want
	same_file want err
	[ ! -s out ] || fail "$* wrote to standard output"; ok
}

# cols80 FILE: every line fits 80 terminal columns (a CJK character takes 2)
cols80() {
	python3 -c 'import sys, unicodedata
bad = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines()
       if sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l) > 80]
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)' "$1"
}

tools=
for src in "$SRC"/cmd/*.c; do
	v=${src##*/}; v=${v%.c}
	case $v in payroll) continue ;; esac
	tools="$tools $v"
done
[ "$(echo $tools | wc -w)" -ge 14 ] || fail "tools: $tools"; ok

for v in $tools; do
	t=payroll-$v
	usage_error "unknown option '--bogus'" "$t" --bogus
	usage_error "unknown option '--bogus'" "$t" --bogus=1
	usage_error "unknown option '-Z'" "$t" -Z
	usage_error "'--help' takes no value" "$t" --help=yes
	usage_error "'--version' takes no value" "$t" --version=1
	# the first option of --help that takes a value, given none
	opt=$("$t" --help | sed -n 's/^  \(-., \)\{0,1\}\( *\)\(--[a-z-]*\) [A-Za-z].*/\3/p' | head -1)
	[ -n "$opt" ] || fail "$t: no option with a value in --help"
	usage_error "missing argument to '$opt'" "$t" "$opt"
	# --help and --version: standard output only, exit 0, lines of 80 columns at most
	expect_exit 0 "$t" --help
	[ ! -s err ] || fail "$t --help wrote to standard error"
	grep_file "usage: $t " out
	cols80 out || fail "$t --help: a line over 80 columns"
	expect_exit 0 "$t" -h; grep_file "usage: $t " out
	expect_exit 0 "$t" --version
	[ "$(cat out)" = "$t 0.1.0" ] || fail "$t --version: $(cat out)"; ok
	# an option's value is never taken for --help: "--" ends options, and
	# "--help" after it is an operand (a file that does not exist)
	"$t" -- --help >out 2>err
	no_grep "usage:" out
done

# a short option's missing argument is named as given
usage_error "missing argument to '-o'" payroll-calc -o
usage_error "missing argument to '--output'" payroll-calc --standards s.csv --output

# numbers: every bound, empty, spaces, signs, suffixes
number() {
	local t=$1 opt=$2 min=$3 max=$4 v
	for v in "" abc " 5" "5 " "+5" 5x 0x10 1e3 1.5 $((min - 1)) $((max + 1)) 99999999999999999999; do
		usage_error "invalid value '$v' for '$opt': expected a whole number from $min to $max" \
			"payroll-$t" "$opt" "$v"
	done
}
number run --wait 0 86400
number disclose --notice-days 1 365
number audit --jump 1 1000
number bankfile --max-count 1 100000000
number inspect --show 0 1000000000
# in bounds, the number is taken (the run fails later for another reason)
expect_exit 2 payroll-run --wait 86400 --config nosuch.conf --period 2026-11
no_grep "invalid value" err
usage_error "invalid value '' for '--max-amount': expected an amount in yuan, at least 0.01" \
	payroll-bankfile --max-amount ''
usage_error "invalid value '2026-13' for '--period': expected a month YYYY-MM" \
	payroll-calc --period 2026-13
usage_error "invalid value '' for '--period': expected a month YYYY-MM" payroll-check --period ''
usage_error "invalid value 'latin1' for '--encoding': expected auto, utf-8 or gb18030" \
	payroll-calc --encoding latin1
usage_error "invalid value 'pdf' for '--format': expected text, json or csv" \
	payroll-inspect --format pdf
usage_error "invalid value 'xml' for '--format': expected text, csv or json" payroll-diff --format xml
usage_error "invalid value 'bank' for '--split-by': expected locality" payroll-disclose --split-by bank
usage_error "invalid value 'rsa' for '--algorithm': expected ed25519, sm2 or ecdsa-p256" \
	payroll-keygen --algorithm rsa
usage_error "invalid value '' for '--output': expected a file name" payroll-report -o '' "$L"
usage_error "invalid value 'deceased' for '--list': expected NAME=FILE" \
	payroll-audit --list deceased "$L"

# required options, operands, abbreviations, repetition
usage_error "'--standards' is required" payroll-calc --period 2026-11 roster.csv
usage_error "'--output' is required" payroll-disclose "$L"
usage_error "expected ROSTER" payroll-calc --standards s.csv --period 2026-11
usage_error "expected OLD NEW" payroll-diff a.csv
usage_error "unexpected argument 'c.csv'" payroll-diff a.csv b.csv c.csv
usage_error "unexpected argument 'extra'" payroll-run --config c.conf --period 2026-11 extra
usage_error "ambiguous option '--s'" payroll-calc --s x
usage_error "'--quiet' takes no value" payroll-calc --quiet=yes
usage_error "'--journal' takes no FILE" payroll-verify --pubkey k.pub --journal root f.csv
paid=
for i in $(seq 17); do paid="$paid --paid-ledger $L"; done
# shellcheck disable=SC2086
usage_error "'--paid-ledger' given more than 16 times" payroll-reconcile --ledger "$L" --result r.csv $paid
# an abbreviation that is one option's prefix is that option
expect_exit 0 payroll-disclose --notice-d 10 -o abbrev.csv "$L"
present abbrev.csv

# the library names an option neutrally (struct payroll_error.option) and
# the tool words it with its flag; the same text run would word by the key
libopt() {
	local want=$1; shift
	expect_exit 2 "$@"
	printf '%s\n' "$want" >want
	same_file want err
}
libopt "payroll-diff: usage: --key 'a,,b': an empty column name" payroll-diff --key a,,b "$L" "$L"
libopt "payroll-diff: usage: --ignore names no column 'nosuch' of either file" \
	payroll-diff --ignore nosuch "$L" "$L"
expect_exit 2 payroll-diff --tolerance 1.234 "$L" "$L"
grep_file "payroll-diff: usage: --tolerance '1.234': " err
libopt "payroll-bankfile: missing-payer: --payer FILE is needed by layout pain001" \
	payroll-bankfile --layout pain001 -o t.xml "$L"
libopt "payroll-bankfile: usage: --output - writes one file; this layout or a split by bank writes several" \
	payroll-bankfile --layout csv --split-by bank -o - "$L"
libopt "payroll-disclose: usage: --html is needed, a file name, to split the pages by locality" \
	payroll-disclose --split-by locality -o l.csv "$L"
libopt "payroll-disclose: usage: --notice-from '2026-13-01' is not a date YYYY-MM-DD" \
	payroll-disclose --notice-from 2026-13-01 -o l.csv "$L"
libopt "payroll-keygen: pass: --pass takes env:VAR or file:PATH, never the passphrase itself" \
	payroll-keygen --pass secret -o k
libopt "payroll-keygen: pass: --pass env: needs a variable name" payroll-keygen --pass env: -o k
absent k.key; absent l.csv; absent t.csv

# the dispatcher
usage_error "unknown option '--bogus'" payroll --bogus
usage_error "unknown verb 'nosuch'" payroll nosuch
usage_error "expected VERB [ARGS...]" payroll
expect_exit 2 payroll calc --bogus
printf "payroll-calc: unknown option '--bogus'; try 'payroll-calc --help'\n" >want
same_file want err

# --office -h: -h is the office, never --help (getopt: a value is the next word)
expect_exit 0 payroll-disclose --office -h --phone --help --html page.html -o list.csv "$L"
no_grep "usage:" out
present list.csv
grep_file "（公章）：-h<" page.html
grep_file "监督电话：--help<" page.html
expect_exit 0 payroll-disclose --office=-h -o list2.csv "$L"
no_grep "usage:" out
# a value that starts with - is taken for an option taking one, even -o's
rm -f ./-h
expect_exit 0 payroll-disclose -o -h "$L"
present ./-h
rm -f ./-h

done_ok
