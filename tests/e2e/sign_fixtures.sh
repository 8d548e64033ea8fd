# SPDX-License-Identifier: Apache-2.0
# keygen, sign, verify against the committed test keys of fixtures/keys,
# all made by stock openssl except enc.key: Ed25519 byte for byte against
# openssl's own signature, openssl's SM2/ECDSA signatures accepted, ours
# accepted by openssl, and an encrypted key openssl itself can open.
. "$SRC/tests/e2e/lib.sh"
K=$FIXTURES/keys

# git keeps no modes: private keys are copied and made 0600 here
for k in ed25519 sm2 ecdsa-p256 enc rsa; do
	cp "$K/$k.key" "$k.key"; chmod 600 "$k.key"; cp "$K/$k.pub" "$k.pub"
done
cp "$K/message.csv" message.csv

# Ed25519 is deterministic: our signature is openssl's, byte for byte
expect_exit 0 payroll-sign --key ed25519.key message.csv
same_file "$K/message.csv.ed25519.sig" message.csv.sig
expect_exit 0 payroll-verify --pubkey ed25519.pub message.csv

# openssl's SM2 and ECDSA signatures verify here
for alg in sm2 ecdsa-p256; do
	cp "$K/message.csv" "o-$alg.csv"; cp "$K/message.csv.$alg.sig" "o-$alg.csv.sig"
	expect_exit 0 payroll-verify --pubkey "$alg.pub" "o-$alg.csv"
	# and the other algorithm's key does not accept them
done
expect_exit 1 payroll-verify --pubkey ecdsa-p256.pub o-sm2.csv
grep_file "o-sm2.csv: bad-signature" err
expect_exit 1 payroll-verify --pubkey sm2.pub o-ecdsa-p256.csv
grep_file "o-ecdsa-p256.csv: bad-signature" err

# ours, with openssl's keys, verify with the bank's commands (empty file too)
: >empty.csv
for f in message.csv empty.csv; do
	for alg in sm2 ecdsa-p256; do
		cp "$f" "$alg-$f"
		expect_exit 0 payroll-sign --key "$alg.key" "$alg-$f"
	done
	cp "$f" "ed-$f"
	expect_exit 0 payroll-sign --key ed25519.key "ed-$f"
	expect_exit 0 payroll-verify --pubkey ed25519.pub "ed-$f"
	# openssl 3.0 pkeyutl -rawin cannot read an empty file at all
	[ -s "$f" ] && expect_exit 0 openssl pkeyutl -verify -pubin -inkey ed25519.pub -rawin -in "ed-$f" -sigfile "ed-$f.sig"
	expect_exit 0 openssl dgst -sm3 -verify sm2.pub -sigopt distid:1234567812345678 -signature "sm2-$f.sig" "sm2-$f"
	expect_exit 0 openssl dgst -sha256 -verify ecdsa-p256.pub -signature "ecdsa-p256-$f.sig" "ecdsa-p256-$f"
done
# the distinguishing ID matters: without it openssl must reject ours
expect_exit 1 openssl dgst -sm3 -verify sm2.pub -sigopt distid:0000000000000000 -signature sm2-message.csv.sig sm2-message.csv

# the encrypted fixture key: passphrase file with its trailing newline
cp "$K/enc.pass" enc.pass
cp message.csv e.csv
expect_exit 0 payroll-sign --key enc.key --pass file:enc.pass e.csv
expect_exit 0 openssl dgst -sm3 -verify enc.pub -sigopt distid:1234567812345678 -signature e.csv.sig e.csv
printf 'test-only passphrase' >nonl.pass
rm e.csv.sig
expect_exit 0 payroll-sign --key enc.key --pass file:nonl.pass e.csv
present e.csv.sig
printf 'test-only passphrasE\n' >wrong.pass
rm e.csv.sig
expect_exit 2 payroll-sign --key enc.key --pass file:wrong.pass e.csv
grep_file "enc.key: bad-passphrase" err
absent e.csv.sig
# openssl opens what our keygen encrypted (PKCS#8, AES-256-CBC)
openssl pkey -in enc.key -passin file:enc.pass -noout >out 2>err || fail "openssl cannot open our encrypted key"; ok
openssl asn1parse -in enc.key >asn1 || fail "enc.key is not DER in PEM"; ok
grep_file "aes-256-cbc" asn1

# an RSA key is neither signed with nor verified with
cp message.csv r.csv
expect_exit 2 payroll-sign --key rsa.key r.csv
grep_file "unsupported-key" err; absent r.csv.sig
cp "$K/message.csv.ed25519.sig" r.csv.sig
expect_exit 2 payroll-verify --pubkey rsa.pub r.csv
grep_file "unsupported-key" err
# a public key is no private key, and the other way round
rm -f r.csv.sig; cp sm2.pub pub-as.key; chmod 600 pub-as.key
expect_exit 2 payroll-sign --key pub-as.key r.csv
grep_file "pub-as.key: bad-key" err; absent r.csv.sig
expect_exit 2 payroll-verify --pubkey sm2.key message.csv
grep_file "sm2.key: bad-key" err
done_ok
