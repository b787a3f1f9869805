#!/usr/bin/env python3
"""Runs the benchmark experiments and writes one JSON file per measurement.

    bench.py MODE EXPERIMENT      MODE: quick | full; EXPERIMENT: 1..7 or 1r

Servers are started on a free 127.0.0.1 port, waited for, measured and stopped by their own pid
(the gunicorn peers are started and stopped by ../shared/peers/peers.sh). Every load command is
bounded by its own duration/count and, in addition, by a watchdog here.
"""
import datetime
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
JAVA = os.environ.get("BENCH_JAVA", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
DEMO_JAR = os.path.join(ROOT, "demo-app/target/workerclass-demo-app-0.1.0-SNAPSHOT.jar")
PLAIN_JAR = os.path.join(ROOT, "bench/plain-app/target/workerclass-bench-plain-app-0.1.0-SNAPSHOT.jar")
JMH_CP = os.path.join(ROOT, "bench/jmh/target/classes") + ":" + os.path.join(ROOT, "bench/jmh/target/lib/*")
LUA = os.path.join(HERE, "wrk-json.lua")


def peers_dir():
    for d in (os.environ.get("PEERS_DIR"), os.path.join(ROOT, "../shared/peers"), "/work/shared/peers"):
        if d and os.path.isfile(os.path.join(d, "peers.sh")):
            return os.path.abspath(d)
    sys.exit("bench.py: ../shared/peers/peers.sh not found (set PEERS_DIR)")


PEERS_SH = None
JVM_FLAGS = ["--enable-native-access=ALL-UNNAMED"]

# ----------------------------------------------------------------------------------------------
# Parameters per mode. quick: tiny durations, one server of each family, proves the paths.
# ----------------------------------------------------------------------------------------------
MODES = {
    "quick": dict(warm=1, wrk_d=2, ab_t=2, hey_n=40, exp3_levels=[100, 1000], exp3_d=2, exp3_settle=1,
                  exp5_d=6, settle=0.5, peers_settle="0",
                  jmh=["-f", "1", "-wi", "1", "-w", "200ms", "-i", "2", "-r", "200ms"]),
    "full": dict(warm=5, wrk_d=10, ab_t=5, hey_n=200, exp3_levels=[100, 1000, 5000, 10000], exp3_d=10,
                 exp3_settle=4, exp5_d=20, settle=2, peers_settle="1",
                 jmh=["-f", "2", "-wi", "3", "-w", "1s", "-i", "5", "-r", "1s"]),
}


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def log(msg):
    print("[%s] %s" % (datetime.datetime.now(datetime.timezone.utc).strftime("%H:%M:%S"), msg), flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# ----------------------------------------------------------------------------------------------
# Servers
# ----------------------------------------------------------------------------------------------
def ours(cls, *extra, sid=None):
    return dict(id=sid or "workerclass-" + cls, family="workerclass", cls=cls, label="workerclass " + cls,
                jar=DEMO_JAR, args=["--server.worker-class=" + cls] + list(extra))


def ours_undertow(*extra):
    """The reactive class on Undertow (the Undertow column): the same demo jar, one property more."""
    s = ours("reactive", "--server.engine=undertow", *extra, sid="workerclass-reactive-undertow")
    s["label"] = "workerclass reactive on Undertow"
    return s


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
    def __init__(self, spec, out, jvm_extra=()):
        self.spec, self.out = spec, out
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.cmd = [JAVA] + JVM_FLAGS + list(jvm_extra) + ["-jar", spec["jar"], "--server.port=%d" % self.port,
                                         "--server.address=127.0.0.1"] + spec["args"]
        self.proc = None

    def __enter__(self):
        os.makedirs(os.path.join(self.out, "logs"), exist_ok=True)
        self.logpath = os.path.join(self.out, "logs", "%s-%d.log" % (self.spec["id"], int(time.time())))
        self.logf = open(self.logpath, "w")
        log("start %s: %s" % (self.spec["id"], shlex.join(self.cmd)))
        t0 = time.time()
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
        log("  up on %s after %.1f s (pid %d)" % (self.base, self.startup_s, self.proc.pid))
        return self

    def cpu_s(self):
        try:
            f = open("/proc/%d/stat" % self.proc.pid).read().rsplit(")", 1)[1].split()
            return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
        except Exception:
            return None

    def rss_kb(self):
        try:
            for line in open("/proc/%d/status" % self.proc.pid):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except Exception:
            return None

    def threads(self):
        try:
            for line in open("/proc/%d/status" % self.proc.pid):
                if line.startswith("Threads:"):
                    return int(line.split()[1])
        except Exception:
            return None

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
        log("stop %s (pid %d)" % (self.spec["id"], self.proc.pid))
        self.stop()
        return False


# ----------------------------------------------------------------------------------------------
# Load commands and their parsers
# ----------------------------------------------------------------------------------------------
def listen_overflows():
    """The kernel's count of connections dropped because an accept queue was full (nstat's
    TcpExtListenOverflows), from /proc/net/netstat; the delta over a load is what it dropped."""
    try:
        lines = [l.split() for l in open("/proc/net/netstat") if l.startswith("TcpExt:")]
        return int(dict(zip(lines[0][1:], lines[1][1:]))["ListenOverflows"])
    except Exception:
        return None


def wrk_cmd(url, t, c, d, timeout="2s"):
    return ["wrk", "-t%d" % t, "-c%d" % c, "-d%ds" % d, "--timeout", timeout, "--latency", "-s", LUA, url]


def hey_cmd(url, n, c):
    return ["hey", "-n", str(n), "-c", str(c), url]


def siege_cmd(url, c, r):
    return ["siege", "-b", "--no-parser", "-c", str(c), "-r", str(r), url]


def ab_cmd(url, t, c):
    # -r: keep going on socket errors (count them); -t bounds the time, -n after it lifts ab's 50000 cap
    return ["ab", "-r", "-t", str(t), "-n", "1000000", "-c", str(c), url]


def num(pattern, text, cast=float, default=None):
    m = re.search(pattern, text, re.M)
    return cast(m.group(1)) if m else default


def parse_wrk(text):
    m = re.search(r"^WRKJSON (\{.*\})$", text, re.M)
    if not m:
        return {"parse_error": "no WRKJSON line"}
    j = json.loads(m.group(1))
    dur = j["duration_us"] / 1e6
    errors = j["err_connect"] + j["err_read"] + j["err_write"] + j["err_status"] + j["err_timeout"]
    return dict(requests=j["requests"], duration_s=round(dur, 3), rps=round(j["requests"] / dur, 1) if dur else 0,
                rps_wrk_text=num(r"^Requests/sec:\s+([\d.]+)", text),
                p50_ms=j["lat_p50_us"] / 1000, p90_ms=j["lat_p90_us"] / 1000, p99_ms=j["lat_p99_us"] / 1000,
                max_ms=j["lat_max_us"] / 1000, mean_ms=round(j["lat_mean_us"] / 1000, 3),
                err_connect=j["err_connect"], err_read=j["err_read"], err_write=j["err_write"],
                err_status=j["err_status"], err_timeout=j["err_timeout"], errors=errors,
                bytes=j["bytes"])


def parse_hey(text):
    pct = {int(a): float(b) * 1000 for a, b in re.findall(r"^\s+(\d+)% in ([\d.]+) secs", text, re.M)}
    status = {a: int(b) for a, b in re.findall(r"^\s+\[(\d{3})\]\s+(\d+) responses", text, re.M)}
    err_sec = text.split("Error distribution:")[1] if "Error distribution:" in text else ""
    errs = sum(int(a) for a in re.findall(r"^\s+\[(\d+)\]\s", err_sec, re.M))
    ok = status.get("200", 0)
    sent = sum(status.values()) + errs
    return dict(rps=num(r"Requests/sec:\s+([\d.]+)", text), total_s=num(r"Total:\s+([\d.]+) secs", text),
                p50_ms=pct.get(50), p90_ms=pct.get(90), p99_ms=pct.get(99), status=status, ok=ok,
                errors=errs + (sum(status.values()) - ok), requests=sent)


def parse_siege(text):
    # siege 4.0.7 prints its summary as a JSON object (older ones as "Transactions: ..." lines)
    m = re.search(r"^\{\s*\"transactions\".*?^\}", text, re.M | re.S)
    if m:
        j = json.loads(m.group(0))
        return dict(transactions=j["transactions"], availability_pct=j["availability"],
                    elapsed_s=j["elapsed_time"], rps=j["transaction_rate"], concurrency=j["concurrency"],
                    ok=j["successful_transactions"], errors=j["failed_transactions"],
                    mean_ms=round(j["response_time"] * 1000, 1), max_ms=round(j["longest_transaction"] * 1000, 1),
                    min_ms=round(j["shortest_transaction"] * 1000, 1))
    return dict(transactions=num(r"Transactions:\s+(\d+) hits", text, int),
                availability_pct=num(r"Availability:\s+([\d.]+) %", text),
                elapsed_s=num(r"Elapsed time:\s+([\d.]+) secs", text),
                rps=num(r"Transaction rate:\s+([\d.]+) trans/sec", text),
                ok=num(r"Successful transactions:\s+(\d+)", text, int),
                errors=num(r"Failed transactions:\s+(\d+)", text, int),
                max_ms=(num(r"Longest transaction:\s+([\d.]+)", text) or 0) * 1000,
                min_ms=(num(r"Shortest transaction:\s+([\d.]+)", text) or 0) * 1000)


def parse_ab(text):
    pct = {int(a): float(b) for a, b in re.findall(r"^\s+(\d+)%\s+(\d+)", text, re.M)}
    failed = num(r"Failed requests:\s+(\d+)", text, int, 0)
    non2xx = num(r"Non-2xx responses:\s+(\d+)", text, int, 0)
    return dict(rps=num(r"Requests per second:\s+([\d.]+)", text),
                requests=num(r"Complete requests:\s+(\d+)", text, int),
                duration_s=num(r"Time taken for tests:\s+([\d.]+)", text),
                failed=failed, non2xx=non2xx, errors=failed + non2xx,
                p50_ms=pct.get(50), p90_ms=pct.get(90), p99_ms=pct.get(99), max_ms=pct.get(100))


PARSERS = dict(wrk=parse_wrk, hey=parse_hey, siege=parse_siege, ab=parse_ab)


def parse_peers(text):
    lg = re.search(r"load-generator time: real ([\d.]+) s, user ([\d.]+) s, sys ([\d.]+) s", text)
    return dict(server_cpu_s=num(r"server cpu during load: ([\d.]+) s", text),
                load_tool_cpu_s=dict(real=float(lg.group(1)), user=float(lg.group(2)), sys=float(lg.group(3)))
                if lg else None,
                workers_end=num(r"workers at end: (\d+)", text, int),
                worker_pids_changed="worker pids changed" in text,
                gunicorn_cmd=(re.search(r"^# peers.sh: (gunicorn .*)$", text, re.M) or [None, None])[1],
                log_counts=re.findall(r"^# peers.sh: log count: (.*)$", text, re.M)[:15])


def run_bounded(cmd, limit_s, env=None):
    """Runs cmd, killing it (its own process group) past limit_s. Returns rc, output, wall, child cpu."""
    t0 = time.time()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT, env=env,
                         start_new_session=True)
    out = []
    reader = threading.Thread(target=lambda: out.append(p.stdout.read()), daemon=True)
    reader.start()
    killed = False
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.time() - t0 > limit_s:
            log("  watchdog: %s past %d s, SIGTERM to its group %d" % (cmd[0], limit_s, p.pid))
            killed = True
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            pid, status, ru = os.wait4(p.pid, 0)
            break
        time.sleep(0.05)
    p.returncode = os.waitstatus_to_exitcode(status)
    reader.join(10)
    text = out[0].decode("utf-8", "replace") if out else ""
    return p.returncode, text, round(time.time() - t0, 2), dict(user=round(ru.ru_utime, 2), sys=round(ru.ru_stime, 2)), killed


class Runner:
    def __init__(self, mode, exp):
        self.mode, self.exp, self.p = mode, exp, MODES[mode]
        self.out = os.path.join(ROOT, "bench/results", mode)
        self.dir = os.path.join(self.out, "exp%s" % exp)
        os.makedirs(os.path.join(self.dir, "raw"), exist_ok=True)

    def save(self, name, rec):
        path = os.path.join(self.dir, name + ".json")
        with open(path, "w") as f:
            json.dump(rec, f, indent=1)
        return rec

    def java_load(self, srv, tool, cmd, tag, limit, record=True, extra=None):
        la = os.getloadavg()
        c0, lo0 = srv.cpu_s(), listen_overflows()
        rc, text, wall, cpu, killed = run_bounded(cmd, limit)
        c1, lo1 = srv.cpu_s(), listen_overflows()
        m = PARSERS[tool](text)
        if not record:
            log("  warm-up %s: rps %s" % (shlex.join(cmd[:-1] + ["URL"])[:60], m.get("rps")))
            return m
        name = "%s__%s__%s" % (srv.spec["id"], tool, tag)
        open(os.path.join(self.dir, "raw", name + ".txt"), "w").write(text)
        workers_after = None
        if srv.spec["family"] == "workerclass":
            # the starter's own counters after the load: busy/queued should be back to 0
            time.sleep(0.5)
            try:
                with urllib.request.urlopen(srv.base + "/actuator/workers", timeout=3) as resp:
                    workers_after = json.loads(resp.read())
            except Exception as e:
                workers_after = {"error": str(e)}
        rec = dict(experiment=self.exp, mode=self.mode, workers_after=workers_after, server=dict(
            id=srv.spec["id"], family=srv.spec["family"], cls=srv.spec["cls"], label=srv.spec["label"],
            command=shlex.join(srv.cmd), startup_s=srv.startup_s, model=srv.spec.get("model"),
            log=os.path.relpath(srv.logpath, ROOT)),
            tool=tool, tag=tag, load_command=shlex.join(cmd), started_utc=now_utc(), wall_s=wall, rc=rc,
            watchdog_killed=killed, load_tool_cpu_s=cpu,
            server_cpu_s=round(c1 - c0, 2) if c0 is not None and c1 is not None else None,
            server_rss_kb_after=srv.rss_kb(), server_threads_after=srv.threads(),
            listen_overflows=(lo1 - lo0) if lo0 is not None and lo1 is not None else None,
            loadavg_before=[round(x, 2) for x in la], metrics=m, raw=os.path.relpath(
                os.path.join(self.dir, "raw", name + ".txt"), ROOT))
        if extra:
            rec.update(extra)
        self.save(name, rec)
        log("  %-24s %-5s %-14s rps %-9s p50 %s p99 %s errors %s (%.1f s)" % (
            srv.spec["id"], tool, tag, m.get("rps"), m.get("p50_ms"), m.get("p99_ms"), m.get("errors"), wall))
        time.sleep(self.p["settle"])
        return rec

    def peer_load(self, spec, tool, loadcmd, tag, limit):
        la = os.getloadavg()
        cmd = ["bash", PEERS_SH] + spec["peer_opts"] + ["--"] + loadcmd
        env = dict(os.environ, PEERS_SETTLE=self.p["peers_settle"])
        log("peer %s: %s" % (spec["id"], shlex.join(cmd)))
        lo0 = listen_overflows()
        rc, text, wall, cpu, killed = run_bounded(cmd, limit + 40, env=env)
        lo1 = listen_overflows()
        m = PARSERS[tool](text)
        pm = parse_peers(text)
        name = "%s__%s__%s" % (spec["id"], tool, tag)
        open(os.path.join(self.dir, "raw", name + ".txt"), "w").write(text)
        rec = dict(experiment=self.exp, mode=self.mode, server=dict(
            id=spec["id"], family="gunicorn", cls=spec["cls"], label=spec["label"], command=pm["gunicorn_cmd"],
            peer_opts=spec["peer_opts"]), tool=tool, tag=tag, load_command=shlex.join(cmd),
            started_utc=now_utc(), wall_s=wall, rc=rc, watchdog_killed=killed,
            # peers.sh's own `time` of the load command; the rusage of peers.sh would include gunicorn
            load_tool_cpu_s=pm["load_tool_cpu_s"], peers_sh_tree_cpu_s=cpu,
            server_cpu_s=pm["server_cpu_s"], peers=pm,
            listen_overflows=(lo1 - lo0) if lo0 is not None and lo1 is not None else None,
            loadavg_before=[round(x, 2) for x in la], metrics=m,
            raw=os.path.relpath(os.path.join(self.dir, "raw", name + ".txt"), ROOT))
        self.save(name, rec)
        log("  %-24s %-5s %-14s rps %-9s p50 %s p99 %s errors %s (%.1f s)" % (
            spec["id"], tool, tag, m.get("rps"), m.get("p50_ms"), m.get("p99_ms"), m.get("errors"), wall))
        time.sleep(self.p["settle"])
        return rec

    def warm(self, srv, route, c=20):
        if self.p["warm"]:
            self.java_load(srv, "wrk", wrk_cmd(srv.base + route, 2, c, self.p["warm"]), "warm", 60, record=False)


def pick(mode, full_list, quick_ids):
    return [s for s in full_list if mode == "full" or s["id"] in quick_ids]


QUICK_IDS = {"workerclass-virtual", "plain-tomcat", "gunicorn-gevent"}


def exp1(r):
    """One worker, /test (200 ms), 20 concurrent clients: siege -c 20 -r 1 and hey -n N -c 20."""
    servers = [ours(c, "--server.workers=1") for c in ("sync", "thread", "virtual", "reactive")] + \
              [ours_undertow("--server.workers=1")] + \
              [plain(m) for m in ("tomcat", "virtual", "webflux")] + \
              [peer("sync", 1), peer("gthread", 1, t=4), peer("gevent", 1), peer("eventlet", 1)]
    n = r.p["hey_n"]
    for s in pick(r.mode, servers, QUICK_IDS | {"workerclass-sync"}):
        if s["family"] == "gunicorn":
            r.peer_load(s, "siege", siege_cmd("{BASE}/test", 20, 1), "c20r1", 60)
            r.peer_load(s, "hey", hey_cmd("{BASE}/test", n, 20), "n%dc20" % n, n * 0.2 + 60)
        else:
            with JavaServer(s, r.out) as srv:
                r.warm(srv, "/todos")
                r.java_load(srv, "siege", siege_cmd(srv.base + "/test", 20, 1), "c20r1", 60)
                r.java_load(srv, "hey", hey_cmd(srv.base + "/test", n, 20), "n%dc20" % n, n * 0.2 + 60)


def exp1r(r):
    """Experiment 1 for reactive on a fresh server with no warm-up (run as `1r`, results in exp1/):
    tells the class's own rate apart from the effect of slots still held after a warm-up."""
    n = r.p["hey_n"]
    s = ours("reactive", "--server.workers=1", sid="workerclass-reactive-nowarm")
    s["label"] = "workerclass reactive, no warm-up"
    with JavaServer(s, r.out) as srv:
        r.java_load(srv, "siege", siege_cmd(srv.base + "/test", 20, 1), "c20r1", 60)
        r.java_load(srv, "hey", hey_cmd(srv.base + "/test", n, 20), "n%dc20" % n, n * 0.2 + 60)


def default_servers():
    # Sizes: each class at its defaults (sync: 2 x cores + 1 = 5 workers here), gunicorn with
    # 5 workers, the same size as sync here.
    return [ours(c) for c in ("sync", "thread", "virtual", "reactive")] + [ours_undertow()] + \
           [plain(m) for m in ("tomcat", "virtual", "webflux")] + \
           [peer("sync", 5), peer("gthread", 5, t=4), peer("gevent", 5), peer("eventlet", 5)]


def exp2(r):
    """/todos at 1 and 100 concurrent: wrk and ab."""
    d, t = r.p["wrk_d"], r.p["ab_t"]
    for s in pick(r.mode, default_servers(), QUICK_IDS):
        loads = [("wrk", lambda b: wrk_cmd(b + "/todos", 1, 1, d), "c1", d + 30),
                 ("wrk", lambda b: wrk_cmd(b + "/todos", 2, 100, d), "c100", d + 30),
                 ("ab", lambda b: ab_cmd(b + "/todos", t, 1), "c1", t + 30),
                 ("ab", lambda b: ab_cmd(b + "/todos", t, 100), "c100", t + 30)]
        if s["family"] == "gunicorn":
            for tool, mk, tag, lim in loads:
                r.peer_load(s, tool, mk("{BASE}"), tag, lim)
        else:
            with JavaServer(s, r.out) as srv:
                r.warm(srv, "/todos", 100)
                for tool, mk, tag, lim in loads:
                    r.java_load(srv, tool, mk(srv.base), tag, lim)


def exp4(r):
    """/cpu at 10 concurrent."""
    d = r.p["wrk_d"]
    for s in pick(r.mode, default_servers(), QUICK_IDS):
        if s["family"] == "gunicorn":
            r.peer_load(s, "wrk", wrk_cmd("{BASE}/cpu", 2, 10, d), "c10", d + 30)
        else:
            with JavaServer(s, r.out) as srv:
                r.warm(srv, "/cpu", 10)
                r.java_load(srv, "wrk", wrk_cmd(srv.base + "/cpu", 2, 10, d), "c10", d + 30)


def exp3(r):
    """/static at 100 .. 10,000 connections: wrk -t2 -cN -d10s --timeout 2s."""
    d = r.p["exp3_d"]
    # virtual and reactive get worker-connections=10000, as the gevent/eventlet peers get -c 10000.
    servers = [ours("sync"), ours("thread"), ours("virtual", "--server.worker-connections=10000"),
               ours("reactive", "--server.worker-connections=10000"),
               ours_undertow("--server.worker-connections=10000")] + \
              [plain(m) for m in ("tomcat", "virtual", "webflux")] + \
              [peer("sync", 5), peer("gthread", 5, t=4), peer("gevent", 5, c=10000), peer("eventlet", 5, c=10000)]
    for s in pick(r.mode, servers, QUICK_IDS):
        if s["family"] == "gunicorn":
            for n in r.p["exp3_levels"]:
                r.peer_load(s, "wrk", wrk_cmd("{BASE}/static", 2, n, d), "c%d" % n, d + 60)
                time.sleep(r.p["exp3_settle"])
        else:
            with JavaServer(s, r.out) as srv:
                r.warm(srv, "/static", 100)
                for n in r.p["exp3_levels"]:
                    r.java_load(srv, "wrk", wrk_cmd(srv.base + "/static", 2, n, d), "c%d" % n, d + 60)
                    time.sleep(r.p["exp3_settle"])


def exp5(r):
    """Resident memory with 10,000 requests in flight sleeping 1 s (wrk -c10000 on /test?ms=1000)."""
    d = r.p["exp5_d"]
    servers = [(ours("virtual", "--server.worker-connections=10000"), "/test?ms=1000"),
               (ours("thread", "--server.threads=10000"), "/test?ms=1000"),
               (ours("reactive", "--server.worker-connections=10000", sid="workerclass-reactive-async"),
                "/test-async?ms=1000")]
    servers = [(s, route, []) for s, route in servers]
    # What the requests really hold is read from the live heap (a class histogram forces a full GC)
    # rather than from a second run under a fixed -Xmx: at 512m both classes ran out of heap.
    if r.mode == "quick":
        servers = servers[:2]
    for s, route, jvm_extra in servers:
        # Native Memory Tracking (summary) shows where the resident size goes: heap, thread stacks, ...
        with JavaServer(s, r.out, jvm_extra=["-XX:NativeMemoryTracking=summary"] + jvm_extra) as srv:
            # a short warm-up at low concurrency, then the idle footprint
            r.java_load(srv, "wrk", wrk_cmd(srv.base + "/test?ms=10", 2, 20, r.p["warm"] or 1), "warm", 60,
                        record=False)
            time.sleep(1)
            idle = srv.rss_kb()
            idle_threads = srv.threads()
            samples = []
            stop = threading.Event()

            def sample():
                t0 = time.time()
                while not stop.is_set():
                    busy = None
                    try:
                        with urllib.request.urlopen(srv.base + "/actuator/workers", timeout=3) as resp:
                            w = json.loads(resp.read())
                            busy = w.get("busy")
                            queued = w.get("queued")
                    except Exception:
                        queued = None
                    samples.append(dict(t=round(time.time() - t0, 2), rss_kb=srv.rss_kb(), threads=srv.threads(),
                                        busy=busy, queued=queued))
                    stop.wait(0.5)

            th = threading.Thread(target=sample, daemon=True)
            th.start()
            nmt = {}

            def nmt_at(at):
                time.sleep(at)
                out = subprocess.run([os.path.join(os.path.dirname(JAVA), "jcmd"), str(srv.proc.pid),
                                      "VM.native_memory", "summary", "scale=KB"], capture_output=True, text=True,
                                     timeout=60).stdout
                nmt["at_s"] = at
                nmt["rss_kb_then"] = srv.rss_kb()
                nmt["text"] = out
                nmt["committed_kb"] = {k.strip(): int(c) for k, c in re.findall(
                    r"^-\s+([A-Za-z ]+?) \(reserved=\d+KB, committed=(\d+)KB", out, re.M)}
                nmt["total_committed_kb"] = num(r"^Total: reserved=\d+KB, committed=(\d+)KB", out, int)
                # Then the live heap: GC.class_histogram runs a full GC first; its Total is live bytes.
                busy_then = next((x["busy"] for x in reversed(samples) if x["busy"] is not None), None)
                t0 = time.time()
                histo = subprocess.run([os.path.join(os.path.dirname(JAVA), "jcmd"), str(srv.proc.pid),
                                        "GC.class_histogram"], capture_output=True, text=True, timeout=120).stdout
                nmt["live_heap_kb"] = (num(r"^Total\s+\d+\s+(\d+)", histo, int) or 0) // 1024 or None
                nmt["live_heap_busy"] = busy_then
                nmt["live_heap_pause_s"] = round(time.time() - t0, 2)
                nmt["histogram_top"] = "\n".join(histo.splitlines()[:16])

            nt = threading.Thread(target=nmt_at, args=(d * 0.75,), daemon=True)
            nt.start()
            cmd = wrk_cmd(srv.base + route, 2, 10000, d, timeout="5s")
            try:
                rec = r.java_load(srv, "wrk", cmd, "c10000", d + 60, extra=dict(
                    rss_idle_kb=idle, threads_idle=idle_threads))
            finally:
                stop.set()
                th.join(5)
                nt.join(60)
            rss = [x["rss_kb"] for x in samples if x["rss_kb"]]
            busy = [x["busy"] for x in samples if x["busy"] is not None]
            rec.update(nmt=nmt, rss_samples=samples, rss_max_kb=max(rss) if rss else None,
                       busy_max=max(busy) if busy else None, route=route,
                       threads_max=max((x["threads"] or 0) for x in samples) if samples else None)
            r.save("%s__wrk__c10000" % s["id"], rec)
            log("  %s: RSS idle %s kB, max under load %s kB, busy max %s, threads max %s" % (
                s["id"], idle, rec["rss_max_kb"], rec["busy_max"], rec["threads_max"]))


def exp6(r):
    """JMH: the starter's per-request cost."""
    out = os.path.join(r.dir, "jmh-raw.json")
    cmd = [JAVA, "-cp", JMH_CP, "org.openjdk.jmh.Main", "PerRequestCost"] + r.p["jmh"] + \
          ["-rf", "json", "-rff", out]
    log("jmh: " + shlex.join(cmd))
    la = os.getloadavg()
    rc, text, wall, cpu, killed = run_bounded(cmd, 900)
    open(os.path.join(r.dir, "raw", "jmh.txt"), "w").write(text)
    res = []
    for b in json.load(open(out)) if os.path.exists(out) else []:
        pm = b["primaryMetric"]
        res.append(dict(benchmark=b["benchmark"].rsplit(".", 1)[1], params=b.get("params", {}),
                        score_ns=round(pm["score"], 2),
                        error_ns=round(pm["scoreError"], 2) if isinstance(pm["scoreError"], (int, float))
                        and pm["scoreError"] == pm["scoreError"] else None,
                        unit=pm["scoreUnit"], forks=b["forks"], threads=b["threads"],
                        measurement=b["measurementIterations"], jvm=b.get("jdkVersion")))
    r.save("jmh", dict(experiment="6", mode=r.mode, tool="jmh", load_command=shlex.join(cmd),
                       started_utc=now_utc(), wall_s=wall, rc=rc, loadavg_before=[round(x, 2) for x in la],
                       results=res, raw=os.path.relpath(out, ROOT)))
    for x in res:
        log("  %-22s %s ns/op ± %s %s" % (x["benchmark"], x["score_ns"], x["error_ns"], x["params"]))


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


def exp7(r):
    """Where the server's time goes: JFR CPU samples of each Java server under wrk -c100 /todos."""
    d = r.p["wrk_d"]
    jcmd = os.path.join(os.path.dirname(JAVA), "jcmd")
    jfr = os.path.join(os.path.dirname(JAVA), "jfr")
    servers = [ours(c) for c in ("thread", "virtual", "reactive")] + [plain(m) for m in ("tomcat", "virtual", "webflux")]
    for s in pick(r.mode, servers, QUICK_IDS):
        with JavaServer(s, r.out) as srv:
            r.warm(srv, "/todos", 100)
            rec_path = os.path.join(r.dir, "raw", s["id"] + ".jfr")
            subprocess.run([jcmd, str(srv.proc.pid), "JFR.start", "name=bench", "settings=profile",
                            "filename=" + rec_path], capture_output=True, timeout=60)
            rec = r.java_load(srv, "wrk", wrk_cmd(srv.base + "/todos", 2, 100, d), "c100-jfr", d + 30)
            subprocess.run([jcmd, str(srv.proc.pid), "JFR.stop", "name=bench"], capture_output=True, timeout=60)
        out = subprocess.run([jfr, "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample",
                              rec_path], capture_output=True, text=True, timeout=300).stdout
        events = json.loads(out)["recording"]["events"] if out else []
        owners = {}
        ours_top = {}
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
        rec.update(profile=dict(samples=sum(owners.values()), owners=owners,
                                starter_methods=sorted(ours_top.items(), key=lambda kv: -kv[1])[:8],
                                jfr=os.path.relpath(rec_path, ROOT)))
        r.save("%s__wrk__c100-jfr" % s["id"], rec)
        try:
            os.remove(rec_path)    # tens of MB; the counts above are what the report uses
        except OSError:
            pass
        log("  %s: %d samples, %s" % (s["id"], sum(owners.values()),
                                      ", ".join("%s %d" % kv for kv in sorted(owners.items(), key=lambda kv: -kv[1]))))


def main():
    global PEERS_SH
    mode, exp = sys.argv[1], sys.argv[2]
    PEERS_SH = os.path.join(peers_dir(), "peers.sh")
    r = Runner(mode, "1" if exp == "1r" else exp)
    t0 = time.time()
    log("=== experiment %s (%s) ===" % (exp, mode))
    dict(zip(["1", "2", "3", "4", "5", "6", "7", "1r"], (exp1, exp2, exp3, exp4, exp5, exp6, exp7, exp1r)))[exp](r)
    log("=== experiment %s done in %.0f s ===" % (exp, time.time() - t0))


if __name__ == "__main__":
    main()
