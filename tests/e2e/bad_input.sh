# SPDX-License-Identifier: Apache-2.0
# bad_input.sh: one file per way a spreadsheet breaks a roster or a
# standards file (fixtures/bad/), each run through calc with the demo
# standards: the exit code, the message code on stderr or in the rejects
# file, and on a fatal error no output at all. The huge inputs (a 10 MB
# field, 100k columns, a field over the 16 MiB limit) are generated here.
. "$SRC/tests/e2e/lib.sh"
D=$FIXTURES/every-code
B=$FIXTURES/bad

# run FILE [STANDARDS]: calc into o.csv, r.csv, s.json
run() {
	rm -f o.csv r.csv s.json
	payroll-calc -q --standards "${2:-$D/standards.csv}" --period 2026-11 \
		-o o.csv --rejects r.csv --summary s.json "$1" >out 2>err
}
num() { grep -o "\"$1\": [0-9]*" s.json | head -1 | grep -o '[0-9]*$'; }

# check FILE EXIT WHERE CODE [LINE] [STANDARDS]: WHERE is stderr (the
# code in a FILE:LINE: CODE: message), rejects (a rejects row with the
# code, and the same on stderr), or none (no problem at all).
check() {
	local file=$1 want=$2 where=$3 code=$4 line=${5:-} std=${6:-}
	local name=${file##*/}
	run "$file" "$std"
	local got=$?
	[ "$got" = "$want" ] || { cat err >&2; fail "$name: expected exit $want, got $got"; }
	ok
	case $where in
	stderr)
		grep -q -- ": $code: " err || { cat err >&2; fail "$name: no $code on stderr"; }
		[ -z "$line" ] || grep -q -- ":$line: $code: " err ||
			{ cat err >&2; fail "$name: $code not at line $line"; }
		ok ;;
	rejects)
		grep -q -- ",$code," r.csv || { cat r.csv >&2; fail "$name: no $code in the rejects file"; }
		[ -z "$line" ] || grep -q -- "^$name,$line,[^,]*,$code," r.csv ||
			{ cat r.csv >&2; fail "$name: $code not at line $line"; }
		grep -q -- ": $code: " err || { cat err >&2; fail "$name: $code not on stderr"; }
		ok ;;
	none)
		[ ! -s err ] || { cat err >&2; fail "$name: unexpected diagnostics"; }
		[ "$(wc -l <r.csv)" = 1 ] || { cat r.csv >&2; fail "$name: unexpected rejects"; }
		ok ;;
	esac
	if [ "$want" = 2 ]; then
		absent o.csv; absent r.csv; absent s.json
		[ -z "$(ls -A | grep '\.tmp-')" ] || fail "$name: temporary file left behind"
		ok
	else
		# nothing lost: rows read = paid + rejected, one rejects line each
		[ $(( $(num rows_paid) + $(num rows_rejected) )) = "$(num rows_read)" ] ||
			fail "$name: rows do not reconcile"
		[ "$(num rows_rejected)" = $(( $(wc -l <r.csv) - 1 )) ] ||
			fail "$name: not one rejects line per rejected row"
		ok
	fi
}

# file                              exit where   code                  line
while read -r file want where code line; do
	case $file in ''|'#'*) continue ;; esac
	check "$B/$file" "$want" "$where" "$code" "$line"
done <<'EOF'
empty.csv                            2  stderr   empty-file            1
header-only.csv                      0  none     -
bom-in-middle.csv                    1  rejects  bad-encoding          3
mixed-encodings.csv                  1  rejects  bad-encoding          2
nul-bytes.csv                        1  rejects  bad-char              3
unclosed-quote.csv                   2  stderr   bad-csv               3
stray-quote.csv                      1  rejects  bad-csv               2
cr-only.csv                          0  none     -
duplicate-header.csv                 2  stderr   duplicate-column      1
missing-column.csv                   2  stderr   missing-column        1
short-row.csv                        1  rejects  bad-row               2
fullwidth-digits.csv                 1  rejects  bad-money             3
thousands-separator.csv              1  rejects  bad-money             3
trailing-spaces.csv                  0  none     -
id-lowercase-x.csv                   0  none     -
excel-scientific.csv                 1  rejects  bad-account           2
utf16.csv                            2  stderr   bad-encoding          1
truncated.csv.gz                     2  stderr   bad-gzip
EOF

