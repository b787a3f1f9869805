"""The measuring primitives of the suite and of cost.py: what holds on 2 shared cores.

The server runs on CPU 0 (the caller starts it under `taskset -c 0`), every load tool here on
CPU 1, so that the kernel does not split one pair of cores between the two in a different way on
each run. A server's cost is the CPU time of its threads (/proc/PID/task/*/schedstat,
nanoseconds) over a window at a fixed offered rate below saturation, leaving out the JIT
compiler threads, whose work is warm-up; divided by the requests answered. Context switches over
the same window come from `perf stat -e context-switches` (a software event: it works in this VM,
where the hardware counters do not). Saturated throughput is wrk with one thread on CPU 1.

A server is given as a function returning its pids (one for a JVM; the master and its workers for
gunicorn), so the same phases measure both.
"""
import json
import os
import re
import signal
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LUA = os.path.join(HERE, "wrk-json.lua")
SERVER_CPU, LOAD_CPU = "0", "1"

# Threads named here are reported apart, in ms of CPU per second of the window: the starter's own
# (its probe, watchdog and timer) and JFR's, which the virtual-thread diagnostics start.
GROUPS = {"starter": ("workerclass-",), "jfr": ("JFR ",)}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pinned_load(cmd):
    return ["taskset", "-c", LOAD_CPU] + cmd


def _tasks(pids):
    for pid in pids:
        try:
            tids = os.listdir("/proc/%d/task" % pid)
        except OSError:
            continue
        for tid in tids:
            try:
                with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                    comm = f.read()
                with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                    ns = int(f.read().split()[0])
            except OSError:
                continue   # a thread that ended between listing and reading
            yield comm, ns


def cpu_ns(pids):
    """(CPU ns of every thread but the JIT compilers, CPU ns of the compilers, {group: ns})."""
    server = jit = 0
    groups = {name: 0 for name in GROUPS}
    for comm, ns in _tasks(pids):
        if "Compiler" in comm:      # 'C1 CompilerThre', 'C2 CompilerThre'
            jit += ns
            continue
        server += ns
        for name, prefixes in GROUPS.items():
            if comm.startswith(prefixes):
                groups[name] += ns
    return server, jit, groups


def listen_overflows():
    """The kernel's count of connections dropped because an accept queue was full (nstat's
    TcpExtListenOverflows); the delta over a load is what it dropped."""
    try:
        lines = [l.split() for l in open("/proc/net/netstat") if l.startswith("TcpExt:")]
        return int(dict(zip(lines[0][1:], lines[1][1:]))["ListenOverflows"])
    except Exception:
        return None


