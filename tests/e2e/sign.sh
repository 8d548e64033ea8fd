# SPDX-License-Identifier: Apache-2.0
# keygen, sign, verify: our signatures checked by the stock openssl command
# line (SPEC 7), openssl's keys used by us, manifests checked by sha256sum,
# and every way a signature or a key can be wrong.
. "$SRC/tests/e2e/lib.sh"

printf 'period,amount\n2026-11,18164.00\n' >pay.csv
head -c 300000 /dev/urandom >big.bin

for alg in ed25519 sm2 ecdsa-p256; do
	expect_exit 0 payroll-keygen --algorithm "$alg" -o "k-$alg"
	[ "$(stat -c %a "k-$alg.key")" = 600 ] || fail "$alg key is not mode 0600"; ok
	grep_file "BEGIN PRIVATE KEY" "k-$alg.key"
	grep_file "BEGIN PUBLIC KEY" "k-$alg.pub"
	for f in pay.csv big.bin; do
		cp "$f" "$alg-$f"
		expect_exit 0 payroll-sign --key "k-$alg.key" "$alg-$f"
		[ ! -s out ] && [ ! -s err ] || fail "sign is not quiet"; ok
		expect_exit 0 payroll-verify --pubkey "k-$alg.pub" "$alg-$f"
	done
done
# what a bank runs, exactly as the man page gives it
for f in pay.csv big.bin; do
	expect_exit 0 openssl pkeyutl -verify -pubin -inkey k-ed25519.pub -rawin -in "ed25519-$f" -sigfile "ed25519-$f.sig"
	expect_exit 0 openssl dgst -sm3 -verify k-sm2.pub -sigopt distid:1234567812345678 -signature "sm2-$f.sig" "sm2-$f"
	expect_exit 0 openssl dgst -sha256 -verify k-ecdsa-p256.pub -signature "ecdsa-p256-$f.sig" "ecdsa-p256-$f"
done
[ "$(stat -c %s ed25519-pay.csv.sig)" = 64 ] || fail "ed25519 signature is not 64 raw bytes"; ok

# keys made by openssl sign here, and openssl's signatures verify here
openssl genpkey -algorithm ed25519 -out o-ed.key 2>/dev/null && chmod 600 o-ed.key
openssl pkey -in o-ed.key -pubout -out o-ed.pub
cp pay.csv o.csv
expect_exit 0 payroll-sign --key o-ed.key o.csv
expect_exit 0 openssl pkeyutl -verify -pubin -inkey o-ed.pub -rawin -in o.csv -sigfile o.csv.sig
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out o-ec.key 2>/dev/null && chmod 600 o-ec.key
openssl pkey -in o-ec.key -pubout -out o-ec.pub
openssl dgst -sha256 -sign o-ec.key -out o2.csv.sig pay.csv && cp pay.csv o2.csv
expect_exit 0 payroll-verify --pubkey o-ec.pub o2.csv
openssl genpkey -algorithm SM2 -out o-sm2.key 2>/dev/null && chmod 600 o-sm2.key
openssl pkey -in o-sm2.key -pubout -out o-sm2.pub
openssl dgst -sm3 -sign o-sm2.key -sigopt distid:1234567812345678 -out o3.csv.sig pay.csv && cp pay.csv o3.csv
expect_exit 0 payroll-verify --pubkey o-sm2.pub o3.csv

# a manifest checked by sha256sum -c, and its own signature
mkdir month && cp pay.csv month/ledger.csv && cp big.bin month/bank.bin
expect_exit 0 payroll-sign --key k-sm2.key --manifest month/ledger.csv month/bank.bin
present month/SHA256SUMS; present month/SHA256SUMS.sig
(cd month && sha256sum -c --strict SHA256SUMS >/dev/null) || fail "sha256sum -c rejects our manifest"; ok
expect_exit 0 openssl dgst -sm3 -verify k-sm2.pub -sigopt distid:1234567812345678 -signature month/SHA256SUMS.sig month/SHA256SUMS
expect_exit 0 payroll-verify --pubkey k-sm2.pub --manifest month/ledger.csv month/bank.bin
mkdir other && cp pay.csv other/x.csv
expect_exit 2 payroll-sign --key k-sm2.key --manifest month/ledger.csv other/x.csv
absent other/x.csv.sig

