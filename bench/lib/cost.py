#!/usr/bin/env python3
"""Server CPU per request at a fixed offered rate: the cost figure that holds on 2 shared cores.

Each side is a java command line. Per round, every side in turn is started fresh with the server
pinned to CPU 0 (taskset), warmed up with wrk until the JIT compilers settle (or --warm seconds),
then offered a fixed rate with hey pinned to CPU 1 for the measured window. Its cost is the CPU
time of the server's threads over that window (from /proc/PID/task/*/schedstat, nanoseconds),
leaving out the JIT compiler threads, whose work is warm-up, divided by the requests it
answered; the compilers' share of a core in the window, and the CPU per second of the starter's
own threads and of JFR's, are reported beside it. Sides alternate (A B A B ...); the report has per
side the median, min and max of the rounds, and each side's median over the first side's.

With --interleave K, a round starts every side at once (each on its own port, all on CPU 0),
warms each in turn, and then measures K windows per side, alternating sides window by window; the
round's figure for a side is the median of its K windows, and each side also gets its ratio to the
first side round by round. The two kinds of noise then show apart: the windows of one process
spread by what the machine does from minute to minute, the rounds by what each JVM's compilers
decided. Give the first side's command a second time to see the method's own error: on this
machine two processes of one command differed by up to 11% per round, mostly per process, so
more windows do not narrow it and more rounds do.

usage: cost.py [--rounds N] [--interleave K] [--rate R] [--conns C] [--secs S] [--warm W] [--settle F] [--out FILE] PATH \\
               'NAME: JAVA ARGS' 'NAME: JAVA ARGS' [...]
  --server.port and --server.address=127.0.0.1 are appended to each side's arguments.
Needs taskset, wrk and hey (Debian: util-linux wrk hey) and a JDK 21+ (JAVA, or found under
/usr/lib/jvm).
"""
import argparse, glob, json, os, statistics, subprocess, sys, time, urllib.request

import measure


def java():
    if os.environ.get("JAVA"):
        return os.environ["JAVA"]
    found = sorted(glob.glob("/usr/lib/jvm/*2[1-9]*/bin/java"))
    if not found:
        sys.exit("no JDK 21+ under /usr/lib/jvm: set JAVA=/path/to/bin/java")
    return found[-1]


def start(args, port, path):
    cmd = ["taskset", "-c", "0", java()] + args.split() + [f"--server.port={port}", "--server.address=127.0.0.1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit("server exited at start: " + " ".join(cmd))
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2).read()
            return proc
        except Exception:
            time.sleep(0.5)
    proc.kill()
    sys.exit("server did not answer within 120 s: " + " ".join(cmd))


def offer(url, secs, conns, rate):
    """hey at a fixed total rate on CPU 1; returns (answered, not 200)."""
    m = measure.parse_hey(measure.run(measure.hey_cmd(url, conns, secs=secs, rate=rate), secs + 60)[1])
    return m["ok"], m["errors"]


def window(proc, base, o):
    """One measured window at the fixed rate: CPU per request of proc, compilers left out."""
    (cpu0, jit0, g0), t0 = measure.cpu_ns([proc.pid]), time.time()
    answered, errors = offer(base + o.path, o.secs, o.conns, o.rate)
    t1, (cpu1, jit1, g1) = time.time(), measure.cpu_ns([proc.pid])
    return {"cpu_us": (cpu1 - cpu0) / 1e3 / max(answered, 1), "rps": answered / (t1 - t0), "errors": errors,
            "jit_share": round((jit1 - jit0) / 1e9 / (t1 - t0), 3),
            "groups_ms_per_s": {name: round((g1[name] - g0[name]) / 1e6 / (t1 - t0), 2) for name in measure.GROUPS}}


def interleaved_round(sides, o):
    """Every side started at once, warmed in turn, then o.interleave windows each, alternating."""
    procs = {}
    try:
        for name, args in sides:
            port = measure.free_port()
            procs[name] = (start(args, port, o.path), f"http://127.0.0.1:{port}")
        warmed = {}
        for name, (proc, base) in procs.items():
            warmed[name] = measure.warm(base, lambda p=proc: [p.pid], o.path, o.conns, o.warm, settle=o.settle,
                                        min_s=min(20, o.warm))["warm_s"]
        time.sleep(o.pause)
        windows = {name: [] for name in procs}
        for _ in range(o.interleave):
            for name, (proc, base) in procs.items():
                windows[name].append(window(proc, base, o))
                time.sleep(1)
    finally:
        for proc, _ in procs.values():
            proc.terminate()
        for proc, _ in procs.values():
            proc.wait(30)
    result = {}
    for name, ws in windows.items():
        result[name] = {"cpu_us": statistics.median(w["cpu_us"] for w in ws),
                        "windows_cpu_us": [round(w["cpu_us"], 1) for w in ws],
                        "rps": statistics.median(w["rps"] for w in ws), "errors": sum(w["errors"] for w in ws),
                        "warm_s": round(warmed[name]), "jit_share": max(w["jit_share"] for w in ws),
                        "groups_ms_per_s": {g: statistics.median(w["groups_ms_per_s"][g] for w in ws)
                                            for g in measure.GROUPS}}
    return result