class Window:
    """CPU, compilers, groups, context switches and listen drops of pids between start and stop."""

    def __init__(self, pids_fn):
        self.pids_fn = pids_fn

    def __enter__(self):
        self.pids = self.pids_fn()
        self.perf = subprocess.Popen(pinned_load(["perf", "stat", "-x,", "-e", "context-switches", "-p",
                                                  ",".join(map(str, self.pids))]),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.c0, self.lo0, self.t0 = cpu_ns(self.pids), listen_overflows(), time.time()
        return self

    def __exit__(self, *exc):
        t1, c1, lo1 = time.time(), cpu_ns(self.pids), listen_overflows()
        self.perf.send_signal(signal.SIGINT)
        try:
            err = self.perf.communicate(timeout=10)[1]
        except subprocess.TimeoutExpired:
            self.perf.kill()
            err = ""
        m = re.search(r"^(\d+),,context-switches", err or "", re.M)
        secs = t1 - self.t0
        self.result = dict(
            window_s=round(secs, 2),
            server_cpu_s=round((c1[0] - self.c0[0]) / 1e9, 3),
            jit_share=round((c1[1] - self.c0[1]) / 1e9 / secs, 3),
            **{g + "_ms_per_s": round((c1[2][g] - self.c0[2][g]) / 1e6 / secs, 2) for g in GROUPS},
            context_switches=int(m.group(1)) if m else None,
            listen_overflows=(lo1 - self.lo0) if self.lo0 is not None and lo1 is not None else None)
        return False


def per_request(window, answered):
    n = max(answered or 0, 1)
    out = dict(window)
    out["cpu_us_per_req"] = round(window["server_cpu_s"] * 1e6 / n, 2)
    out["ctx_per_req"] = round(window["context_switches"] / n, 3) if window["context_switches"] is not None else None
    return out


# ---------------------------------------------------------------------------------- load tools
def run(cmd, limit_s):
    """Runs cmd (its own process group) to its end or past limit_s; returns (rc, output, killed)."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out = p.communicate(timeout=limit_s)[0]
        return p.returncode, out.decode("utf-8", "replace"), False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGTERM)
        out = p.communicate()[0]
        return p.returncode, out.decode("utf-8", "replace"), True


def num(pattern, text, cast=float, default=None):
    m = re.search(pattern, text, re.M)
    return cast(m.group(1)) if m else default


# wrk's own default: a reply later than this counts as a timeout error.
WRK_TIMEOUT = "2s"


def wrk_cmd(url, conns, secs, timeout=WRK_TIMEOUT, threads=1):
    return pinned_load(["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % secs, "--timeout", timeout,
                        "--latency", "-s", LUA, url])


def parse_wrk(text):
    m = re.search(r"^WRKJSON (\{.*\})$", text, re.M)
    if not m:
        return {"parse_error": "no WRKJSON line"}
    j = json.loads(m.group(1))
    dur = j["duration_us"] / 1e6
    errors = j["err_connect"] + j["err_read"] + j["err_write"] + j["err_status"] + j["err_timeout"]
    return dict(requests=j["requests"], duration_s=round(dur, 3), rps=round(j["requests"] / dur, 1) if dur else 0,
                p50_ms=j["lat_p50_us"] / 1000, p90_ms=j["lat_p90_us"] / 1000, p99_ms=j["lat_p99_us"] / 1000,
                max_ms=j["lat_max_us"] / 1000, mean_ms=round(j["lat_mean_us"] / 1000, 3),
                err_connect=j["err_connect"], err_read=j["err_read"], err_write=j["err_write"],
                err_status=j["err_status"], err_timeout=j["err_timeout"], errors=errors, bytes=j["bytes"])


def hey_cmd(url, conns, secs=None, rate=None, n=None):
    cmd = ["hey", "-c", str(conns)]
    cmd += ["-z", "%ds" % secs] if secs else ["-n", str(n)]
    if rate:
        cmd += ["-q", str(max(1, rate // conns))]   # hey's -q is per connection
    return pinned_load(cmd + [url])


def parse_hey(text):
    pct = {int(a): round(float(b) * 1000, 3) for a, b in re.findall(r"^\s+(\d+)% in ([\d.]+) secs", text, re.M)}
    status = {a: int(b) for a, b in re.findall(r"^\s+\[(\d{3})\]\s+(\d+) responses", text, re.M)}
    err_sec = text.split("Error distribution:")[1] if "Error distribution:" in text else ""
    errs = sum(int(a) for a in re.findall(r"^\s+\[(\d+)\]\s", err_sec, re.M))
    ok = status.get("200", 0)
    return dict(rps=num(r"Requests/sec:\s+([\d.]+)", text), total_s=num(r"Total:\s+([\d.]+) secs", text),
                p50_ms=pct.get(50), p90_ms=pct.get(90), p99_ms=pct.get(99), status=status, ok=ok,
                errors=errs + (sum(status.values()) - ok), requests=sum(status.values()) + errs)


def siege_cmd(url, conns, reps):
    return pinned_load(["siege", "-b", "--no-parser", "-c", str(conns), "-r", str(reps), url])


def parse_siege(text):
    # siege 4.0.7 prints its summary as a JSON object
    m = re.search(r"^\{\s*\"transactions\".*?^\}", text, re.M | re.S)
    if not m:
        return {"parse_error": "no siege JSON summary"}
    j = json.loads(m.group(0))
    return dict(transactions=j["transactions"], availability_pct=j["availability"], elapsed_s=j["elapsed_time"],
                rps=j["transaction_rate"], ok=j["successful_transactions"], errors=j["failed_transactions"],
                mean_ms=round(j["response_time"] * 1000, 1), max_ms=round(j["longest_transaction"] * 1000, 1))


# ---------------------------------------------------------------------------------- phases
def warm(base, pids_fn, route, conns, max_s, settle=0.02, min_s=10):
    """wrk on CPU 1 until the JIT compilers have settled (under `settle` of a core over 5 s, after at
    least min_s), at most max_s seconds; a server without compiler threads gets min_s. Code still
    being compiled runs slower, and a fixed warm-up measured a varying mix of both."""
    load = subprocess.Popen(pinned_load(["wrk", "-t1", "-c%d" % conns, "-d%ds" % max_s, base + route]),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start, share = time.time(), None
    try:
        while load.poll() is None:
            j0, t0 = cpu_ns(pids_fn())[1], time.time()
            time.sleep(min(5, max(0.5, min_s)))
            share = (cpu_ns(pids_fn())[1] - j0) / 1e9 / (time.time() - t0)
            if time.time() - start >= min_s and share < settle:
                break
    finally:
        if load.poll() is None:
            load.terminate()
        load.wait()
    return dict(warm_s=round(time.time() - start, 1), jit_share_at_end=round(share, 3) if share is not None else None)


def phase(p, base, pids_fn):
    """Runs one phase against base and returns its record: the load's metrics and the window's.

    p["kind"]: "rate" (hey at p["rate"] req/s for p["secs"]: the cost figures), "wrk" (saturated,
    p["conns"] connections for p["secs"]), "hey" (p["n"] requests at p["conns"]), "siege"
    (p["conns"] clients, p["reps"] each)."""
    url = base + p["route"]
    kind = p["kind"]
    if kind == "rate":
        cmd, parse, limit = hey_cmd(url, p["conns"], secs=p["secs"], rate=p["rate"]), parse_hey, p["secs"] + 30
    elif kind == "wrk":
        cmd, parse, limit = wrk_cmd(url, p["conns"], p["secs"], p.get("timeout", WRK_TIMEOUT)), parse_wrk, p["secs"] + 60
    elif kind == "hey":
        cmd, parse, limit = hey_cmd(url, p["conns"], n=p["n"]), parse_hey, p.get("limit", 120)
    elif kind == "siege":
        cmd, parse, limit = siege_cmd(url, p["conns"], p["reps"]), parse_siege, p.get("limit", 120)
    else:
        raise ValueError("unknown phase kind %r" % kind)
    with Window(pids_fn) as w:
        rc, text, killed = run(cmd, limit)
    m = parse(text)
    answered = m.get("ok") if kind in ("rate", "hey") else m.get("requests") or m.get("transactions")
    rec = dict(tool=cmd[3], tag=p["tag"], route=p["route"], load_command=" ".join(cmd), rc=rc,
               watchdog_killed=killed, metrics=m, raw=text[-4000:])
    rec["metrics"].update(per_request(w.result, answered))
    if kind == "rate":
        rec["metrics"]["offered_rps"] = p["rate"]
        # Below saturation the server answers what is offered; much less means it was saturated and
        # the figure is not the cost at that rate.
        rec["metrics"]["kept_up"] = bool(m.get("rps") and m["rps"] >= 0.95 * p["rate"])
    return rec
