#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write a synthetic ledger (SPEC 5.6) of N cases for bench/bankfile.sh.

gen_ledger.py N OUT. Deterministic (seeded). Per case 1 to 3 lines
(allowance, supplement, arrears months), 80% subsistence, 15% extreme
poverty (one in ten centralized, paid to an institution with a long
name), 5% temporary grants; five banks; accounts pass Luhn.
"""
import random
import sys

HEADER = ("period,case_id,program,item,month,region,locality,name,id_number,"
          "bank,account,account_name,members,amount,basis\n")
BANKS = ["ICBC", "ABC", "CCB", "BOC", "102241000018"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
INST = "长春市朝阳区第1社会福利中心特困人员集中供养服务站老年公寓管理委员会"


def luhn(body):
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def idnum(body):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * k for c, k in zip(body, w)) % 11]


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(20240301)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER)
        w = f.write
        for i in range(1, n + 1):
            r = rnd.random()
            name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.randint(1, 2)))
            bank = BANKS[i % 5]
            acct = luhn("6222%014d" % i)
            idn = idnum("2201041960%07d" % (i % 10000000))
            region, loc = "220104", "红旗街道"
            members = rnd.randint(1, 5)
            if r < 0.80:
                prog, aname = "subsistence", name
                lines = [("allowance", "2024-03", 41000 * members - 30000)]
                if rnd.random() < 0.4:
                    lines.append(("supplement", "2024-03", 10000))
                if rnd.random() < 0.05:
                    lines.insert(0, ("allowance", "2024-02", 40000 * members - 30000))
                cid = "C%08d" % i
            elif r < 0.95:
                prog = "extreme-poverty"
                aname = INST if rnd.random() < 0.1 else name
                if aname == INST:
                    acct = "0710002109024700123"
                lines = [("basic-living", "2024-03", 53300 * members), ("care", "2024-03", 120000 * members)]
                cid = "C%08d" % i
            else:
                prog, aname = "temporary", name
                lines = [("temporary", "2024-03", 200000)]
                cid = "G%08d" % i
            for item, month, fen in lines:
                fen = max(fen, 100)
                amt = "%d.%02d" % (fen // 100, fen % 100)
                w("2024-03,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%d,%s,%s\n" % (
                    cid, prog, item, month, region, loc, name, idn, bank, acct, aname,
                    members, amt, "computed " + amt))


if __name__ == "__main__":
    main()