def measure_side(args, o):
    port = measure.free_port()
    proc = start(args, port, o.path)
    base = f"http://127.0.0.1:{port}"

    def pids():
        return [proc.pid]
    try:
        warmed = measure.warm(base, pids, o.path, o.conns, o.warm, settle=o.settle, min_s=min(20, o.warm))
        # Before the window opens: the warm-up's tail drains, and what a saturating load set off
        # ends (the virtual-thread diagnostics see saturation as carrier lag and sample native
        # methods for 5 s after the last late probe, plus two JFR flushes to explain it). The
        # window measures the steady state at the offered rate.
        time.sleep(o.pause)
        result = window(proc, base, o)
    finally:
        proc.terminate()
        proc.wait(30)
    result["warm_s"] = round(warmed["warm_s"])
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--interleave", type=int, default=0,
                    help="K windows per side in processes started together, alternating (0: one window per fresh process)")
    ap.add_argument("--rate", type=int, default=2000)
    ap.add_argument("--conns", type=int, default=50)
    ap.add_argument("--secs", type=int, default=10)
    ap.add_argument("--warm", type=int, default=10, help="most seconds of warm-up")
    ap.add_argument("--settle", type=float, default=0.02,
                    help="warm-up ends early once the JIT compilers use less than this share of a core")
    ap.add_argument("--pause", type=int, default=12, help="idle seconds between warm-up and the window")
    ap.add_argument("--out")
    ap.add_argument("path")
    ap.add_argument("sides", nargs="+")
    o = ap.parse_args()
    sides = []
    for side in o.sides:
        name, args = side.split(":", 1)
        sides.append((name.strip(), args.strip()))
    runs = {name: [] for name, _ in sides}
    for _ in range(o.rounds):
        if o.interleave:
            for name, result in interleaved_round(sides, o).items():
                runs[name].append(result)
            continue
        for name, args in sides:
            runs[name].append(measure_side(args, o))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    report = {"commit": commit or None, "path": o.path, "rate": o.rate, "conns": o.conns, "secs": o.secs, "warm": o.warm, "settle": o.settle, "pause": o.pause,
              "interleave": o.interleave, "rounds": o.rounds, "date": time.strftime("%Y-%m-%d"), "sides": {}}
    first = None
    for name, args in sides:
        cpu = [r["cpu_us"] for r in runs[name]]
        entry = {"args": args, "cpu_us": round(statistics.median(cpu), 1), "cpu_min": round(min(cpu), 1),
                 "cpu_max": round(max(cpu), 1), "cpu_runs": [round(c, 1) for c in cpu],
                 "rps": round(statistics.median(r["rps"] for r in runs[name])),
                 "errors": sum(r["errors"] for r in runs[name]),
                 "warm_s": [r["warm_s"] for r in runs[name]],
                 # The suite's rule: a cell whose rounds spread by more than 10% is flagged, not hidden.
                 "spread": round((max(cpu) - min(cpu)) / statistics.median(cpu), 3),
                 "flagged": (max(cpu) - min(cpu)) / statistics.median(cpu) > 0.10,
                 "jit_share": [r["jit_share"] for r in runs[name]],
                 "groups_ms_per_s": {g: round(statistics.median(r["groups_ms_per_s"][g] for r in runs[name]), 2)
                                     for g in measure.GROUPS}}
        first = first or entry["cpu_us"]
        entry["over_first"] = round(entry["cpu_us"] / first, 3)
        if o.interleave:
            entry["windows_cpu_us"] = [r["windows_cpu_us"] for r in runs[name]]
            # Sides of one round ran in the same minutes: their ratio round by round leaves out
            # what the machine did between rounds.
            base_runs = runs[sides[0][0]]
            ratios = [r["cpu_us"] / b["cpu_us"] for r, b in zip(runs[name], base_runs)]
            entry["ratio_runs"] = [round(x, 3) for x in ratios]
            entry["ratio_median"] = round(statistics.median(ratios), 3)
        report["sides"][name] = entry
    text = json.dumps(report)
    if o.out:
        with open(o.out, "w") as f:
            f.write(text + "\n")
    print(text)


main()