# forgeries: one flipped byte, another key, a cut signature, a missing one
cp ed25519-pay.csv flip.csv; cp ed25519-pay.csv.sig flip.csv.sig
printf 'X' | dd of=flip.csv bs=1 seek=3 conv=notrunc 2>/dev/null
expect_exit 1 payroll-verify --pubkey k-ed25519.pub flip.csv
grep_file "flip.csv: bad-signature" err
expect_exit 1 payroll-verify --pubkey k-ed25519.pub ed25519-big.bin flip.csv
grep_file "flip.csv" err; no_grep "ed25519-big.bin" err
expect_exit 1 payroll-verify --pubkey k-ecdsa-p256.pub sm2-pay.csv
for alg in ed25519 sm2 ecdsa-p256; do
	cp "$alg-pay.csv" cut.csv; head -c 20 "$alg-pay.csv.sig" >cut.csv.sig
	expect_exit 1 payroll-verify --pubkey "k-$alg.pub" cut.csv
done
cp pay.csv nosig.csv
expect_exit 1 payroll-verify --pubkey k-sm2.pub nosig.csv
grep_file "missing-signature" err
printf 'X' | dd of=month/bank.bin bs=1 seek=7 conv=notrunc 2>/dev/null
expect_exit 1 payroll-verify --pubkey k-sm2.pub --manifest month/ledger.csv
grep_file "bank.bin: hash-mismatch" err
expect_exit 2 payroll-verify --pubkey k-sm2.pub no-such-file.csv

# keys: group-readable refused with the fix named; passphrases; no overwrite
cp k-ed25519.key loose.key; chmod 644 loose.key; cp pay.csv loose.csv
expect_exit 2 payroll-sign --key loose.key loose.csv
grep_file "chmod 600" err; absent loose.csv.sig
chmod 640 loose.key
expect_exit 2 payroll-sign --key loose.key loose.csv
export PAYROLL_TEST_PASS='correct horse'
expect_exit 0 payroll-keygen --algorithm ecdsa-p256 --pass env:PAYROLL_TEST_PASS -o enc
grep_file "ENCRYPTED PRIVATE KEY" enc.key
no_grep "correct horse" enc.key
cp pay.csv e.csv
expect_exit 2 payroll-sign --key enc.key e.csv
grep_file "encrypted" err
expect_exit 0 payroll-sign --key enc.key --pass env:PAYROLL_TEST_PASS e.csv
expect_exit 0 payroll-verify --pubkey enc.pub e.csv
printf 'correct horse\n' >pass.txt; chmod 600 pass.txt; rm e.csv.sig
expect_exit 0 payroll-sign --key enc.key --pass file:pass.txt e.csv
PAYROLL_TEST_PASS=wrong expect_exit 2 payroll-sign --key enc.key --pass env:PAYROLL_TEST_PASS pay.csv
grep_file "bad-passphrase" err
expect_exit 2 payroll-sign --key enc.key --pass 'correct horse' pay.csv
cp k-sm2.key keep.key
expect_exit 2 payroll-keygen --algorithm sm2 -o k-sm2
cmp -s keep.key k-sm2.key || fail "keygen overwrote a key"; ok
expect_exit 2 payroll-keygen --algorithm rsa -o r
absent r.key
expect_exit 2 payroll-keygen -o nodir/k
absent nodir/k.key

for t in payroll-keygen payroll-sign payroll-verify; do
	expect_exit 0 "$t" --help; grep_file "usage:" out
	expect_exit 0 "$t" --version; grep_file "0.1.0" out
	expect_exit 2 "$t"
done
done_ok
