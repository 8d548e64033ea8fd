# SPDX-License-Identifier: Apache-2.0
# spdx: every source file (C, CMake, shell, python) names its licence in
# an SPDX line among its first three lines, and the LICENSE file is the
# licence it names.
. "$SRC/tests/e2e/lib.sh"

missing=$(cd "$SRC" && find CMakeLists.txt .ci cmd libpayroll tests bench fixtures scripts \
	-path tests/fuzz/corpus -prune -o -type f \
	\( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.py' \
	   -o -name CMakeLists.txt -o -name '*.cmake' -o -path .ci/run \) -print |
	while read -r f; do
		head -3 "$f" | grep -q 'SPDX-License-Identifier: Apache-2\.0' || echo "$f"
	done)
[ -z "$missing" ] || fail "no SPDX-License-Identifier line in: $missing"
ok
grep -q '^ *Apache License$' "$SRC/LICENSE" && grep -q 'Version 2.0, January 2004' "$SRC/LICENSE" ||
	fail "LICENSE is not the Apache License 2.0"
ok
done_ok
