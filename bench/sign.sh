#!/usr/bin/env bash
# Benchmark payroll sign on a 1 GB file against openssl dgst of the same
# digest over the same file, in the same run (best of 3). Needs build/.
set -euo pipefail
cd "$(dirname "$0")"
dir=${BENCH_OUT:-/dev/shm}
[ -d "$dir" ] || dir=data
mkdir -p "$dir/payroll-sign-bench" && cd "$dir/payroll-sign-bench"
trap 'cd / && rm -rf "$dir/payroll-sign-bench"' EXIT
B=$OLDPWD/../build
head -c 1000000000 /dev/urandom >big.bin
best() {	# best wall time of 3 runs of the command
	python3 - "$@" <<'PY'
import subprocess, sys, time, resource
best = None
for _ in range(3):
    t = time.perf_counter()
    subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
    best = min(best or 1e9, time.perf_counter() - t)
print("%.3f %.1f" % (best, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))
PY
}
for alg in ed25519 sm2 ecdsa-p256; do
	"$B/payroll-keygen" --algorithm "$alg" -o "k-$alg"
	case $alg in
	sm2) base=$(best openssl dgst -sm3 big.bin) ;;
	*) base=$(best openssl dgst -sha512 big.bin) ;;	# Ed25519 hashes with SHA-512
	esac
	[ "$alg" = ecdsa-p256 ] && base=$(best openssl dgst -sha256 big.bin)
	ours=$(best "$B/payroll-sign" --key "k-$alg.key" big.bin)
	rm -f big.bin.sig
	python3 -c "b, o = '$base'.split(), '$ours'.split(); print('%-10s 1 GB: openssl dgst %s s, payroll sign %s s, ratio %.2f, peak %s MiB' % ('$alg', b[0], o[0], float(o[0]) / float(b[0]), o[1]))"
done
