# SPDX-License-Identifier: Apache-2.0
# frontend.py BIN SRC: the tools' --help against their man pages and the
# source (run by frontend.sh). For every tool (cmd/*.c but the
# dispatcher; the shared front end is in cmd/common/):
#   - the usage forms of --help equal the man page's SYNOPSIS (the
#     "payroll VERB ..." form aside), word for word;
#   - the options of --help equal the options tagged in the man page's
#     OPTIONS section (-h, --help and --version included);
#   - every exit code of --help's "exit:" line is in the man page's EXIT
#     STATUS section;
# the dispatcher's verbs (payroll --help) equal those tools, each with a
# man page; and every error code the library sets (a string literal given
# as the code argument of payroll_error_set and the library's other
# functions taking "const char *code") appears in some man page.
# Prints each problem and exits 1 if there is one.
import glob
import os
import re
import shlex
import subprocess
import sys

BIN, SRC = sys.argv[1], sys.argv[2]
problems = []


def problem(msg):
    problems.append(msg)


def unescape(s):
    s = s.replace('\\&', '').replace('\\-', '-').replace('\\e', '\\')
    s = re.sub(r'\\f[BIRP]', '', s)
    s = s.replace('\\(em', '—').replace('\\(en', '–').replace('\\ ', ' ')
    s = s.replace('\\(<=', '<=').replace('\\(>=', '>=').replace('\\(mu', 'x')
    s = s.replace('\\|', '')
    return s


def render_line(line):
    """One roff source line as text ('' for requests that print nothing)."""
    m = re.match(r'^\.(B|I|BR|RB|IR|RI|BI|IB|SM|SB)(?:\s+(.*))?$', line)
    if m:
        args = m.group(2) or ''
        try:
            words = shlex.split(args.replace('\\', '\\\\'), posix=True)
        except ValueError:
            words = args.split()
        if m.group(1) in ('B', 'I', 'SM', 'SB'):
            return unescape(' '.join(words))
        return unescape(''.join(words))
    if line.startswith('.') or line.startswith("'"):
        return ''
    return unescape(line)


def sections(path):
    """{section name: [source lines]} of a man page."""
    out, cur = {}, None
    with open(path, encoding='utf-8') as f:
        for line in f.read().split('\n'):
            m = re.match(r'^\.SH\s+"?([^"]*)"?\s*$', line)
            if m:
                cur = m.group(1).strip()
                out[cur] = []
            elif cur:
                out[cur].append(line)
    return out


def norm(s):
    return ' '.join(s.split())


def man_forms(lines, verb):
    forms, cur = [], []
    for line in lines:
        if line.strip() == '.br':
            forms.append(norm(' '.join(cur)))
            cur = []
        else:
            cur.append(render_line(line))
    forms.append(norm(' '.join(cur)))
    return [f for f in forms if f and not f.startswith('payroll %s' % verb)]


def help_parts(text, name):
    usage, rest = text.split('\n\n', 1)
    forms = []
    for i, line in enumerate(usage.split('\n')):
        if i == 0:
            line = line[len('usage: '):] if line.startswith('usage: ') else line
        if line.strip().startswith(name + ' ') or line.strip() == name:
            forms.append(line.strip())
        elif forms:
            forms[-1] += ' ' + line.strip()
    opts = set()
    exits = ''
    in_exit = False
    for line in rest.split('\n'):
        if line.startswith('exit: '):
            in_exit = True
            exits = line[len('exit: '):]
        elif in_exit and line.startswith('      '):
            exits += ' ' + line.strip()
        else:
            in_exit = False
            if re.match(r'^  (-[A-Za-z], )?(    )?--', line):
                left = re.split(r'\s{2,}', line.strip())[0]
                for tok in re.findall(r'(?<![\w-])(--[a-z0-9][a-z0-9-]*|-[A-Za-z])(?![\w-])',
                                      left):
                    opts.add(tok)
    return [norm(f) for f in forms], opts, exits


def man_tag_options(lines):
    opts = set()
    for i, line in enumerate(lines):
        if re.match(r'^\.TP\b', line) and i + 1 < len(lines):
            tag = render_line(lines[i + 1])
            for tok in re.findall(r'(?<![\w-])(--[a-z0-9][a-z0-9-]*|-[A-Za-z])(?![\w-])', tag):
                opts.add(tok)
    return opts


def run(args):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode('utf-8'), p.stderr.decode('utf-8')


tools = sorted(os.path.basename(p)[:-2] for p in glob.glob(os.path.join(SRC, 'cmd', '*.c')))
tools = [t for t in tools if t != 'payroll']
if len(tools) < 10:
    problem('only %d tools found in cmd/' % len(tools))

