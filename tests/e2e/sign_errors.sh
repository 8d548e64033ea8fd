# SPDX-License-Identifier: Apache-2.0
# sign, verify, keygen: every documented failure code, files longer than
# one 1 MiB read, no partial or stray outputs, manifest abuse.
. "$SRC/tests/e2e/lib.sh"

no_tmp() { ! ls -A "${1:-.}" | grep -q 'tmp-' || fail "temporary file left in ${1:-.}"; ok; }

expect_exit 0 payroll-keygen -o a
expect_exit 0 payroll-keygen -o b
expect_exit 0 payroll-keygen --algorithm sm2 -o s
expect_exit 0 payroll-keygen --algorithm ecdsa-p256 -o e
no_tmp

# streaming over several 1 MiB chunks (and a partial last one), each
# algorithm, checked by openssl; verify is quiet on success
head -c 3500000 /dev/urandom >big.bin
for k in a s e; do cp big.bin "$k-big.bin"; expect_exit 0 payroll-sign --key "$k.key" "$k-big.bin"; done
expect_exit 0 openssl pkeyutl -verify -pubin -inkey a.pub -rawin -in a-big.bin -sigfile a-big.bin.sig
expect_exit 0 openssl dgst -sm3 -verify s.pub -sigopt distid:1234567812345678 -signature s-big.bin.sig s-big.bin
expect_exit 0 openssl dgst -sha256 -verify e.pub -signature e-big.bin.sig e-big.bin
expect_exit 0 payroll-verify --pubkey e.pub e-big.bin
[ ! -s out ] && [ ! -s err ] || fail "verify is not quiet"; ok
# a flipped byte in the last, partial chunk
printf 'X' | dd of=s-big.bin bs=1 seek=3499999 conv=notrunc 2>/dev/null
expect_exit 1 payroll-verify --pubkey s.pub s-big.bin
grep_file "s-big.bin: bad-signature: signature does not verify" err

# another key of the same algorithm
printf 'x\n' >x.csv
expect_exit 0 payroll-sign --key a.key x.csv
expect_exit 1 payroll-verify --pubkey b.pub x.csv
grep_file "x.csv: bad-signature" err
# cut, grown, empty signatures; each failing file named, the good one not
printf 'y\n' >y.csv; printf 'z\n' >z.csv; printf 'w\n' >w.csv
expect_exit 0 payroll-sign --key a.key y.csv z.csv w.csv
head -c 63 y.csv.sig >t && mv t y.csv.sig
printf 'extra' >>z.csv.sig
: >w.csv.sig
expect_exit 1 payroll-verify --pubkey a.pub x.csv y.csv z.csv w.csv
grep_file "y.csv: bad-signature" err
grep_file "z.csv: bad-signature" err
grep_file "w.csv: bad-signature" err
no_grep "x.csv" err
rm w.csv.sig
expect_exit 1 payroll-verify --pubkey a.pub w.csv x.csv
grep_file "w.csv: missing-signature" err
# a directory or a missing file is an error, not a bad signature
mkdir d
expect_exit 2 payroll-verify --pubkey a.pub d
expect_exit 2 payroll-verify --pubkey a.pub nothere.csv
grep_file "nothere.csv" err
expect_exit 2 payroll-verify --pubkey nothere.pub x.csv

# signing is all or nothing: a missing second file, no first .sig
printf 'p\n' >p.csv
expect_exit 2 payroll-sign --key a.key p.csv nothere.csv
absent p.csv.sig; no_tmp

# key modes: only owner access passes; 0400 is fine
for m in 644 640 604 620 610 601; do
	cp a.key m.key; chmod "$m" m.key
	expect_exit 2 payroll-sign --key m.key p.csv
	grep_file "key-permissions" err; grep_file "chmod 600 m.key" err
	absent p.csv.sig
done
cp a.key ro.key; chmod 400 ro.key
expect_exit 0 payroll-sign --key ro.key p.csv
present p.csv.sig

# passphrases: named only, never given; unset, empty, missing file
expect_exit 2 payroll-keygen --pass secret -o n1
grep_file "env:VAR or file:PATH" err; absent n1.key
unset PAYROLL_NO_SUCH_VAR
expect_exit 2 payroll-keygen --pass env:PAYROLL_NO_SUCH_VAR -o n2
grep_file "PAYROLL_NO_SUCH_VAR is not set" err; absent n2.key
PAYROLL_EMPTY= expect_exit 2 payroll-keygen --pass env:PAYROLL_EMPTY -o n3
grep_file "empty" err; absent n3.key
expect_exit 2 payroll-keygen --pass file:nothere.pass -o n4
absent n4.key
PAYROLL_P='p w' expect_exit 0 payroll-keygen --algorithm ed25519 --pass env:PAYROLL_P -o enc
[ "$(stat -c %a enc.key)" = 600 ] || fail "encrypted key is not mode 0600"; ok
PAYROLL_P='p w ' expect_exit 2 payroll-sign --key enc.key --pass env:PAYROLL_P p.csv
grep_file "enc.key: bad-passphrase" err
expect_exit 2 payroll-sign --key enc.key --pass file:nothere.pass p.csv

