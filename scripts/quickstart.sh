#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Quick start, step 1: install what is missing (Debian 12, as root), build,
# and run the month's job on the shipped demo fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."

# What building and running need, and the tools the README's test command
# uses (cmocka, xmllint, openssl, python3); gettext compiles the message
# catalogue (po/). CI's extras are in .ci/run.
pkgs=(build-essential cmake libcsv-dev libzip-dev libxlsxwriter-dev libssl-dev zlib1g-dev libxml2-dev
      libcmocka-dev libxml2-utils openssl gzip python3 gettext)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

# A demo signing key, made at first use; a private key is never committed.
if [ ! -f build/demo-key/payroll.key ]; then
	mkdir -p build/demo-key
	./build/payroll keygen --algorithm sm2 -o build/demo-key/payroll
fi

# The month's job, as cron runs it (fixtures/demo/payroll.conf). The demo
# is redone from scratch each time.
rm -rf build/demo-out
rc=0
./build/payroll run --config fixtures/demo/payroll.conf --period 2026-11 || rc=$?
# Exit 1 means "rejected rows need a person": the demo has a handful.
[ "$rc" -le 1 ] || exit "$rc"
echo "outputs: build/demo-out/2026-11 (ledger, rejects, bank files, disclosure list," \
	"signatures, SHA256SUMS); journal: build/demo-out/journal/journal.csv" >&2
echo "check them: ./build/payroll verify --pubkey build/demo-key/payroll.pub --journal build/demo-out" >&2
