#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write a synthetic ledger of the SPEC 5.6 format for bench/stats.sh.

gen_ledger2.py LINES OUT [PERIOD]. Deterministic (seeded). Exactly LINES
lines: cases of 1 to 3 lines (allowance, supplement, an arrears month),
75% subsistence, 17% extreme poverty (a tenth centralized under one
institution account), 8% temporary grants; 3 counties, 60 townships, 600
villages; urban and rural; every basis is arithmetic that gives its amount
(so that audit's basis-mismatch evaluates every line and finds nothing);
a case's account and amount are the same in every period, so a ledger and
its previous month audit clean.
"""
import random
import sys

from gen_ledger import idnum, luhn

HEADER = ("period,case_id,program,item,month,region,area,locality,name,id_number,"
          "bank,account,account_name,members,support_mode,care_level,amount,basis\n")
BANKS = ["ICBC", "ABC", "CCB", "BOC", "PSBC"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
INST = "东丰县社会福利中心"


def main():
    total, out = int(sys.argv[1]), sys.argv[2]
    period = sys.argv[3] if len(sys.argv) > 3 else "2026-11"
    prev = "%s-%02d" % (period[:4], int(period[5:]) - 1) if period[5:] != "01" else "%d-12" % (int(period[:4]) - 1)
    rnd = random.Random(20261101)
    written, i = 0, 0
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER)
        while written < total:
            i += 1
            r = rnd.random()
            name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.randint(1, 2)))
            county = ("220421", "220422", "220423")[i % 3]
            region = county + "%03d%03d" % (100 + i % 20, 200 + i % 10)
            area = "rural" if i % 4 else "urban"
            loc = "第%d村" % (i % 600)
            members = rnd.randint(1, 5)
            bank, acct, aname = BANKS[i % 5], luhn("6222%014d" % i), name
            idn = idnum("2204211960%07d" % (i % 10000000))
            mode = care = ""
            if r < 0.75:
                prog, cid = "subsistence", "C%08d" % i
                income = rnd.randint(0, 300)
                lines = [("allowance", period, "410.00*%d-%d.00" % (members, income),
                          41000 * members - income * 100)]
                if rnd.random() < 0.4:
                    lines.append(("supplement", period, "(410.00*20%=82.00)(severe-disability)", 8200))
                if rnd.random() < 0.05:
                    lines.insert(0, ("allowance", prev, "400.00*%d-%d.00" % (members, income),
                                     40000 * members - income * 100))
            elif r < 0.92:
                prog, cid = "extreme-poverty", "T%08d" % i
                mode = "centralized" if rnd.random() < 0.1 else "dispersed"
                care = ("self-care", "partial", "full")[i % 3]
                if mode == "centralized":
                    bank, acct, aname = "PSBC", "220421000000188801", INST
                lines = [("basic-living", period, "(410.00*130%%=533.00)*%d" % members, 53300 * members),
                         ("care", period, "164.00*%d" % members, 16400 * members)]
            else:
                prog, cid = "temporary", "G%08d" % i
                lines = [("temporary", period, "", 150000)]
            for item, month, expr, fen in lines:
                if written >= total:
                    break
                amt = "%d.%02d" % (fen // 100, fen % 100)
                basis = expr + "=" + amt if expr else amt
                f.write(",".join([period, cid, prog, item, month, region, area, loc, name, idn, bank,
                                  acct, aname, str(members), mode, care, amt, basis]) + "\n")
                written += 1


if __name__ == "__main__":
    main()