# the standards file: every error is fatal, the roster is never read
check "$D/roster.csv" 2 stderr overlap 4 "$B/standards-overlap.csv"
grep_file "overlaps line 3" err
check "$D/roster.csv" 2 stderr percent-of-percent 4 "$B/standards-percent-of-percent.csv"

# what the accepted ones give: CR-only and padded rows pay like the clean
# rows, and the lowercase x is paid under the id with a capital X
H=$(head -1 "$D/roster.csv")
head -3 "$D/roster.csv" >clean.csv
run clean.csv; [ $? = 0 ] || fail "clean rows"; ok
cp o.csv clean-ledger.csv
run "$B/cr-only.csv"; same_file clean-ledger.csv o.csv
run "$B/trailing-spaces.csv"; same_file clean-ledger.csv o.csv
run "$B/id-lowercase-x.csv"
grep_file ",22042119650304004X," o.csv
no_grep "004x" o.csv
no_grep "DF-0004" r.csv
run "$B/header-only.csv"
[ "$(num rows_read)" = 0 ] && [ "$(wc -l <o.csv)" = 1 ] || fail "header only: not an empty ledger"; ok
# the UTF-8 row of the mixed file is the rejected one; the file was read
# as GB18030 (its first 64 KiB are not UTF-8)
run "$B/mixed-encodings.csv"
grep_file ",DF-0002," o.csv

# generated: a 10 MB value is rejected as too long, the rows around it paid
R1=$(sed -n 2p "$D/roster.csv")
R2=$(sed -n 3p "$D/roster.csv")
{
	printf '%s\n%s\n' "$H" "$R2"
	printf '%s' "${R1%%东丰镇向阳社区*}"
	head -c 10485760 /dev/zero | tr '\0' x
	printf '%s\n' "${R1#*东丰镇向阳社区}"
} >bigfield.csv
check bigfield.csv 1 rejects too-long 3
grep_file ",DF-0002," o.csv
# 100k columns: unknown columns are ignored; a row that is 100k fields
# wide under a narrow header is a bad row
{
	printf '%s' "$H"; seq -f ',extra%g' 100000 | tr -d '\n'; printf '\n'
	printf '%s' "$R1"; head -c 100000 /dev/zero | tr '\0' ,; printf '\n'
	printf '%s\n' "$R2"
} >wide-header.csv
check wide-header.csv 1 rejects bad-row 3
grep_file ",DF-0001," o.csv
{ printf '%s\n' "$H"; printf '%s' "$R1"; head -c 100000 /dev/zero | tr '\0' ,; printf '\n%s\n' "$R2"; } >wide-row.csv
check wide-row.csv 1 rejects bad-row 2
grep_file ",DF-0002," o.csv
# a field over the 16 MiB limit makes the file unusable (not under
# valgrind: it is slow there and proves nothing new)
if [ "${PAYROLL_VALGRIND:-0}" != 1 ]; then
	{ printf '%s\n' "$H"; printf '"'; head -c 17000000 /dev/zero | tr '\0' x; printf '"%s\n' "${R1#DF-0001}"; } >huge.csv
	check huge.csv 2 stderr bad-csv 2
	rm -f huge.csv
fi
# a GB18030 row pasted after 64 KiB of UTF-8: detected as UTF-8, and the
# GB18030 row is the rejected one
{
	printf '%s\n' "$H"
	for i in $(seq 1000 1500); do printf '%s\n' "$R1" | sed "s/^DF-0001/X-$i/; s/,2025-01,,,$/,2025-01,,stopped,/"; done
	printf '%s\n' "$R2" | iconv -f UTF-8 -t GB18030
} >pasted.csv
[ "$(wc -c <pasted.csv)" -gt 65536 ] || fail "pasted.csv too small"; ok
check pasted.csv 1 rejects bad-encoding 503
done_ok
