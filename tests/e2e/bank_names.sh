# SPDX-License-Identifier: Apache-2.0
# Chinese bank names in the roster (payroll-roster(5), BANK NAMES): the
# demo roster with its codes replaced by the usual names, short forms and
# branch names gives the same ledger byte for byte; the banks the demo
# does not use map to their codes; an unknown name stays bad-bank with the
# nearest known name suggested.
. "$SRC/tests/e2e/lib.sh"
D=$FIXTURES/every-code
calc() { payroll-calc -q --standards "$D/standards.csv" --period 2026-11 --grants "$D/grants.csv" "$@"; }

python3 - "$D/roster.csv" <<'PY'
import csv, sys
names = {"ICBC": ["中国工商银行", "工商银行", "工行", "中国工商银行东丰支行"],
         "ABC": ["中国农业银行", "农行"], "CCB": ["建设银行", "建行"],
         "PSBC": ["中国邮政储蓄银行", "邮储银行"]}
others = [("BOC", "中国银行"), ("BOCOM", "交通银行"), ("CMB", "招商银行"),
          ("RCC", "东丰县农村信用合作社"), ("RCB", "吉林东丰农村商业银行"), ("BOC", "中行"),
          ("RCC", "信用社"), ("RCB", "农商行")]
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
bank = rows[0].index("bank")
codes, named = [rows[0]], [rows[0]]
seen = {}
for i, r in enumerate(rows[1:]):
    c, n = list(r), list(r)
    b = r[bank]
    if b in names:
        k = seen.get(b, 0)
        seen[b] = k + 1
        n[bank] = names[b][k % len(names[b])]
        if i % 3 == 2 and others:
            code, name = others.pop(0)
            c[bank], n[bank] = code, name
    codes.append(c)
    named.append(n)
for path, data in (("codes.csv", codes), ("names.csv", named)):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(data)
PY
[ -s names.csv ] || fail "the generator wrote nothing"
ok
expect_exit 1 calc -o ledger-codes.csv --rejects rejects-codes.csv codes.csv
expect_exit 1 calc -o ledger-names.csv --rejects rejects-names.csv names.csv
same_file ledger-codes.csv ledger-names.csv
cut -d, -f2- rejects-codes.csv >r-codes
cut -d, -f2- rejects-names.csv >r-names
same_file r-codes r-names
# the names reached the ledger as codes (the rows paid), and the rows that
# were rejected for other reasons are rejected alike with their names
bankcol=$(head -1 ledger-codes.csv | tr , '\n' | grep -nx bank | cut -d: -f1)
[ -n "$bankcol" ] || fail "no bank column in the ledger"
for code in $(cut -d, -f"$bankcol" ledger-codes.csv | sed 1d | sort -u); do
	grep_file ",$code," ledger-names.csv
done
[ "$(cut -d, -f"$bankcol" ledger-codes.csv | sed 1d | sort -u | wc -l)" -ge 7 ] || fail "too few banks paid"
ok
grep_file "吉林东丰农村商业银行" names.csv
no_grep "银行" ledger-names.csv
# the demo's own roster, codes throughout, still gives its golden ledger
expect_exit 1 calc -o ledger.csv "$D/roster.csv"
same_file "$D/expected/ledger.csv" ledger.csv

# unknown names: bad-bank, the nearest known name suggested
head -1 "$D/roster.csv" >bad.csv
sed -n 2p "$D/roster.csv" | sed 's/,ICBC,/,工商行,/' >>bad.csv
sed -n 3p "$D/roster.csv" | sed 's/,ICBC,/,花旗,/' >>bad.csv
expect_exit 1 payroll-check --standards "$D/standards.csv" bad.csv
grep_file "bad.csv:2: bad-bank: column 13 (bank): not a bank name payroll knows (payroll-roster(5)) nor a code such as ICBC or a 12-digit CNAPS number: '工商行'; did you mean 工商银行 (ICBC)?" err
grep_file "bad.csv:3: bad-bank:" err
grep_file "'花旗'" err
no_grep "'花旗'; did you mean" err
done_ok
