# SPDX-License-Identifier: Apache-2.0
# SPEC 6.1 and 2: inspect lists every problem "with its record number and a
# stable code" as diagnostics are written, FILE:LINE: CODE: message. A
# problem of the file as a whole (a csv bank file without its control
# file) has no record: it is FILE: CODE: message, not a made-up line 0.
. "$SRC/tests/e2e/lib.sh"
F=$FIXTURES/bank
expect_exit 0 payroll-bankfile --layout csv -o bank.csv "$F/ledger.csv"
rm bank.csv.ctl
sed '3s/^2,/1,/' bank.csv >dup.csv
rm bank.csv
expect_exit 1 payroll-inspect dup.csv
grep_file '  dup.csv: missing-control: cannot read the control file dup.csv.ctl' out
grep_file '  dup.csv:3: duplicate-seq: serial 1 seen before in record 2' out
no_grep 'dup.csv:0:' out
done_ok
