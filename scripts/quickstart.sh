#!/usr/bin/env bash
# Quick start, step 1: install what is missing (Debian 12, as root), build,
# and run the month's job on the shipped demo fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(build-essential cmake libcsv-dev libssl-dev zlib1g-dev libxml2-dev
      libcmocka-dev libxml2-utils openssl gzip valgrind clang)
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

out=build/demo/2026-11
mkdir -p "$out"
rc=0
./build/payroll calc --period 2026-11 \
	--standards fixtures/demo/standards.csv --grants fixtures/demo/grants.csv \
	-o "$out/ledger.csv" --rejects "$out/rejects.csv" --summary "$out/summary.json" \
	fixtures/demo/roster.csv || rc=$?
# Exit 1 means "rejected rows need a person": the demo has one of each.
[ "$rc" -le 1 ] || exit "$rc"
echo "rejects: $out/rejects.csv, summary: $out/summary.json" >&2
