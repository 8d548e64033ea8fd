# SPDX-License-Identifier: Apache-2.0
# Shared by bench/*.sh: source it. One timing function for all of them.
#
# measure CMD... [:: CMD...]...
#   Runs the commands one after the other, round after round (A B A B ...,
#   $BENCH_ROUNDS rounds, default 5), so that load from elsewhere on the
#   machine hits each alike. Prints one line per command, in order:
#     median-seconds best-seconds peak-MiB ratio cpu-seconds cpu-ratio
#   ratio: the median over the rounds of this command's time divided by the
#   first command's time in the same round (1.00 for the first); the cpu
#   figures are the same for user + system time (on a machine shared by
#   many, wall time is mostly waiting for a core, CPU time the work). Peak
#   memory is the command's own ru_maxrss (of its biggest process).
#   Output goes to /dev/null; a command that fails stops the script.
measure() {
	python3 - "${BENCH_ROUNDS:-5}" "$@" <<'PY'
import os, statistics, subprocess, sys, time
rounds, argv = int(sys.argv[1]), sys.argv[2:]
cmds, cur = [], []
for a in argv:
    if a == "::":
        cmds.append(cur); cur = []
    else:
        cur.append(a)
cmds.append(cur)
times = [[] for _ in cmds]
cpu = [[] for _ in cmds]
peak = [0] * len(cmds)
for _ in range(rounds):
    for i, c in enumerate(cmds):
        t = time.perf_counter()
        p = subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        times[i].append(time.perf_counter() - t)
        cpu[i].append(ru.ru_utime + ru.ru_stime)
        peak[i] = max(peak[i], ru.ru_maxrss)
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):	# calc exits 1 when rows need a person
            sys.exit("bench: %s exited %d" % (" ".join(c), code))
for i in range(len(cmds)):
    ratio = statistics.median(t / b for t, b in zip(times[i], times[0]))
    cratio = statistics.median(t / max(b, 1e-6) for t, b in zip(cpu[i], cpu[0]))
    print("%.3f %.3f %.1f %.2f %.3f %.2f" % (statistics.median(times[i]), min(times[i]),
                                             peak[i] / 1024, ratio,
                                             statistics.median(cpu[i]), cratio))
PY
}

# Where outputs go: /dev/shm where it exists, so the disk's flush speed is
# not what is measured.
bench_out() {
	local out=${BENCH_OUT:-/dev/shm}
	[ -d "$out" ] || out=data
	echo "$out"
}
