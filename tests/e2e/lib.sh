# SPDX-License-Identifier: Apache-2.0
# lib.sh: sourced by every end-to-end test. Each test runs the real
# binaries from $BIN on fixtures from $FIXTURES in a fresh temporary
# directory, and fails (exit 1) at the first assertion that does not hold.
set -u
: "${BIN:?BIN must name the build directory}"
: "${SRC:?SRC must name the source directory}"
: "${FIXTURES:=$SRC/fixtures}"
: "${SCHEMAS:=$SRC/tests/schemas}"
export PATH="$BIN:$PATH"
# Messages in English (goldens hold them); the catalogues of the build
# tree, for the tests that ask for another language (e2e/zh_CN.sh).
export LC_ALL=C.UTF-8
export PAYROLL_LOCALEDIR="$BIN/locale"
T=$(mktemp -d "${TMPDIR:-/tmp}/payroll-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

# PAYROLL_VALGRIND=1 (ctest -L valgrind): every payroll binary runs under
# valgrind through a wrapper of the same name first on PATH. A memory
# error or a definite leak makes the tool exit 99, and its report in
# $T/.valgrind fails the test at exit even where the exit code is not
# checked.
if [ "${PAYROLL_VALGRIND:-0}" = 1 ]; then
	mkdir -p "$T/.valgrind/bin"
	for b in "$BIN"/payroll "$BIN"/payroll-*; do
		[ -f "$b" ] && [ -x "$b" ] || continue
		cat >"$T/.valgrind/bin/${b##*/}" <<-EOF
		#!/bin/sh
		exec valgrind -q --error-exitcode=99 --leak-check=full \\
			--errors-for-leak-kinds=definite --show-leak-kinds=definite \\
			--trace-children=yes --trace-children-skip='*/sh,*/bash,*/openssl,*/gzip,*/iconv' \\
			--log-file="$T/.valgrind/log.%p" "$b" "\$@"
		EOF
		chmod +x "$T/.valgrind/bin/${b##*/}"
	done
	export PATH="$T/.valgrind/bin:$PATH"
	vg_check() {
		local f bad=0
		for f in "$T"/.valgrind/log.*; do
			[ -s "$f" ] || continue
			cat "$f" >&2
			bad=1
		done
		rm -rf "$T"
		[ "$bad" = 0 ] || { printf 'FAIL: valgrind found errors (above)\n' >&2; exit 1; }
	}
	trap 'rc=$?; vg_check; exit $rc' EXIT
fi
ASSERTS=0

fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
ok() { ASSERTS=$((ASSERTS + 1)); }

# expect_exit CODE CMD...: run CMD, stdout to ./out, stderr to ./err.
expect_exit() {
	local want=$1; shift
	"$@" >out 2>err
	local got=$?
	[ "$got" = "$want" ] || { cat err >&2; fail "expected exit $want, got $got: $*"; }
	ok
}
# same_file EXPECTED ACTUAL: byte for byte.
same_file() {
	cmp -s "$1" "$2" || { diff -u "$1" "$2" | head -40 >&2; fail "$2 differs from $1"; }
	ok
}
# grep_file PATTERN FILE / no_grep PATTERN FILE (fixed strings).
grep_file() { grep -qF -- "$1" "$2" || { cat "$2" >&2; fail "'$1' not in $2"; }; ok; }
no_grep() { ! grep -qF -- "$1" "$2" || fail "'$1' unexpectedly in $2"; ok; }
absent() { [ ! -e "$1" ] || fail "$1 should not exist"; ok; }
present() { [ -e "$1" ] || fail "$1 should exist"; ok; }
# fatal CODE CMD...: CMD (a calc writing o.csv, r.csv, s.json) exits 2
# naming CODE, and leaves no output, not even a temporary file.
fatal() {
	local code=$1; shift
	rm -f o.csv r.csv s.json
	expect_exit 2 "$@"
	grep_file "$code" err
	absent o.csv; absent r.csv; absent s.json
	[ -z "$(ls -A | grep '\.tmp-')" ] || fail "temporary file left behind"; ok
}
done_ok() { printf 'ok: %d assertions\n' "$ASSERTS"; exit 0; }