# keygen never overwrites: an existing .pub, a dangling symlink as .key
printf 'old\n' >c.pub
expect_exit 2 payroll-keygen -o c
grep_file "exists" err; absent c.key
grep_file old c.pub
ln -s target-of-link l.key
expect_exit 2 payroll-keygen -o l
absent target-of-link; absent l.pub
no_tmp

# manifests
mkdir m && printf '1\n' >m/one.csv && printf '2\n' >m/two.csv
expect_exit 2 payroll-sign --key s.key --manifest m/one.csv m/one.csv
grep_file "twice" err; absent m/SHA256SUMS
printf 'x\n' >m/SHA256SUMS.in && cp m/SHA256SUMS.in m/SHA256SUMS
expect_exit 2 payroll-sign --key s.key --manifest m/one.csv m/SHA256SUMS
absent m/one.csv.sig; rm m/SHA256SUMS m/SHA256SUMS.in
printf '3\n' >'m/back\slash.csv'
expect_exit 2 payroll-sign --key s.key --manifest m/one.csv 'm/back\slash.csv'
grep_file "backslash" err; rm 'm/back\slash.csv'
expect_exit 0 payroll-sign --key s.key --manifest m/one.csv ./m/two.csv
# byte for byte what sha256sum itself writes (lowercase hex, two spaces)
(cd m && sha256sum one.csv two.csv) >want.sums
same_file want.sums m/SHA256SUMS
(cd m && sha256sum -c --strict --quiet SHA256SUMS) || fail "sha256sum -c rejects it"; ok
# SHA256SUMS as a FILE: its signature and its hashes
expect_exit 0 payroll-verify --pubkey s.pub m/SHA256SUMS
rm m/two.csv
expect_exit 1 payroll-verify --pubkey s.pub m/SHA256SUMS
grep_file "m/two.csv: missing-file" err
printf '2\n' >m/two.csv
# an edited manifest: its signature fails, and its bad line is named
cp m/SHA256SUMS keep.sums
printf '%064d  ../x.csv\n' 0 >>m/SHA256SUMS
expect_exit 1 payroll-verify --pubkey s.pub m/SHA256SUMS
grep_file "m/SHA256SUMS: bad-signature" err
grep_file "m/SHA256SUMS:3: bad-manifest" err
printf 'not a line\n' >m/SHA256SUMS
expect_exit 1 payroll-verify --pubkey s.pub m/SHA256SUMS
grep_file "m/SHA256SUMS:1: bad-manifest" err
cp keep.sums m/SHA256SUMS
expect_exit 0 payroll-verify --pubkey s.pub --manifest m/one.csv
# --manifest without a manifest there is an error
mkdir n && printf '1\n' >n/one.csv
expect_exit 0 payroll-sign --key s.key n/one.csv
expect_exit 0 payroll-verify --pubkey s.pub n/one.csv
expect_exit 2 payroll-verify --pubkey s.pub --manifest n/one.csv
no_tmp m

# keys and signatures are regular files: a FIFO is refused, never waited on
# (issue 10 item 11); a key may still be a symbolic link to a 0600 file
mkfifo fifo.key fifo.pub; chmod 600 fifo.key
expect_exit 2 timeout 10 payroll-sign --key fifo.key x.csv
grep_file "fifo.key: usage: not a regular file (a fifo)" err
expect_exit 2 timeout 10 payroll-verify --pubkey fifo.pub x.csv
grep_file "fifo.pub: usage: not a regular file (a fifo)" err
mkdir key.d
expect_exit 2 timeout 10 payroll-sign --key key.d x.csv
grep_file "key.d: usage: not a regular file (a directory)" err
printf 'f\n' >f.csv; mkfifo f.csv.sig
expect_exit 1 timeout 10 payroll-verify --pubkey a.pub f.csv
grep_file "signature file f.csv.sig is not a regular file" err
ln -s a.key link.key
cp f.csv g.csv
expect_exit 0 payroll-sign --key link.key g.csv
expect_exit 0 payroll-verify --pubkey a.pub g.csv

# usage errors
expect_exit 2 payroll-sign --key a.key
expect_exit 2 payroll-sign p.csv
expect_exit 2 payroll-verify --pubkey a.pub
expect_exit 2 payroll-keygen
expect_exit 2 payroll-keygen -o q extra
absent q.key
expect_exit 2 payroll-keygen --algorithm ed448 -o q
grep_file "invalid value 'ed448' for '--algorithm': expected ed25519, sm2 or ecdsa-p256" err; absent q.key
done_ok
