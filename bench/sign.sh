#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark payroll sign on a 1 GB file against openssl over the same file
# in the same run: openssl dgst of the same digest (the target: within
# 1.1x), and openssl's own signing command for the same algorithm.
# Runs alternate; best wall time of 5 each; payroll's peak RSS.
# Usage: bench/sign.sh [BUILD_DIR]   (default build-sign, else build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
B=${1:-$here/../build-sign}
[ -x "$B/payroll-sign" ] || B=$here/../build
B=$(cd "$B" && pwd)
[ -x "$B/payroll-sign" ] || { echo "no payroll-sign in $B: build first" >&2; exit 2; }
work=$here/data/sign
mkdir -p "$work" && cd "$work"
trap 'cd "$here" && rm -rf "$work"' EXIT
size=${BENCH_SIGN_BYTES:-1000000000}
head -c "$size" /dev/urandom >big.bin
cat big.bin >/dev/null	# every run starts from the page cache

# pair LABEL -- OPENSSL-CMD... -- PAYROLL-CMD...: the two alternate, run
# after run, so load from anything else on the machine hits both alike;
# best wall time of each, the ratio, and payroll's peak RSS in its best run.
pair() {
	python3 - "$@" <<'PY'
import os, subprocess, sys, time
label, rest = sys.argv[1], sys.argv[3:]
cut = rest.index("--")
cmds = [rest[:cut], rest[cut + 1:]]
best = [None, None]
for _ in range(int(os.environ.get("BENCH_RUNS", "5"))):
    for i, cmd in enumerate(cmds):
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        dt = time.perf_counter() - t
        if status != 0:
            sys.exit("failed: %s" % " ".join(cmd))
        if best[i] is None or dt < best[i][0]:
            best[i] = (dt, ru.ru_maxrss / 1024)
print("| %s | %.3f s | %.3f s | %.2f | %.1f MiB |"
      % (label, best[0][0], best[1][0], best[1][0] / best[0][0], best[1][1]))
PY
}

echo "$(uname -m), $(nproc) cpus, $(openssl version | cut -d' ' -f1-2), file $size bytes"
echo "| payroll sign vs | openssl | payroll | ratio | payroll peak RSS |"
echo "|---|---|---|---|---|"
for alg in ed25519 sm2 ecdsa-p256; do
	"$B/payroll-keygen" --algorithm "$alg" -o "k-$alg"
done
S="$B/payroll-sign"
pair "sm2 vs \`openssl dgst -sm3\`" -- openssl dgst -sm3 big.bin -- "$S" --key k-sm2.key big.bin
pair "sm2 vs \`openssl dgst -sm3 -sign\`" -- \
	openssl dgst -sm3 -sign k-sm2.key -sigopt distid:1234567812345678 -out o.sig big.bin -- \
	"$S" --key k-sm2.key big.bin
pair "ecdsa-p256 vs \`openssl dgst -sha256\`" -- openssl dgst -sha256 big.bin -- \
	"$S" --key k-ecdsa-p256.key big.bin
pair "ecdsa-p256 vs \`openssl dgst -sha256 -sign\`" -- \
	openssl dgst -sha256 -sign k-ecdsa-p256.key -out o.sig big.bin -- \
	"$S" --key k-ecdsa-p256.key big.bin
pair "ed25519 vs \`openssl dgst -sha512\` (one pass)" -- openssl dgst -sha512 big.bin -- \
	"$S" --key k-ed25519.key big.bin
pair "ed25519 vs \`openssl pkeyutl -sign -rawin\`" -- \
	openssl pkeyutl -sign -inkey k-ed25519.key -rawin -in big.bin -out o.sig -- \
	"$S" --key k-ed25519.key big.bin
# --manifest: the SHA-256 for SHA256SUMS rides along in the same read
pair "ecdsa-p256 --manifest vs \`dgst -sha256\` + \`sha256sum\`" -- \
	sh -c 'openssl dgst -sha256 big.bin && sha256sum big.bin' -- \
	"$S" --key k-ecdsa-p256.key --manifest big.bin
