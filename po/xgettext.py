#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""xgettext.py SRC OUT.pot: extract every translatable message of payroll.

What is a message (SPEC 15, po/README.md):
- a literal in _() or N_() or payroll_tr();
- the format of payroll_error_set / payroll_error_vset / payroll_problem /
  payroll_error_errno and of tool_usage_error: they translate it when they
  format, so their callers pass plain literals;
- the format of any function defined with a `const char *fmt` parameter
  (the modules' own wrappers: perr, calc_reject, say...), and the
  message parameter of the few helpers listed in MESSAGE_PARAMS; these are
  found from their definitions, file by file, so a wrapper keeps working
  when a module is split or renamed, and the same name in two files
  (report, fail, bad) is a keyword only where it takes a message.

The template has no source locations and is sorted, so it changes only
when a message does. The build target payroll-pot writes po/payroll.pot;
tests/e2e/i18n_catalogue.sh regenerates it and checks every message has
a Chinese translation.
"""
import glob
import os
import re
import subprocess
import sys

GLOBAL = ["_", "N_", "payroll_tr"]
# printf-like functions whose format is not a message.
NOT_MESSAGES = {"payroll_buf_addf"}
GLOBAL_FMT = set()
# Helpers that take a plain message (not a format) and translate it.
MESSAGE_PARAMS = {
    ("report", "msg"), ("fail", "reason"), ("bad", "hint"),
    ("line_error", "what"), ("shape_reason", "usual"), ("payer_error", "msg"),
}
PROTOTYPE = re.compile(r"^[^#/*\n][^(;]*?\b([A-Za-z_]\w*)\(([^)]*)\)[^;{]*;", re.M)
MACRO = re.compile(r"^#define\s+(\w+)\(([^)]*)\)\s+(\w+)\((.*?)__VA_ARGS__", re.M)
DEFINITION = re.compile(r"^([A-Za-z_]\w*)\(([^)]*)\)\s*(?:__attribute__\(\([^;{]*\)\)\s*)?\{",
                        re.M)


def params(text):
    names = []
    for p in text.split(","):
        m = re.search(r"(\w+)\s*(?:\[[^\]]*\])?\s*$", p.strip())
        names.append(m.group(1) if m else p.strip())
    return names


def exported():
    """The printf-like functions declared in the headers (payroll_error_set,
    payroll_problem, tool_usage_error...): keywords in every file."""
    kws = []
    for h in sorted(glob.glob("libpayroll/*.h") + glob.glob("cmd/*.h") + glob.glob("cmd/common/*.h")):
        kws += keywords(h, PROTOTYPE)
    return kws


def keywords(path, pattern=DEFINITION):
    src = open(path, encoding="utf-8").read()
    kws = []
    for m in pattern.finditer(src):
        name, plist = m.group(1), m.group(2)
        if name in NOT_MESSAGES or name in GLOBAL_FMT:
            continue
        ps = params(plist)
        for i, p in enumerate(ps, 1):
            if (p == "fmt" and re.search(r"const\s+char\s*\*\s*fmt\b", plist)) or \
               (name, p) in MESSAGE_PARAMS:
                kws.append("%s:%d" % (name, i))
    # Macros that forward to a message function: #define problem(ld, ...)
    # payroll_problem(&(ld)->p, __VA_ARGS__) takes its format as argument 5.
    for m in MACRO.finditer(src):
        name, named, target, before = m.group(1), m.group(2), m.group(3), m.group(4)
        for k in GLOBAL:
            t, _, idx = k.partition(":")
            if t == target and idx:
                nnamed = len([x for x in named.split(",") if x.strip() not in ("", "...")])
                kws.append("%s:%d" % (name, nnamed + int(idx) - before.count(",")))
    return sorted(set(kws))


def main():
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.exit("usage: xgettext.py [--keywords] SRC OUT.pot")
    src, out = args[0], os.path.abspath(args[1])
    os.chdir(src)
    files = sorted(glob.glob("libpayroll/*.c") + glob.glob("cmd/*.c") + glob.glob("cmd/common/*.c"))
    GLOBAL.extend(exported())
    GLOBAL_FMT.update(k.partition(":")[0] for k in GLOBAL)
    tmp = out + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    base = ["xgettext", "--language=C", "--from-code=UTF-8", "--no-location",
            "--sort-output", "--no-wrap", "--add-comments=TRANSLATORS:",
            "--package-name=payroll", "--msgid-bugs-address=payroll",
            "--copyright-holder=", "--foreign-user", "-o", tmp]
    for f in files:
        cmd = list(base)
        for k in GLOBAL + keywords(f):
            cmd.append("--keyword=" + k)
            name, _, arg = k.partition(":")
            if arg and name not in ("_", "N_", "payroll_tr"):
                cmd.append("--flag=%s:%s:c-format" % (name, arg))
        if os.path.exists(tmp):
            cmd.append("--join-existing")
        if "--keywords" in flags:
            print(f, " ".join(keywords(f)))
        subprocess.run(cmd + [f], check=True)
        text = open(tmp, encoding="utf-8").read()
        with open(tmp, "w", encoding="utf-8") as t:
            t.write(text.replace("charset=CHARSET", "charset=UTF-8"))
    # No date in the header: the template changes only when a message does.
    text = open(tmp, encoding="utf-8").read()
    text = re.sub(r'"POT-Creation-Date: [^"]*\\n"\n', "", text)
    text = re.sub(r"\A(#.*\n)*", "# SPDX-License-Identifier: Apache-2.0\n"
                  "# payroll's messages, the template: written by po/xgettext.py\n"
                  "# (cmake --build build --target payroll-pot), never by hand.\n#\n",
                  text, count=1)
    os.remove(tmp)
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)


main()
