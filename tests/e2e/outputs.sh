# SPDX-License-Identifier: Apache-2.0
# Outputs never destroy inputs or each other, and never write through a
# symbolic link (issue 10, items 2 and 6), for every command that writes:
# an output that is an input (by name, by another spelling, by hard link),
# two outputs on one file, '-' for two outputs, a symlink (dangling or
# not) at an output path. Each is refused with exit 2 and nothing written.
. "$SRC/tests/e2e/lib.sh"
D=$FIXTURES/every-code
cp "$D/roster.csv" r.csv
cp "$D/standards.csv" s.csv
cp "$D/grants.csv" g.csv
cp "$D/payer.conf" payer.conf
cp "$FIXTURES/keys/ed25519.key" k.key; chmod 600 k.key
cp "$FIXTURES/keys/ed25519.pub" k.pub
calc() { payroll-calc -q --standards s.csv --period 2026-11 --grants g.csv "$@"; }
expect_exit 1 calc -o L.csv r.csv
for f in r.csv s.csv g.csv L.csv payer.conf k.key; do cp "$f" "orig-$f"; done
# unchanged FILE...: each still byte for byte its orig- copy
unchanged() { local f; for f in "$@"; do same_file "orig-$f" "$f"; done; }
# refused CODE CMD...: exit 2 naming CODE, no output and no temp file left
refused() {
	local code=$1; shift
	expect_exit 2 "$@"
	grep_file ": $code: " err
	[ -z "$(find . -name '.*.tmp-*')" ] || fail "a temporary file was left: $*"; ok
}

# ---- same file ----
# calc: every output over every input, a hard link, another spelling
refused same-file calc -o r.csv r.csv
grep_file "r.csv: same-file: output is the same file as input r.csv" err
refused same-file calc -o out.csv --rejects r.csv r.csv; absent out.csv
refused same-file calc -o s.csv r.csv
refused same-file calc -o out.csv --summary g.csv r.csv; absent out.csv
cp L.csv paid-nov.csv; cp L.csv orig-paid-nov.csv
refused same-file calc --paid paid-nov.csv -o paid-nov.csv r.csv
ln paid-nov.csv paid-hard.csv
refused same-file calc --paid paid-hard.csv -o out.csv --rejects paid-nov.csv r.csv; absent out.csv
unchanged paid-nov.csv
ln r.csv hard.csv
refused same-file calc -o hard.csv r.csv
refused same-file calc -o "$PWD/./r.csv" r.csv
# two outputs on one file: one name, two spellings of a new name, '-' twice
refused same-file calc -o x.csv --summary x.csv r.csv; absent x.csv
refused same-file calc -o x.csv --rejects ./x.csv r.csv; absent x.csv
cp L.csv old.csv
refused same-file calc -o old.csv --rejects "$PWD/old.csv" r.csv
same_file L.csv old.csv
refused same-file calc --rejects - r.csv
grep_file "standard output ('-') given for two outputs" err
# a device may take several outputs
expect_exit 1 calc -o /dev/null --rejects /dev/null --summary /dev/null r.csv
unchanged r.csv s.csv g.csv

# bankfile: over the ledger (by name and hard link), over the payer
refused same-file payroll-bankfile --layout csv -o L.csv L.csv
ln L.csv hardL.csv
refused same-file payroll-bankfile --layout csv -o hardL.csv L.csv
refused same-file payroll-bankfile --layout pain001 --payer payer.conf -o payer.conf L.csv
unchanged L.csv payer.conf

# disclose: over the ledger, the list and the page on one file, '-' twice
refused same-file payroll-disclose -o L.csv L.csv
refused same-file payroll-disclose -o list.csv --html list.csv L.csv; absent list.csv
refused same-file payroll-disclose -o - --html - L.csv
unchanged L.csv

# reconcile: over the ledger, the result, a paid ledger; two outputs on one
expect_exit 0 payroll-bankfile --layout csv -o bank.csv L.csv
{ echo 'seq,account,account_name,amount,status,reason'; tail -n +2 bank.csv | cut -d, -f1,3,4,5 | sed 's/$/,paid,/'; } >result.csv
cp result.csv orig-result.csv
refused same-file payroll-reconcile --ledger L.csv --result result.csv -o L.csv
refused same-file payroll-reconcile --ledger L.csv --result result.csv --report result.csv
cp L.csv paid.csv; cp paid.csv orig-paid.csv
refused same-file payroll-reconcile --ledger L.csv --result result.csv -o paid.csv --paid-ledger paid.csv
refused same-file payroll-reconcile --ledger L.csv --result result.csv -o f.csv --report f.csv; absent f.csv
unchanged L.csv result.csv paid.csv

# diff: the report over either input
cp L.csv L2.csv; cp L2.csv orig-L2.csv
refused same-file payroll-diff -o L.csv L.csv L2.csv
refused same-file payroll-diff -o L2.csv L.csv L2.csv
unchanged L.csv L2.csv

# sign: a .sig over a file being signed (by name, by hard link); one file twice
cp L.csv a.csv
cp L.csv a.csv.sig; cp a.csv.sig orig-a.csv.sig
refused same-file payroll-sign --key k.key a.csv a.csv.sig
unchanged a.csv.sig
rm a.csv.sig
cp L.csv b.csv; ln b.csv a.csv.sig
refused same-file payroll-sign --key k.key a.csv b.csv
same_file L.csv b.csv
rm a.csv.sig
refused same-file payroll-sign --key k.key a.csv a.csv
absent a.csv.sig

# keygen: never over anything, its passphrase file included
printf 'secret\n' >pass.pub
refused exists payroll-keygen --pass file:pass.pub -o pass
absent pass.key
[ "$(cat pass.pub)" = secret ] || fail "keygen wrote over its passphrase file"; ok

# ---- symbolic links ----
echo victim >victim.csv
cp victim.csv orig-victim.csv
ln -s victim.csv link.csv
ln -s nowhere.csv dangling.csv
for opt in -o --rejects --summary; do
	refused symlink calc -o out.csv $opt link.csv r.csv
	grep_file "link.csv: symlink: output is a symbolic link" err
	[ "$opt" = -o ] || absent out.csv
	refused symlink calc --rejects rej.csv $opt dangling.csv r.csv
	absent nowhere.csv; absent rej.csv
done
refused symlink payroll-bankfile --layout csv -o link.csv L.csv
refused symlink payroll-bankfile --layout csv -o dangling.csv L.csv
refused symlink payroll-disclose -o link.csv L.csv
refused symlink payroll-disclose -o list.csv --html dangling.csv L.csv; absent list.csv
refused symlink payroll-reconcile --ledger L.csv --result result.csv -o link.csv
refused symlink payroll-reconcile --ledger L.csv --result result.csv --report dangling.csv
refused symlink payroll-diff -o link.csv L.csv L2.csv
ln -s victim.csv c.csv.sig
cp L.csv c.csv
refused symlink payroll-sign --key k.key c.csv
mkdir m; cp L.csv m/ledger.csv; ln -s ../victim.csv m/SHA256SUMS
refused symlink payroll-sign --key k.key --manifest m/ledger.csv
absent m/ledger.csv.sig
ln -s victim.csv kl.key
refused exists payroll-keygen -o kl
unchanged victim.csv
[ -L link.csv ] && [ -L dangling.csv ] && [ -L c.csv.sig ] || fail "a link was replaced"; ok
absent nowhere.csv
# a key may still be a symbolic link to a 0600 file
ln -s k.key klink.key
expect_exit 0 payroll-sign --key klink.key a.csv
expect_exit 0 payroll-verify --pubkey k.pub a.csv
done_ok