for verb in tools:
    name = 'payroll-' + verb
    page = os.path.join(SRC, 'man', name + '.1')
    if not os.path.exists(page):
        problem('%s: no man page %s' % (name, page))
        continue
    rc, out, err = run([os.path.join(BIN, name), '--help'])
    if rc != 0 or err:
        problem('%s --help: exit %d, stderr %r' % (name, rc, err))
        continue
    forms, hopts, exits = help_parts(out, name)
    sec = sections(page)
    mforms = man_forms(sec.get('SYNOPSIS', []), verb)
    if forms != mforms:
        problem('%s: --help usage and man SYNOPSIS differ:\n  help: %s\n  man:  %s'
                % (name, '\n        '.join(forms), '\n        '.join(mforms)))
    mopts = man_tag_options(sec.get('OPTIONS', []))
    if not hopts:
        problem('%s: no options in --help' % name)
    for o in sorted(hopts - mopts):
        problem('%s: option %s of --help is not in the man page OPTIONS' % (name, o))
    for o in sorted(mopts - hopts):
        problem('%s: option %s of the man page OPTIONS is not in --help' % (name, o))
    codes = re.findall(r'(?:^|[,;]\s*)(\d+)\s', exits)
    if not codes:
        problem('%s: no exit codes in --help (%r)' % (name, exits))
    status = norm(' '.join(render_line(x) for x in sec.get('EXIT STATUS', [])))
    for c in codes:
        if not re.search(r'(?<![\w.-])%s(?![\w.-])' % c, status):
            problem('%s: exit code %s of --help is not in the man page EXIT STATUS' % (name, c))

# the dispatcher's verbs
rc, out, err = run([os.path.join(BIN, 'payroll'), '--help'])
verbs = []
if 'verbs:\n' in out:
    for line in out.split('verbs:\n', 1)[1].split('\n'):
        m = re.match(r'^  ([a-z]+)\s', line)
        if not m:
            break
        verbs.append(m.group(1))
if sorted(verbs) != tools:
    problem('payroll --help lists verbs %s, cmd/ has %s' % (sorted(verbs), tools))
for v in verbs:
    rc, out, err = run([os.path.join(BIN, 'payroll'), v, '--version'])
    if rc != 0 or not out.startswith('payroll-%s ' % v):
        problem('payroll %s --version: exit %d, %r' % (v, rc, out + err))

# every error code the library sets is in some man page
man_text = ''
for page in glob.glob(os.path.join(SRC, 'man', '*.[157]')):
    with open(page, encoding='utf-8') as f:
        man_text += '\n'.join(render_line(x) for x in f.read().split('\n')) + '\n'
lib = {}
for p in glob.glob(os.path.join(SRC, 'libpayroll', '*.c')):
    with open(p, encoding='utf-8') as f:
        lib[p] = f.read()
# functions taking an error code, and its argument index
takers = {'payroll_error_set': 5, 'payroll_error_vset': 5, 'payroll_problem': 3}
for text in lib.values():
    for m in re.finditer(r'^(\w+)\(([^)]*)\)\s*\n?\{', text, re.M):
        params = [x.strip() for x in m.group(2).split(',')]
        for i, prm in enumerate(params):
            if re.match(r'^const char \*code$', prm) and m.group(1) != 'format_is_date':
                takers[m.group(1)] = i


def call_args(text, start):
    """The top-level arguments of the call whose '(' is at start."""
    depth, cur, args, i, instr = 0, '', [], start, False
    while i < len(text):
        ch = text[i]
        if instr:
            cur += ch
            if ch == '\\':
                cur += text[i + 1]
                i += 1
            elif ch == '"':
                instr = False
        elif ch == '"':
            instr = True
            cur += ch
        elif ch == '(':
            depth += 1
            if depth > 1:
                cur += ch
        elif ch == ')':
            depth -= 1
            if depth == 0:
                args.append(cur.strip())
                return args
            cur += ch
        elif ch == ',' and depth == 1:
            args.append(cur.strip())
            cur = ''
        else:
            cur += ch
        i += 1
    return args


codes = {}
for p, text in lib.items():
    for fn, idx in takers.items():
        for m in re.finditer(r'(?<![\w.>])%s\s*\(' % fn, text):
            args = call_args(text, m.end() - 1)
            if idx < len(args):
                lit = re.fullmatch(r'"([a-z0-9][a-z0-9-]*)"', args[idx])
                if lit:
                    codes.setdefault(lit.group(1), os.path.basename(p))
if len(codes) < 50:
    problem('only %d library error codes found: the scan broke' % len(codes))
for code in sorted(codes):
    if not re.search(r'(?<![\w-])%s(?![\w-])' % re.escape(code), man_text):
        problem('error code %s (%s) is in no man page' % (code, codes[code]))

# the library never names a command-line flag in a message
for p, text in lib.items():
    code = re.sub(r'/\*.*?\*/', lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text, flags=re.S)
    for n, line in enumerate(code.split('\n'), 1):
        for lit in re.findall(r'"((?:[^"\\]|\\.)*)"', line):
            if re.search(r'(^|[\s(])(--[a-z]|-[a-zA-Z](?=[\s,;)]|$))', lit):
                problem('%s:%d: a library message names a flag: "%s"'
                        % (os.path.basename(p), n, lit))

for p in problems:
    print('frontend: ' + p)
print('frontend: %d tools, %d verbs, %d library codes checked; %d problems'
      % (len(tools), len(verbs), len(codes), len(problems)))
sys.exit(1 if problems else 0)
