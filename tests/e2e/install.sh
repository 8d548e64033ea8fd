# SPDX-License-Identifier: Apache-2.0
# install: `cmake --install` into a temporary prefix gives a working
# toolkit: the installed dispatcher runs the installed tools (from bin/, or
# from libexec/payroll/ as git lays them out) with nothing else on PATH and
# computes the same ledger as the build tree; the man pages lie in their
# sections and render; a program compiled with `pkg-config --cflags --libs
# payroll` against the installed static library and headers links and
# computes what the library should.
. "$SRC/tests/e2e/lib.sh"
D=$FIXTURES/demo
R=$T/root

cmake --install "$BIN" --prefix "$R" >install.log 2>&1 || { cat install.log >&2; fail "cmake --install failed"; }
ok
for f in bin/payroll bin/payroll-calc bin/payroll-run bin/payroll-verify \
	share/man/man1/payroll-calc.1 share/man/man5/payroll-roster.5 share/man/man7/payroll.7 \
	include/payroll/money.h include/payroll/sign.h share/doc/payroll/README.md; do
	[ -f "$R/$f" ] || fail "not installed: $f"
	ok
done
[ ! -e "$R/include/payroll/banned.h" ] || fail "banned.h is internal, not a public header"
ok
# The message catalogue (SPEC 15), the one the build compiled from po/.
cmp -s "$BIN/locale/zh_CN/LC_MESSAGES/payroll.mo" "$R/share/locale/zh_CN/LC_MESSAGES/payroll.mo" ||
	fail "not installed: share/locale/zh_CN/LC_MESSAGES/payroll.mo"
ok
# Every tool and every man page the build has is installed.
for b in "$BIN"/payroll-*; do
	[ -x "$b" ] && [ -f "$b" ] || continue
	[ -x "$R/bin/${b##*/}" ] || fail "tool not installed: ${b##*/}"
	ok
done
for m in "$SRC"/man/*.[157]; do
	s=${m##*.}
	cmp -s "$m" "$R/share/man/man$s/${m##*/}" || fail "man page not installed: man$s/${m##*/}"
	ok
done

# The installed dispatcher, with nothing on PATH, runs the installed calc
# and gets the build tree's bytes.
calc_args=(calc --standards "$D/standards.csv" --period 2026-11 --grants "$D/grants.csv"
	-o ledger.csv --rejects rejects.csv --summary summary.json "$D/roster.csv")
payroll "${calc_args[@]}" >/dev/null 2>&1
want=$?
mkdir ref && mv ledger.csv rejects.csv summary.json ref/ || fail "build-tree calc wrote nothing"
ok
PATH=/nonexistent expect_exit "$want" "$R/bin/payroll" "${calc_args[@]}"
for f in ledger.csv rejects.csv summary.json; do
	cmp -s "ref/$f" "$f" || fail "installed payroll calc: $f differs from the build tree's"
	ok
	rm -f "$f"
done
PATH=/nonexistent expect_exit 0 "$R/bin/payroll" --version
grep_file "payroll $(sed -n 's/^project(payroll VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")" out

# git's layout: the tools in libexec/payroll/, only the dispatcher in bin/.
mkdir -p "$R/libexec/payroll"
mv "$R"/bin/payroll-* "$R/libexec/payroll/"
PATH=/nonexistent expect_exit "$want" "$R/bin/payroll" "${calc_args[@]}"
cmp -s ref/ledger.csv ledger.csv || fail "payroll calc from libexec/payroll: ledger differs"
ok
PATH=/nonexistent expect_exit 2 "$R/bin/payroll" nosuchverb
grep_file "unknown verb 'nosuchverb'" err
mv "$R"/libexec/payroll/payroll-* "$R/bin/"

# The man pages render from where they were installed.
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -P cat -l "$R/share/man/man1/payroll-calc.1" >man.out 2>man.err ||
		{ cat man.err >&2; fail "man -l payroll-calc.1 failed"; }
	grep -q 'payroll-calc' man.out || fail "man -l payroll-calc.1 rendered nothing"
	ok
	MANWIDTH=80 MANPATH="$R/share/man" man -P cat 5 payroll-roster >man.out 2>man.err ||
		{ cat man.err >&2; fail "man 5 payroll-roster from the installed MANPATH failed"; }
	grep -q 'payroll-roster' man.out || fail "man 5 payroll-roster rendered nothing"
	ok
elif [ "${CI:-}" = true ]; then
	fail "man is not installed (CI must have it)"
fi

# A program against the installed library, flags from pkg-config.
if command -v pkg-config >/dev/null 2>&1; then
	pc=$(find "$R" -name payroll.pc)
	[ -n "$pc" ] || fail "payroll.pc not installed"
	ok
	export PKG_CONFIG_PATH=${pc%/payroll.pc}
	pkg-config --modversion payroll >out || fail "pkg-config does not know payroll"
	ok
	cat >prog.c <<-'EOF2'
	#include <payroll/money.h>
	#include <payroll/sign.h>
	#include <payroll/error.h>
	#include <stdio.h>

	int
	main(int argc, char **argv)
	{
		struct payroll_error err;
		unsigned char h[32];
		char buf[PAYROLL_MONEY_MAX];
		const char *why;
		int64_t fen;
		int i;

		if (argc != 2 || payroll_money_parse("1234.5", 6, &fen, &why) != 0)
			return 1;
		payroll_money_format(fen + 1, buf);
		printf("%lld %s\n", (long long)fen, buf);
		if (payroll_sha256_file(argv[1], h, &err) != 0)
			return 1;
		for (i = 0; i < 32; i++)
			printf("%02x", h[i]);
		printf("\n");
		return 0;
	}
	EOF2
	# shellcheck disable=SC2086 # CFLAGS and pkg-config's output are word lists
	${CC:-cc} ${CFLAGS:-} -o prog prog.c $(pkg-config --cflags --libs payroll) 2>cc.err ||
		{ cat cc.err >&2; fail "cannot build against the installed libpayroll"; }
	ok
	expect_exit 0 ./prog "$D/roster.csv"
	printf '123450 1234.51\n%s\n' "$(sha256sum <"$D/roster.csv" | cut -d' ' -f1)" >want
	cmp -s want out || { diff want out >&2; fail "program against libpayroll: wrong output"; }
	ok
elif [ "${CI:-}" = true ]; then
	fail "pkg-config is not installed (CI must have it)"
fi
done_ok
