#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write a synthetic roster of N rows for benchmarks: gen_roster.py N OUT.

A realistic mix: 80% subsistence (urban/rural, incomes, categories on some
persons), 20% extreme-poverty (dispersed/centralized, care levels), a few
hundred villages in one county, unique case ids, ids and accounts with
valid check digits, a few percent of rows not due. Deterministic.
"""
import os, random, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from fixturegen import luhn

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"

def idno(i):
    # unique for i below 30 million: the date and sequence encode i
    body = "220421%04d%02d%02d%03d" % (1930 + (i // 336000) % 90, 1 + (i // 28000) % 12,
                                      1 + (i // 1000) % 28, i % 1000)
    return body + CHECK[sum(int(c) * w for c, w in zip(body, W)) % 11]

def card(i):
    return luhn("621700%012d" % i)

def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(20261101)
    villages = ["2204211%02d2%02d" % (t, v) for t in range(1, 12) for v in range(1, 30)]
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红斌国庆建华德明淑珍"
    cats = ["severe-disability", "elderly-70", "minor", "serious-illness"]
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("case_id,program,area,region,locality,name,id_number,members,income,"
                "categories,care_level,support_mode,bank,account,account_name,start,end,"
                "status,paid_through\n")
        for i in range(n):
            v = villages[i % len(villages)]
            name = rnd.choice(surnames) + "".join(rnd.choice(given) for _ in range(rnd.choice((1, 2, 2))))
            rural = i % 3 != 0
            status = "stopped" if i % 50 == 0 else ""
            if i % 5 == 4:
                mode = "centralized" if i % 20 == 9 else "dispersed"
                acct = "220421000000188801" if mode == "centralized" else card(i)
                aname = "东丰县社会福利中心" if mode == "centralized" else ""
                row = ["TK%08d" % i, "extreme-poverty", "rural" if rural else "urban", v,
                       "村%03d" % (i % 300), name, idno(i), "1", "", "",
                       rnd.choice(("self-care", "partial", "full")), mode, "PSBC", acct,
                       aname, "2024-01", "", status, ""]
            else:
                m = rnd.randint(1, 5)
                persons = ";".join(rnd.choice(cats) for _ in range(rnd.randint(0, min(m, 2))))
                row = ["DB%08d" % i, "subsistence", "rural" if rural else "urban", v,
                       "村%03d" % (i % 300), name, idno(i), str(m),
                       "%d.%02d" % (rnd.randint(0, 300 * m), rnd.randint(0, 99)), persons, "", "",
                       rnd.choice(("ICBC", "ABC", "CCB", "BOC")), card(i), "", "2025-03", "",
                       status, "2026-08" if i % 40 == 7 else ""]
            f.write(",".join(row) + "\n")

main()
