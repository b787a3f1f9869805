#!/usr/bin/env python3
"""Server CPU per request at a fixed offered rate: the cost figure that holds on 2 shared cores.

Each side is a java command line. Per round, every side in turn is started fresh with the server
pinned to CPU 0 (taskset), warmed up with wrk, then offered a fixed rate with hey pinned to CPU 1
for the measured window. Its cost is the CPU time of the server's threads over that window (from
/proc/PID/task/*/schedstat, nanoseconds), leaving out the JIT compiler threads, whose work is
warm-up, divided by the requests it answered. Sides alternate (A B A B ...); the report has per
side the median, min and max of the rounds, and each side's median over the first side's.

usage: cost.py [--rounds N] [--rate R] [--conns C] [--secs S] [--warm W] [--out FILE] PATH \\
               'NAME: JAVA ARGS' 'NAME: JAVA ARGS' [...]
  --server.port and --server.address=127.0.0.1 are appended to each side's arguments.
Needs taskset, wrk and hey (Debian: util-linux wrk hey) and a JDK 21+ (JAVA, or found under
/usr/lib/jvm).
"""
import argparse, glob, json, os, re, socket, statistics, subprocess, sys, time, urllib.request


def java():
    if os.environ.get("JAVA"):
        return os.environ["JAVA"]
    found = sorted(glob.glob("/usr/lib/jvm/*2[1-9]*/bin/java"))
    if not found:
        sys.exit("no JDK 21+ under /usr/lib/jvm: set JAVA=/path/to/bin/java")
    return found[-1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_cpu_ns(pid):
    """CPU time of every thread of pid but the JIT compilers ('C1 CompilerThre', 'C2 CompilerThre')."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                if "Compiler" in f.read():
                    continue
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass  # a thread that ended between listing and reading
    return total


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


def warm(url, secs, conns):
    subprocess.run(["taskset", "-c", "1", "wrk", "-t1", f"-c{conns}", f"-d{secs}s", url],
                   capture_output=True, text=True, check=False)


def offer(url, secs, conns, rate):
    """hey at a fixed total rate; returns (answered, not 200)."""
    out = subprocess.run(["taskset", "-c", "1", "hey", "-z", f"{secs}s", "-c", str(conns),
                          "-q", str(max(1, rate // conns)), url], capture_output=True, text=True).stdout
    codes = [(int(c), int(n)) for c, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", out)]
    answered = sum(n for _, n in codes)
    errors = sum(n for c, n in codes if c != 200) + (1 if "Error distribution" in out else 0)
    return answered, errors


def measure(args, o):
    port = free_port()
    proc = start(args, port, o.path)
    url = f"http://127.0.0.1:{port}{o.path}"
    try:
        warm(url, o.warm, o.conns)
        cpu0, t0 = server_cpu_ns(proc.pid), time.time()
        answered, errors = offer(url, o.secs, o.conns, o.rate)
        t1, cpu1 = time.time(), server_cpu_ns(proc.pid)
    finally:
        proc.terminate()
        proc.wait(30)
    return {"cpu_us": (cpu1 - cpu0) / 1e3 / max(answered, 1), "rps": answered / (t1 - t0), "errors": errors}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rate", type=int, default=2000)
    ap.add_argument("--conns", type=int, default=50)
    ap.add_argument("--secs", type=int, default=10)
    ap.add_argument("--warm", type=int, default=10)
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
        for name, args in sides:
            runs[name].append(measure(args, o))
    report = {"path": o.path, "rate": o.rate, "conns": o.conns, "secs": o.secs, "warm": o.warm,
              "rounds": o.rounds, "date": time.strftime("%Y-%m-%d"), "sides": {}}
    first = None
    for name, args in sides:
        cpu = [r["cpu_us"] for r in runs[name]]
        entry = {"args": args, "cpu_us": round(statistics.median(cpu), 1), "cpu_min": round(min(cpu), 1),
                 "cpu_max": round(max(cpu), 1), "cpu_runs": [round(c, 1) for c in cpu],
                 "rps": round(statistics.median(r["rps"] for r in runs[name])),
                 "errors": sum(r["errors"] for r in runs[name])}
        first = first or entry["cpu_us"]
        entry["over_first"] = round(entry["cpu_us"] / first, 3)
        report["sides"][name] = entry
    text = json.dumps(report)
    if o.out:
        with open(o.out, "w") as f:
            f.write(text + "\n")
    print(text)


main()
