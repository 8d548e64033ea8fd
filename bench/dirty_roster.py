#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Make a dirty copy of a roster for before/after checks of calc:
dirty_roster.py IN OUT [DUP_PERCENT [clean]] (default 1.5; "clean": the
duplicates only, no damaged rows, for benchmarks).

Copies IN's rows and inserts duplicated rows (the same row again, or the
same id number or account under a new case_id) at random later places,
and damages a few rows: control bytes, stray quotes, U+FFFD, extra
fields, quoted commas and newlines, blank lines, CRLF and CR line ends.
Deterministic (fixed seed)."""
import random
import sys


def main():
    src, out = sys.argv[1], sys.argv[2]
    pct = float(sys.argv[3]) if len(sys.argv) > 3 else 1.5
    rnd = random.Random(20261202)
    with open(src, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    header, rows = lines[0], [l for l in lines[1:] if l]
    out_rows = list(rows)
    for _ in range(int(len(rows) * pct / 100)):
        r = rnd.choice(rows).split(",")
        kind = rnd.random()
        if kind < 0.5:
            pass                                   # the same row again
        elif kind < 0.75:
            r[0] = "X" + r[0]                      # same id number and account
        else:
            r[0] = "Y" + r[0]
            r[6] = ""                              # same account only
        out_rows.insert(rnd.randrange(len(out_rows) + 1), ",".join(r))
    damage = [
        lambda r: r.replace(",", ",\x01", 1),
        lambda r: r.replace(",", ',"x"y', 1),
        lambda r: r[:20] + "\ufffd" + r[20:],
        lambda r: r + ",extra",
        lambda r: r.replace(",", ',"a,b\nc"', 1) if "," in r else r,
        lambda r: "\n" + r,
        lambda r: r + "\r",
        lambda r: r.replace(",", ',"quoted, comma"', 1),
    ]
    ndamaged = 0 if sys.argv[4:5] == ["clean"] else len(out_rows) // 100
    for i in rnd.sample(range(len(out_rows)), ndamaged):
        out_rows[i] = rnd.choice(damage)(out_rows[i])
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("\ufeff" + header + "\n")
        for i, r in enumerate(out_rows):
            f.write(r + ("\r\n" if i % 997 == 5 else "\n"))


main()
