#!/usr/bin/env python3
"""Runs the benchmark experiments and writes one JSON file per measurement, its rounds inside.

    bench.py MODE [--plan] EXPERIMENT...   MODE: quick | full; EXPERIMENT: 1 2 3 4 5 6 7 (2, 3 and 4
                                           share their servers: one start measures all three);
                                           --plan prints the server starts and their estimates

The method (bench/lib/measure.py): every server on CPU 0, every load tool on CPU 1. For each
route the primary figures are server CPU microseconds and context switches per request at a
fixed offered rate below saturation (JIT compilers left out), then saturated requests per second
with the same pinning. Every measurement runs `rounds` times, the servers of an experiment
alternating (A B C A B C ...), each round on a freshly started server; a file holds the rounds,
their medians and min-max, and flags a spread over 10%.

Servers are started on a free 127.0.0.1 port, waited for, measured and stopped by their own pid
(the gunicorn peers by ../shared/peers/peers.sh). Every load is bounded by its own duration or
count and by a watchdog.
"""
import datetime
import json
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import measure
from measure import SERVER_CPU

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
JAVA = os.environ.get("BENCH_JAVA", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
DEMO_JAR = os.path.join(ROOT, "demo-app/target/workerclass-demo-app-0.1.0-SNAPSHOT.jar")
PLAIN_JAR = os.path.join(ROOT, "bench/plain-app/target/workerclass-bench-plain-app-0.1.0-SNAPSHOT.jar")
JMH_CP = os.path.join(ROOT, "bench/jmh/target/classes") + ":" + os.path.join(ROOT, "bench/jmh/target/lib/*")


def peers_dir():
    for d in (os.environ.get("PEERS_DIR"), os.path.join(ROOT, "../shared/peers")):
        if d and os.path.isfile(os.path.join(d, "peers.sh")):
            return os.path.abspath(d)
    sys.exit("bench.py: ../shared/peers/peers.sh not found (set PEERS_DIR)")


JVM_FLAGS = ["--enable-native-access=ALL-UNNAMED"]
SPREAD_FLAG = 0.10       # (max - min) / median above this is flagged in the report
PRIMARY = ("rps", "cpu_us_per_req", "ctx_per_req")

# ----------------------------------------------------------------------------------------------
# Parameters per mode. quick: short windows and one server of each family per experiment; it
# proves every path of the method and is not a measurement to quote.
# ----------------------------------------------------------------------------------------------
MODES = {
    # quick: 2 rounds where servers are compared (experiments 2-4), 1 elsewhere.
    "quick": dict(rounds=2, rounds_single=1, warm_max=6, warm_min=3, pause=1, rate_s=3, sat_s=2, c10k_s=3,
                  hey_n=40, exp1_s=4, c10k_settle=1, exp5_d=6, peers_settle="0",
                  jmh=["-f", "1", "-wi", "1", "-w", "200ms", "-i", "2", "-r", "200ms"]),
    "full": dict(rounds=3, rounds_single=3, warm_max=90, warm_min=10, pause=5, rate_s=10, sat_s=6, c10k_s=10,
                 hey_n=100, exp1_s=20, c10k_settle=4, exp5_d=20, peers_settle="1",
                 jmh=["-f", "3", "-wi", "3", "-w", "1s", "-i", "5", "-r", "1s"]),
}
# Offered rates of the cost windows, the same for every server of a route: below what the
# slowest peer answers on one core (on 2026-12-01 gunicorn sync answered 1,500 to 2,750 /todos per
# second there, saturated; gevent about 500 /cpu per second).
RATES = {"/todos": 500, "/static": 500, "/cpu": 20}


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def log(msg):
    print("[%s] %s" % (datetime.datetime.now(datetime.timezone.utc).strftime("%H:%M:%S"), msg), flush=True)


# ----------------------------------------------------------------------------------------------
# Servers
# ----------------------------------------------------------------------------------------------
def ours(cls, *extra, sid=None, label=None):
    return dict(id=sid or "workerclass-" + cls, family="workerclass", cls=cls, label=label or "workerclass " + cls,
                jar=DEMO_JAR, args=["--server.worker-class=" + cls] + list(extra))


def ours_undertow(*extra):
    """The reactive class on Undertow (the Undertow column): the same demo jar, one property more."""
    return ours("reactive", "--server.engine=undertow", *extra, sid="workerclass-reactive-undertow",
                label="workerclass reactive on Undertow")


PLAIN_MODES = {
    "tomcat": ("plain Boot, Tomcat platform threads", "thread", []),
    "virtual": ("plain Boot, Tomcat virtual threads", "virtual", ["--spring.threads.virtual.enabled=true"]),
    "webflux": ("plain Boot, WebFlux on Netty", "reactive", ["--spring.main.web-application-type=reactive"]),
}


def plain(mode, *extra):
    label, model, args = PLAIN_MODES[mode]
    return dict(id="plain-" + mode, family="plain", cls=mode, model=model, label=label, jar=PLAIN_JAR,
                args=args + list(extra))


def peer(k, w, t=None, c=None):
    opts = ["-k", k, "-w", str(w)]
    if t:
        opts += ["-t", str(t)]
    if c:
        opts += ["-c", str(c)]
    return dict(id="gunicorn-" + k, family="gunicorn", cls=k, label="gunicorn " + k + " (" + " ".join(opts) + ")",
                peer_opts=opts)


class JavaServer:
    """A JVM on CPU 0, on a free loopback port, stopped by its own pid."""

    def __init__(self, spec, out, jvm_extra=()):
        self.spec, self.out = spec, out
        self.port = measure.free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.cmd = ["taskset", "-c", SERVER_CPU, JAVA] + JVM_FLAGS + list(jvm_extra) + [
            "-jar", spec["jar"], "--server.port=%d" % self.port, "--server.address=127.0.0.1"] + spec["args"]
        self.proc = None

    def __enter__(self):
        os.makedirs(os.path.join(self.out, "logs"), exist_ok=True)
        self.logpath = os.path.join(self.out, "logs", "%s-%d.log" % (self.spec["id"], int(time.time())))
        self.logf = open(self.logpath, "w")
        log("  start %s" % shlex.join(self.cmd))
        t0 = time.time()
        # taskset execs java: the pid is the JVM's
        self.proc = subprocess.Popen(self.cmd, stdout=self.logf, stderr=subprocess.STDOUT, cwd=ROOT,
                                     start_new_session=True)
        while time.time() - t0 < 120:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited early, see %s" % (self.spec["id"], self.logpath))
            try:
                with urllib.request.urlopen(self.base + "/todos", timeout=2) as r:
                    if r.status == 200:
                        break
            except Exception:
                time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError("%s did not answer in 120 s" % self.spec["id"])
        self.startup_s = round(time.time() - t0, 2)
        return self

    def pids(self):
        return [self.proc.pid]

    def status(self, key):
        try:
            for line in open("/proc/%d/status" % self.proc.pid):
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        except Exception:
            return None

    def workers(self, timeout=3):
        """The starter's own counters (busy and queued should be back to 0 after a load)."""
        if self.spec["family"] != "workerclass":
            return None
        try:
            with urllib.request.urlopen(self.base + "/actuator/workers", timeout=timeout) as resp:
                return json.loads(resp.read())
        except Exception as e:
            return {"error": str(e)}

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                log("  %s still alive 30 s after SIGTERM: SIGKILL pid %d" % (self.spec["id"], self.proc.pid))
                self.proc.kill()
                self.proc.wait()
        self.logf.close()
        if os.path.getsize(self.logpath) > 1_000_000:   # thread dumps of 10,000 threads: keep them small
            subprocess.run(["gzip", "-9", self.logpath])

    def __exit__(self, *exc):
        self.stop()
        return False


# ----------------------------------------------------------------------------------------------
# Rounds: one file per measurement, holding every round, their medians and spreads
# ----------------------------------------------------------------------------------------------
def aggregate(rounds):
    """Median, min and max of every numeric metric over the rounds; the spread of the primary ones."""
    keys = sorted({k for r in rounds for k, v in r["metrics"].items()
                   if isinstance(v, (int, float)) and not isinstance(v, bool)})
    med, lo, hi = {}, {}, {}
    for k in keys:
        vals = [r["metrics"][k] for r in rounds if isinstance(r["metrics"].get(k), (int, float))]
        med[k], lo[k], hi[k] = round(statistics.median(vals), 3), min(vals), max(vals)
    spread = {k: round((hi[k] - lo[k]) / med[k], 3) for k in PRIMARY if k in med and med[k]}
    return med, lo, hi, spread


class Runner:
    def __init__(self, mode, exps):
        self.mode, self.p = mode, MODES[mode]
        self.out = os.path.join(ROOT, "bench/results", mode)
        for e in exps:
            d = os.path.join(self.out, "exp%s" % e)
            shutil.rmtree(d, ignore_errors=True)   # a file holds the rounds of this run only
            os.makedirs(os.path.join(d, "raw"))
        self.peers_sh = os.path.join(peers_dir(), "peers.sh")

    def dir(self, exp):
        return os.path.join(self.out, "exp%s" % exp)

    def save(self, exp, name, rec):
        path = os.path.join(self.dir(exp), name + ".json")
        with open(path, "w") as f:
            json.dump(rec, f, indent=1)
        return rec

    def save_round(self, exp, srv_info, rec, rnd):
        """Adds one round of a measurement to its file and recomputes the medians."""
        name = "%s__%s__%s" % (srv_info["id"], rec["tool"], rec["tag"])
        path = os.path.join(self.dir(exp), name + ".json")
        raw = rec.pop("raw", "")
        rawpath = os.path.join(self.dir(exp), "raw", "%s__r%d.txt" % (name, rnd))
        open(rawpath, "w").write(raw)
        rec.update(round=rnd, raw=os.path.relpath(rawpath, ROOT), started_utc=now_utc(),
                   loadavg_before=[round(x, 2) for x in os.getloadavg()])
        whole = json.load(open(path)) if os.path.exists(path) else dict(
            experiment=str(exp), mode=self.mode, server=srv_info, tool=rec["tool"], tag=rec["tag"],
            route=rec.get("route"), load_command=rec["load_command"], rounds=[])
        whole["rounds"].append(rec)
        med, lo, hi, spread = aggregate(whole["rounds"])
        whole.update(metrics=med, metrics_min=lo, metrics_max=hi, spread=spread,
                     flagged=sorted(k for k, v in spread.items() if v > SPREAD_FLAG),
                     watchdog_killed=any(r.get("watchdog_killed") for r in whole["rounds"]))
        self.save(exp, name, whole)
        m = rec["metrics"]
        log("    %-28s %-5s %-10s rps %-8s cpu/req %-8s ctx/req %-6s p99 %-7s errors %s" % (
            srv_info["id"], rec["tool"], rec["tag"], m.get("rps"), m.get("cpu_us_per_req"), m.get("ctx_per_req"),
            m.get("p99_ms"), m.get("errors")))

    # -- one unit: a server started, warmed, measured with a list of blocks, stopped -----------
    def unit(self, spec, blocks, rnd, warm=None, jvm_extra=()):
        """blocks: [(experiment, [phase, ...])]; a phase is a measure.phase dict, or
        {"kind": "warm", ...} / {"kind": "pause"}."""
        if spec["family"] == "gunicorn":
            return self.peer_unit(spec, blocks, rnd, warm)
        with JavaServer(spec, self.out, jvm_extra) as srv:
            info = dict(id=spec["id"], family=spec["family"], cls=spec["cls"], label=spec["label"],
                        model=spec.get("model"), command=shlex.join(srv.cmd), log=os.path.relpath(srv.logpath, ROOT))
            if warm:
                wr = measure.warm(srv.base, srv.pids, warm["route"], warm["conns"], warm["max_s"], min_s=warm["min_s"])
                log("    warm-up %s: %s" % (warm["route"], wr))
            for exp, phases in blocks:
                for p in phases:
                    if p["kind"] == "warm":
                        measure.warm(srv.base, srv.pids, p["route"], p["conns"], p["max_s"], min_s=p["min_s"])
                    elif p["kind"] == "pause":
                        time.sleep(p["s"])
                    else:
                        rec = measure.phase(p, srv.base, srv.pids)
                        rec.update(startup_s=srv.startup_s, rss_kb_after=srv.status("VmRSS"),
                                   threads_after=srv.status("Threads"))
                        if spec["family"] == "workerclass":
                            rec["workers_after"], rec["drained_s"] = self.drained(srv, p)
                        self.save_round(exp, info, rec, rnd)
                        if p.get("settle"):
                            time.sleep(p["settle"])

    @staticmethod
    def drained(srv, p):
        """The workers endpoint's answer once busy and queued are back to 0, and how long after the
        load that took. hey and siege end when every reply is in, so 0.5 s is enough; wrk stops
        with requests in flight, and the server still runs the queued ones (one sync worker: 16
        queued requests of 200 ms take 3.2 s), so it gets wrk's own timeout plus 5 s."""
        limit = 0.5
        if p["kind"] == "wrk":
            limit += 5 + float(p.get("timeout", measure.WRK_TIMEOUT).rstrip("s"))
        start = time.monotonic()
        time.sleep(0.5)
        while True:
            w = srv.workers()
            waited = time.monotonic() - start
            if not isinstance(w, dict) or "error" in w or not (w.get("busy") or w.get("queued")) or waited >= limit:
                return w, round(waited, 1)
            time.sleep(0.25)

    def peer_unit(self, spec, blocks, rnd, warm):
        """The same phases against gunicorn: peers.sh on CPU 0 runs bench/lib/peer_load.py as its load."""
        phases = [dict(p, exp=exp) for exp, ps in blocks for p in ps if p["kind"] not in ("warm", "pause")]
        plan = dict(warm=dict(warm, max_s=min(warm["max_s"], 10), min_s=min(warm["min_s"], 5)) if warm else None,
                    phases=phases)
        with tempfile.TemporaryDirectory() as tmp:
            plan_path, out_path = os.path.join(tmp, "plan.json"), os.path.join(tmp, "out.json")
            json.dump(plan, open(plan_path, "w"))
            cmd = ["taskset", "-c", SERVER_CPU, "bash", self.peers_sh] + spec["peer_opts"] + [
                "--", sys.executable, os.path.join(HERE, "peer_load.py"), plan_path, out_path]
            env = dict(os.environ, PEERS_SETTLE=self.p["peers_settle"])
            limit = 120 + sum(p.get("secs", 0) + 60 for p in phases)
            rc, text, killed = measure.run(cmd, limit)
            gcmd = (re.search(r"^# peers.sh: (gunicorn .*)$", text, re.M) or [None, None])[1]
            info = dict(id=spec["id"], family="gunicorn", cls=spec["cls"], label=spec["label"],
                        command=gcmd, peer_opts=spec["peer_opts"])
            if not os.path.exists(out_path):
                log("    %s: peers.sh rc %s, no results; its output:\n%s" % (spec["id"], rc, text[-2000:]))
                return
            res = json.load(open(out_path))
        for p, rec in zip(phases, res["phases"]):
            rec["peers_log"] = re.findall(r"^# peers.sh: (?:log count|worker pids changed).*$", text, re.M)[:15]
            self.save_round(p["exp"], info, rec, rnd)


# ----------------------------------------------------------------------------------------------
# Experiments: each returns its units, so that the whole run is planned (and timed) up front
# ----------------------------------------------------------------------------------------------
QUICK_IDS = {"workerclass-virtual", "plain-virtual", "gunicorn-gevent"}


def pick(mode, servers, quick_ids=QUICK_IDS):
    return [s for s in servers if mode == "full" or s["id"] in quick_ids]


def rounds_of(r, servers, make, key="rounds"):
    """Units for every round, servers alternating within a round."""
    return [(s, rnd, make(s, rnd)) for rnd in range(1, r.p[key] + 1) for s in servers]


def exp1_units(r):
    """One worker, /test (200 ms), 20 concurrent clients: siege -c 20 -r 1 and hey -n N -c 20 (the
    seed's loads: 5 turns of the 20 clients, so the first turn's start-up weighs a fifth), then wrk
    -c 20 for exp1_s seconds: the steady rate, which those short loads cannot show. wrk counts
    the requests answered within the window, so the 20 in flight at its end are lost: at 100 req/s,
    1 req/s in 20 s."""
    servers = [ours(c, "--server.workers=1") for c in ("sync", "thread", "virtual", "reactive")] + \
              [ours_undertow("--server.workers=1")] + \
              [ours("reactive", "--server.workers=1", "--server.offload=auto", sid="workerclass-reactive-auto",
                    label="workerclass reactive, server.offload=auto")] + \
              [plain(m) for m in ("tomcat", "virtual", "webflux")] + \
              [peer("sync", 1), peer("gthread", 1, t=4), peer("gevent", 1), peer("eventlet", 1)]
    n = r.p["hey_n"]
    phases = [dict(kind="siege", route="/test", conns=20, reps=1, tag="c20r1", limit=60, settle=1),
              dict(kind="hey", route="/test", conns=20, n=n, tag="n%dc20" % n, limit=n * 0.2 + 60, settle=1),
              # A 10 s timeout: sync's 20 clients wait 4 s a turn, which is its answer, not an error.
              dict(kind="wrk", route="/test", conns=20, secs=r.p["exp1_s"], timeout="10s", tag="c20")]
    warm = dict(route="/todos", conns=20, max_s=r.p["warm_min"], min_s=r.p["warm_min"])

    def make(s, rnd):
        return (lambda: r.unit(s, [(1, phases)], rnd, warm=warm)), 14 + r.p["warm_min"] + r.p["exp1_s"] + \
            (n * 0.2 + 4 if s["cls"] == "sync" else 6)
    return rounds_of(r, pick(r.mode, servers, {"workerclass-virtual", "gunicorn-gevent"}), make, "rounds_single")


def throughput_servers():
    # Sizes: each class at its defaults (sync: 2 x cores + 1 = 5 workers here), gunicorn with 5
    # workers, the size of sync here. virtual and reactive get worker-connections=10000 for the
    # 10,000 connections of /static, as the gevent and eventlet peers get -c 10000.
    many = "--server.worker-connections=10000"
    return [ours("sync"), ours("thread"), ours("virtual", many), ours("reactive", many), ours_undertow(many)] + \
           [plain(m) for m in ("tomcat", "virtual", "webflux")] + \
           [peer("sync", 5), peer("gthread", 5, t=4), peer("gevent", 5, c=10000), peer("eventlet", 5, c=10000)]


def throughput_units(r, exps):
    """Experiments 2 (/todos at 1 and 100), 4 (/cpu at 10) and 3 (/static up to 10,000
    connections) on one start of each server: per route a warm-up, the cost window, then saturated
    loads; the 10,000 connections come last, as they may leave a server slow to recover."""
    p = r.p

    def route_warm(route, conns):
        return dict(kind="warm", route=route, conns=conns, max_s=p["warm_max"] // 2, min_s=p["warm_min"])

    def rate(route, conns):
        return dict(kind="rate", route=route, conns=conns, rate=RATES[route], secs=p["rate_s"], tag="rate-c%d" % conns)

    def sat(route, conns, secs=p["sat_s"], settle=0.5):
        return dict(kind="wrk", route=route, conns=conns, secs=secs, tag="c%d" % conns, settle=settle)

    pause = dict(kind="pause", s=p["pause"])
    blocks = []
    if 2 in exps:
        blocks.append((2, [pause, rate("/todos", 100), sat("/todos", 1), sat("/todos", 100)]))
    if 4 in exps:
        blocks.append((4, [route_warm("/cpu", 10), pause, rate("/cpu", 10), sat("/cpu", 10)]))
    if 3 in exps:
        c1000 = [sat("/static", 1000, settle=p["c10k_settle"])] if r.mode == "full" else []
        blocks.append((3, [route_warm("/static", 100), pause, rate("/static", 100), sat("/static", 100)] + c1000 +
                       [sat("/static", 10000, p["c10k_s"], settle=p["c10k_settle"])]))
    warm = dict(route="/todos", conns=100, max_s=p["warm_max"], min_s=p["warm_min"])
    est_phase = sum((x.get("secs", 0) + 3 if x["kind"] in ("rate", "wrk") else
                     x.get("s", 0) if x["kind"] == "pause" else p["warm_min"] + 5) for _, ph in blocks for x in ph)

    def make(s, rnd):
        # A JVM on one core starts in about 20 s and its JIT settles in 40 to 70 s under wrk.
        start = 8 if s["family"] == "gunicorn" else 20 + min(p["warm_max"], 60)
        return (lambda: r.unit(s, blocks, rnd, warm=warm)), start + est_phase
    return rounds_of(r, pick(r.mode, throughput_servers()), make)


def exp5_units(r):
    """Resident memory with 10,000 requests in flight sleeping 1 s (wrk -c10000 on /test?ms=1000)."""
    servers = [(ours("virtual", "--server.worker-connections=10000"), "/test?ms=1000"),
               (ours("thread", "--server.threads=10000"), "/test?ms=1000"),
               (ours("reactive", "--server.worker-connections=10000", sid="workerclass-reactive-async",
                     label="workerclass reactive on /test-async"), "/test-async?ms=1000"),
               # The same model without the starter: what the starter adds to a request in flight.
               # Tomcat's own cap (8,192 connections) raised as a user would for 10,000.
               (plain("virtual", "--server.tomcat.max-connections=10000"), "/test?ms=1000")]
    if r.mode == "quick":
        servers = servers[:2]
    d = r.p["exp5_d"]
    units = []
    for rnd in range(1, r.p["rounds_single"] + 1):
        for s, route in servers:
            units.append((s, rnd, ((lambda s=s, route=route, rnd=rnd: memory_unit(r, s, route, rnd)), 25 + d)))
    return units


def memory_unit(r, s, route, rnd):
    d = r.p["exp5_d"]
    # Native Memory Tracking (summary) shows where the resident size goes: heap, thread stacks, ...
    # What the requests hold is read from the live heap (a class histogram forces a full GC).
    with JavaServer(s, r.out, jvm_extra=["-XX:NativeMemoryTracking=summary"]) as srv:
        measure.run(measure.wrk_cmd(srv.base + "/test?ms=10", 20, 2), 60)
        time.sleep(1)
        idle, idle_threads = srv.status("VmRSS"), srv.status("Threads")
        samples, stop = [], threading.Event()
        # The workers endpoint may take seconds to answer under this load: it is read on its own
        # thread, so that the resident size is still read every 0.5 s (the last answer beside it).
        # Its first look waits until wrk has opened its connections (an answer from before the load
        # would say busy 0), and each look may take the whole load to answer: a server whose
        # endpoint never answers under this load has busy unknown, not 0.
        last_workers = {}
        answers = []

        def read_workers():
            stop.wait(2)
            while not stop.is_set():
                w = srv.workers(timeout=d)
                if isinstance(w, dict) and "error" not in w and not stop.is_set():
                    last_workers.update(busy=w.get("busy"), queued=w.get("queued"))
                    answers.append(w.get("busy"))
                stop.wait(0.5)

        def sample():
            t0 = time.time()
            while not stop.is_set():
                w = dict(last_workers)
                samples.append(dict(t=round(time.time() - t0, 2), rss_kb=srv.status("VmRSS"),
                                    threads=srv.status("Threads"), busy=w.get("busy"), queued=w.get("queued")))
                stop.wait(0.5)

        nmt = {}
        jcmd = os.path.join(os.path.dirname(JAVA), "jcmd")

        def nmt_at(at):
            time.sleep(at)
            out = subprocess.run([jcmd, str(srv.proc.pid), "VM.native_memory", "summary", "scale=KB"],
                                 capture_output=True, text=True, timeout=60).stdout
            nmt.update(at_s=at, rss_kb_then=srv.status("VmRSS"), text=out,
                       committed_kb={k.strip(): int(c) for k, c in re.findall(
                           r"^-\s+([A-Za-z ]+?) \(reserved=\d+KB, committed=(\d+)KB", out, re.M)},
                       total_committed_kb=measure.num(r"^Total: reserved=\d+KB, committed=(\d+)KB", out, int))
            busy_then = next((x["busy"] for x in reversed(samples) if x["busy"] is not None), None)
            # Connections open then, for servers that do not count busy workers (plain Boot).
            ss = subprocess.run(["ss", "-Htn", "state", "established", "( sport = :%d )" % srv.port],
                                capture_output=True, text=True, timeout=30).stdout
            conns_then = sum(1 for line in ss.splitlines() if line.strip())
            t0 = time.time()
            histo = subprocess.run([jcmd, str(srv.proc.pid), "GC.class_histogram"], capture_output=True,
                                   text=True, timeout=120).stdout
            nmt.update(live_heap_kb=(measure.num(r"^Total\s+\d+\s+(\d+)", histo, int) or 0) // 1024 or None,
                       live_heap_busy=busy_then, live_heap_conns=conns_then,
                       live_heap_pause_s=round(time.time() - t0, 2),
                       histogram_top="\n".join(histo.splitlines()[:16]))

        th = threading.Thread(target=sample, daemon=True)
        wt = threading.Thread(target=read_workers, daemon=True)
        nt = threading.Thread(target=nmt_at, args=(d * 0.75,), daemon=True)
        th.start()
        wt.start()
        nt.start()
        try:
            rec = measure.phase(dict(kind="wrk", route=route, conns=10000, secs=d, timeout="5s", tag="c10000"),
                                srv.base, srv.pids)
        finally:
            stop.set()
            th.join(5)
            wt.join(d + 5)
            nt.join(60)
        rss = [x["rss_kb"] for x in samples if x["rss_kb"]]
        busy = [x["busy"] for x in samples if x["busy"] is not None]
        rec["metrics"].update(rss_idle_kb=idle, threads_idle=idle_threads, rss_max_kb=max(rss) if rss else None,
                              busy_max=max(busy) if busy else None,
                              threads_max=max((x["threads"] or 0) for x in samples) if samples else None,
                              live_heap_kb=nmt.get("live_heap_kb"), live_heap_busy=nmt.get("live_heap_busy"),
                              live_heap_conns=nmt.get("live_heap_conns"), workers_answers=len(answers))
        rec.update(nmt=nmt, rss_samples=samples)
        info = dict(id=s["id"], family=s["family"], cls=s["cls"], label=s["label"], command=shlex.join(srv.cmd),
                    log=os.path.relpath(srv.logpath, ROOT))
        r.save_round(5, info, rec, rnd)


def exp6_units(r):
    """JMH: the starter's per-request cost; its forks are the rounds, pinned to CPU 0."""
    def run():
        d = r.dir(6)
        out = os.path.join(d, "jmh-raw.json")
        cmd = ["taskset", "-c", SERVER_CPU, JAVA, "-cp", JMH_CP, "org.openjdk.jmh.Main", "PerRequestCost",
               "ResponseWriteCost", "FilterCost"] + \
              r.p["jmh"] + ["-rf", "json", "-rff", out]
        la = os.getloadavg()
        t0 = time.time()
        rc, text, killed = measure.run(cmd, 1200)
        open(os.path.join(d, "raw", "jmh.txt"), "w").write(text)
        res = []
        for b in json.load(open(out)) if os.path.exists(out) else []:
            pm = b["primaryMetric"]
            err = pm["scoreError"]
            res.append(dict(suite=b["benchmark"].rsplit(".", 2)[1], benchmark=b["benchmark"].rsplit(".", 1)[1],
                            params=b.get("params", {}),
                            score_ns=round(pm["score"], 2),
                            error_ns=round(err, 2) if isinstance(err, (int, float)) and err == err else None,
                            unit=pm["scoreUnit"], forks=b["forks"], threads=b["threads"],
                            measurement=b["measurementIterations"], jvm=b.get("jdkVersion")))
        r.save(6, "jmh", dict(experiment="6", mode=r.mode, tool="jmh", load_command=shlex.join(cmd),
                              started_utc=now_utc(), wall_s=round(time.time() - t0, 1), rc=rc,
                              loadavg_before=[round(x, 2) for x in la], results=res,
                              raw=os.path.relpath(out, ROOT)))
        for x in res:
            log("    %-22s %s ns/op ± %s %s" % (x["benchmark"], x["score_ns"], x["error_ns"], x["params"]))
    jmh = r.p["jmh"]
    forks, wi, w, i, rr = (jmh[jmh.index(k) + 1] for k in ("-f", "-wi", "-w", "-i", "-r"))
    secs = lambda d: float(d[:-2]) / 1000 if d.endswith("ms") else float(d[:-1])   # noqa: E731
    per_fork = int(wi) * secs(w) + int(i) * secs(rr) + 2     # + the fork's JVM start
    # 8 runs of PerRequestCost (4 benchmarks x 2 timeouts), 2 of ResponseWriteCost, 3 of FilterCost
    return [(dict(id="jmh", label="JMH PerRequestCost"), 1, (run, int(forks) * 13 * per_fork + 10))]


# Owners of a CPU sample: the first frame from the leaf that is not the JDK's own decides.
OWNERS = [("dev/workerclass/demo/", "the app's handlers"), ("dev/workerclass/", "workerclass (the starter)"),
          ("org/apache/", "Tomcat"), ("io/micrometer/", "Micrometer (actuator observation)"),
          ("org/springframework/boot/actuate", "Micrometer (actuator observation)"),
          ("org/springframework/", "Spring"), ("tools/jackson/", "Jackson"), ("com/fasterxml/", "Jackson"),
          ("reactor/", "Reactor / Reactor Netty"), ("io/netty/", "Netty")]
JDK = ("java/", "jdk/", "sun/", "javax/")


def owner_of(frames):
    for fr in frames:
        name = fr["method"]["type"]["name"]
        if name.startswith(JDK):
            continue
        for prefix, owner in OWNERS:
            if name.startswith(prefix):
                return owner
        return "other"
    return "JDK only (no caller above it: thread scheduling, I/O polling)"


def exp7_units(r):
    """Where the server's time goes: JFR CPU samples under saturated wrk -c100 /todos."""
    servers = [ours(c) for c in ("thread", "virtual", "reactive")] + [plain(m) for m in ("tomcat", "virtual", "webflux")]

    def make(s, rnd):
        return (lambda: profile_unit(r, s, rnd)), 30 + r.p["warm_min"] + r.p["sat_s"]
    return rounds_of(r, pick(r.mode, servers, {"workerclass-virtual"}), make, "rounds_single")


def profile_unit(r, s, rnd):
    jcmd = os.path.join(os.path.dirname(JAVA), "jcmd")
    jfr = os.path.join(os.path.dirname(JAVA), "jfr")
    rec_path = os.path.join(r.dir(7), "raw", "%s-r%d.jfr" % (s["id"], rnd))
    with JavaServer(s, r.out) as srv:
        measure.warm(srv.base, srv.pids, "/todos", 100, r.p["warm_max"], min_s=r.p["warm_min"])
        subprocess.run([jcmd, str(srv.proc.pid), "JFR.start", "name=bench", "settings=profile",
                        "filename=" + rec_path], capture_output=True, timeout=60)
        rec = measure.phase(dict(kind="wrk", route="/todos", conns=100, secs=r.p["sat_s"], tag="c100-jfr"),
                            srv.base, srv.pids)
        subprocess.run([jcmd, str(srv.proc.pid), "JFR.stop", "name=bench"], capture_output=True, timeout=60)
        info = dict(id=s["id"], family=s["family"], cls=s["cls"], label=s["label"], model=s.get("model"),
                    command=shlex.join(srv.cmd), log=os.path.relpath(srv.logpath, ROOT))
    out = subprocess.run([jfr, "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample",
                          rec_path], capture_output=True, text=True, timeout=300).stdout
    events = json.loads(out)["recording"]["events"] if out else []
    owners, ours_top = {}, {}
    for e in events:
        st = e["values"].get("stackTrace")
        if not st:
            continue
        o = owner_of(st["frames"])
        owners[o] = owners.get(o, 0) + 1
        if o.startswith("workerclass"):
            fr = next(f for f in st["frames"] if not f["method"]["type"]["name"].startswith(JDK))
            k = fr["method"]["type"]["name"].replace("/", ".") + "." + fr["method"]["name"]
            ours_top[k] = ours_top.get(k, 0) + 1
    total = sum(owners.values()) or 1
    # Shares of this round as metrics (medians over the rounds); the counts beside them.
    rec["metrics"].update({"share:" + o: round(n / total, 4) for o, n in owners.items()}, samples=total)
    rec["profile"] = dict(owners=owners, starter_methods=sorted(ours_top.items(), key=lambda kv: -kv[1])[:8])
    try:
        os.remove(rec_path)    # tens of MB; the counts above are what the report uses
    except OSError:
        pass
    r.save_round(7, info, rec, rnd)


# ----------------------------------------------------------------------------------------------
def main():
    args = sys.argv[1:]
    dry = "--plan" in args
    args = [a for a in args if a != "--plan"]
    if not args or args[0] not in MODES:
        sys.exit("usage: bench.py quick|full [--plan] [EXPERIMENT...]   (--plan: print the plan, run nothing)")
    mode = args[0]
    exps = [int(e) for e in args[1:]] or [1, 2, 4, 3, 5, 6, 7]
    r = Runner(mode, [] if dry else exps)
    plan = []
    for e in exps:
        if e in (2, 3, 4):
            if not any(x[0] == "throughput" for x in plan):
                plan += [("throughput", u) for u in throughput_units(r, [x for x in exps if x in (2, 3, 4)])]
        else:
            plan += [(e, u) for u in dict([(1, exp1_units), (5, exp5_units), (6, exp6_units),
                                           (7, exp7_units)])[e](r)]
    est_total = sum(u[2][1] for _, u in plan)
    log("plan: %d units (server starts), about %.0f min" % (len(plan), est_total / 60))
    if dry:
        for e, (spec, rnd, (fn, est)) in plan:
            print("  experiment %-4s %-30s round %d  ~%.0f s" % ("2-4" if e == "throughput" else e, spec["id"], rnd, est))
        return
    t0, est_done = time.time(), 0.0
    for i, (e, (spec, rnd, (fn, est))) in enumerate(plan, 1):
        spent = time.time() - t0
        # the estimate scaled by how long the units so far really took
        left = (est_total - est_done) * (spent / est_done if est_done else 1.0)
        log("[%d/%d] experiment %s, %s, round %d/%d; %.0f min spent, about %.0f min left" % (
            i, len(plan), "2-4" if e == "throughput" else e, spec["id"], rnd, max(x[1][1] for x in plan if x[0] == e),
            spent / 60, left / 60))
        try:
            fn()
        except Exception as ex:   # one server failing must not lose the rest of the run
            log("    FAILED: %s: %s" % (type(ex).__name__, ex))
        est_done += est
    log("done in %.0f min" % ((time.time() - t0) / 60))


if __name__ == "__main__":
    main()
