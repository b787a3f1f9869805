#!/usr/bin/env python3
"""Scale-out: two instances of the demo behind a real nginx, scraped by a real Prometheus.

    scale_out.py MODE [saturated] [sigterm] [throughput]     MODE: quick | full; default all three

saturated   instance A `thread` 1 worker x 2 threads, `server.max-queued=1`; instance B 1 x 32
            threads; 16 clients through nginx on `/test?ms=100`. A must answer 503s (its
            `rejected`), nginx must retry them on B, the clients must see no failure. A Prometheus
            scrapes both instances' `/actuator/prometheus` every second meanwhile; its answers to
            `/api/v1/query` for the workers' series are stored raw.
sigterm     both instances with room, 16 clients through nginx on `/test?ms=100`; `kill -TERM` one
            instance (its own pid) mid-load: failed requests, requests served, the instance's exit time.
throughput  `/todos` through nginx with one upstream instance, then two, alternating, same wrk load.

nginx runs deploy/nginx/workerclass.conf itself, with only its upstream ports and its listen port
rewritten (every rewrite must match exactly once, so the shipped file is the tested one), inside a
minimal nginx.conf in a temporary directory, stopped by its own pid. The method is the suite's
(bench/lib/measure.py): both JVMs on CPU 0 (`taskset -c 0`); nginx, Prometheus, this process and
wrk on CPU 1; 127.0.0.1 only, free ports. The Python load is capacity.py's: threads each with a
keep-alive `http.client` connection, every request logged; any status but 2xx and any socket
error counts as a failure. full: 3 sigterm rounds and 3 alternating throughput rounds (medians,
min-max); quick: one short round of each, to prove the paths. Writes
bench/results/scale-out/{saturated,sigterm,throughput}.json (quick: under
bench/results/scale-out/quick/), logs under logs/, nginx access logs and per-request logs under raw/;
section() renders the part of docs/benchmarks.md, and bench/lib/report.py calls it.
"""
import datetime
import gzip
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

import capacity   # the load (Load), the workers poller (Poller), warm-up, percentiles
import measure

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RES = os.path.join(ROOT, "bench/results/scale-out")
JAR = os.path.join(RES, "jars/demo.jar")   # a copy: a rebuild while a measurement runs must not change it
NGINX_CONF = os.path.join(ROOT, "deploy/nginx/workerclass.conf")
FRONT_CPU = measure.LOAD_CPU   # nginx, Prometheus and the load share the CPU the JVMs do not run on

MODES = {
    "quick": dict(warm_s=5, warm_max_s=15, sat_s=12, sig_rounds=1, sig_before_s=4, sig_after_s=8,
                  tp_rounds=1, tp_warm_s=3, tp_s=8),
    "full": dict(warm_s=10, warm_max_s=40, sat_s=30, sig_rounds=3, sig_before_s=5, sig_after_s=12,
                 tp_rounds=3, tp_warm_s=5, tp_s=15),
}
SLOW_ROUTE, CHEAP_ROUTE, CLIENTS, WRK_CONNS = "/test?ms=100", "/todos", 16, 32
SMALL = ["--server.worker-class=thread", "--server.workers=1", "--server.threads=2", "--server.max-queued=1"]
ROOMY = ["--server.worker-class=thread", "--server.workers=1", "--server.threads=32"]
GRACEFUL = ["--server.shutdown=graceful", "--server.graceful-timeout=20s"]
SCRAPE_S = 1
# What the Prometheus part asks, as `/api/v1/query?query=...`; %(w)s is the window in seconds.
QUERIES = [
    ("utilization", "workers_utilization"),
    ("busy", "workers_busy"),
    ("queued", "workers_queued"),
    ("capacity", "workers_capacity"),
    ("limit", "workers_limit"),
    ("utilization_max", "max_over_time(workers_utilization[%(w)ds])"),
    ("busy_max", "max_over_time(workers_busy[%(w)ds])"),
    ("queued_max", "max_over_time(workers_queued[%(w)ds])"),
    ("rejected_rate", "rate(workers_rejected_total[%(w)ds])"),
    ("rejected_increase", "increase(workers_rejected_total[%(w)ds])"),
    ("busy_sum", "sum by (job, worker_class) (workers_busy)"),
    ("capacity_sum", "sum by (job, worker_class) (workers_capacity)"),
    ("utilization_avg", "avg by (job) (workers_utilization)"),
    ("utilization_of_the_whole", "sum by (job) (avg_over_time(workers_busy[%(w)ds])) / sum by (job) (workers_limit)"),
    ("completed_rate_sum", "sum by (job) (rate(workers_completed_total[%(w)ds]))"),
]

log = capacity.log


def out_dir(mode):
    return RES if mode == "full" else os.path.join(RES, "quick")


def utc():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------------- processes
def instance(name, args, out):
    import bench   # the suite's JavaServer: pinned to CPU 0, a free loopback port, stopped by its pid
    spec = dict(id="scale-out-" + name, family="workerclass", cls=name, label=name, jar=JAR, args=args)
    return bench.JavaServer(spec, out)


def render_conf(upstreams, listen_port):
    """The shipped file with the upstream servers and the listen port replaced; every pattern must
    match exactly once, so that an edit of the shipped file cannot leave the benchmark testing
    something else."""
    text = open(NGINX_CONF).read()

    def sub(pattern, repl, text):
        new, n = re.subn(pattern, repl, text, flags=re.M)
        if n != 1:
            raise RuntimeError("%s: %r matched %d times, expected once" % (os.path.relpath(NGINX_CONF, ROOT), pattern, n))
        return new
    text = sub(r"^(\s*listen )8080;", r"\g<1>127.0.0.1:%d;" % listen_port, text)
    text = sub(r"^(\s*server )127\.0\.0\.1:8081( )", r"\g<1>127.0.0.1:%d\2" % upstreams[0], text)
    if len(upstreams) > 1:
        text = sub(r"^(\s*server )127\.0\.0\.1:8082( )", r"\g<1>127.0.0.1:%d\2" % upstreams[1], text)
    else:
        text = sub(r"^\s*server 127\.0\.0\.1:8082 .*\n", "", text)
    return text


class Nginx:
    """nginx with the shipped config, in its own temporary prefix, one worker process on the front
    CPU, stopped by its own pid. Its access log names the instance(s) each request went to."""

    LOG_FORMAT = "log_format scaleout '$msec $status \"$upstream_addr\" \"$upstream_status\" $request_time';"

    def __init__(self, upstreams, out, name):
        self.upstreams, self.out, self.name = upstreams, out, name
        self.port = measure.free_port()
        self.proc = None

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="scale-out-nginx-")
        os.chmod(self.dir, 0o755)   # nginx's worker runs as nobody when started by root
        for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(self.dir, d))
            os.chmod(os.path.join(self.dir, d), 0o777)
        with open(os.path.join(self.dir, "workerclass.conf"), "w") as f:
            f.write(render_conf(self.upstreams, self.port))
        self.access = os.path.join(self.dir, "access.log")
        main = """# written by bench/lib/scale_out.py around the shipped deploy/nginx/workerclass.conf
worker_processes 1;
daemon off;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log warn;
events { worker_connections 4096; }
http {
    %(fmt)s
    access_log %(d)s/access.log scaleout;
    client_body_temp_path %(d)s/body;
    proxy_temp_path %(d)s/proxy;
    fastcgi_temp_path %(d)s/fastcgi;
    uwsgi_temp_path %(d)s/uwsgi;
    scgi_temp_path %(d)s/scgi;
    include %(d)s/workerclass.conf;
}
""" % dict(d=self.dir, fmt=self.LOG_FORMAT)
        self.conf = os.path.join(self.dir, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(main)
        base = ["nginx", "-p", self.dir, "-c", self.conf]
        t = subprocess.run(base + ["-t"], capture_output=True, text=True)
        if t.returncode != 0:
            raise RuntimeError("nginx -t failed:\n" + t.stderr)
        self.cmd = ["taskset", "-c", FRONT_CPU] + base
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        t0 = time.time()
        while time.time() - t0 < 10:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx exited: %s" % self.errors())
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/actuator/" % self.port, timeout=1):
                    pass
            except urllib.error.HTTPError:
                break          # the config's own 404 for /actuator/: nginx is up, no instance was asked
            except Exception:
                time.sleep(0.05)
        return self

    def errors(self):
        try:
            return open(os.path.join(self.dir, "error.log")).read()
        except OSError:
            return ""

    def log_lines(self):
        out = []
        for line in open(self.access):
            m = re.match(r'^([\d.]+) (\d+) "([^"]*)" "([^"]*)" ([\d.]+)$', line.strip())
            if m:
                out.append(dict(t=float(m.group(1)), status=int(m.group(2)),
                                # "A, B": tried A, then B; " : " separates internal redirects
                                addrs=[a.strip() for a in m.group(3).replace(" : ", ", ").split(",") if a.strip()],
                                statuses=[s.strip() for s in m.group(4).replace(" : ", ", ").split(",") if s.strip()],
                                secs=float(m.group(5))))
        return out

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)   # nginx's graceful stop, to its master's own pid
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        raw = os.path.join(self.out, "raw")
        os.makedirs(raw, exist_ok=True)
        with open(self.access, "rb") as src, gzip.open(os.path.join(raw, "nginx-%s.log.gz" % self.name), "wb") as dst:
            shutil.copyfileobj(src, dst)
        self.error_log = self.errors()

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
        return False


class Prometheus:
    """A real prometheus: its own config and TSDB in a temporary directory, loopback, the front CPU,
    stopped by its own pid; scrapes every instance's /actuator/prometheus each second."""

    def __init__(self, targets, out):
        self.targets, self.out = targets, out
        self.port = measure.free_port()
        self.base = "http://127.0.0.1:%d" % self.port

    def config(self):
        return """# written by bench/lib/scale_out.py; the same scrape job as docs/deployment.md
global:
  scrape_interval: %(s)ds
  scrape_timeout: %(s)ds
  evaluation_interval: %(s)ds
scrape_configs:
  - job_name: workerclass
    metrics_path: /actuator/prometheus
    static_configs:
      - targets: [%(t)s]
""" % dict(s=SCRAPE_S, t=", ".join("'127.0.0.1:%d'" % p for p in self.targets))

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="scale-out-prometheus-")
        self.conf = os.path.join(self.dir, "prometheus.yml")
        with open(self.conf, "w") as f:
            f.write(self.config())
        self.cmd = ["taskset", "-c", FRONT_CPU, "prometheus", "--config.file=" + self.conf,
                    "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
                    "--web.listen-address=127.0.0.1:%d" % self.port]
        os.makedirs(os.path.join(self.out, "logs"), exist_ok=True)
        self.logf = open(os.path.join(self.out, "logs", "prometheus.log"), "w")
        self.proc = subprocess.Popen(self.cmd, stdout=self.logf, stderr=subprocess.STDOUT, start_new_session=True)
        t0 = time.time()
        while time.time() - t0 < 30:
            if self.proc.poll() is not None:
                raise RuntimeError("prometheus exited, see its log")
            try:
                with urllib.request.urlopen(self.base + "/-/ready", timeout=1) as r:
                    if r.status == 200:
                        break
            except Exception:
                time.sleep(0.2)
        self.started = time.time()
        return self

    def get(self, path, **params):
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.loads(r.read())

    def query(self, q):
        return self.get("/api/v1/query", query=q)

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logf.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return False


# ---------------------------------------------------------------------------------------------- figures
def client_figures(reqs, t_from=0.0, t_to=1e9):
    sel = [r for r in reqs if t_from <= r[0] < t_to]
    ok = [r[1] for r in sel if 200 <= r[2] < 300]
    statuses = {}
    for r in sel:
        statuses[str(r[2])] = statuses.get(str(r[2]), 0) + 1
    secs = max(min(t_to, max((r[0] + r[1] for r in sel), default=0)) - t_from, 1e-9) if sel else 1e-9
    return dict(requests=len(sel), ok=len(ok), failed=len(sel) - len(ok), statuses=statuses,
                p50_ms=capacity.pct(ok, 50), p99_ms=capacity.pct(ok, 99), max_ms=capacity.pct(ok, 100),
                ok_per_s=round(len(ok) / secs, 1))


def nginx_figures(lines, names):
    """Attempts per instance and their statuses, retried requests, from nginx's access log.
    names: {"127.0.0.1:port": "A"}."""
    per = {n: {} for n in names.values()}
    retried, final = 0, {}
    lines = [ln for ln in lines if ln["addrs"] != ["-"]]   # answered by nginx itself (the start-up probe)
    for ln in lines:
        final[str(ln["status"])] = final.get(str(ln["status"]), 0) + 1
        if len(ln["addrs"]) > 1:
            retried += 1
        for addr, st in zip(ln["addrs"], ln["statuses"] + ["-"] * len(ln["addrs"])):
            n = names.get(addr, addr)
            per.setdefault(n, {})[st] = per.setdefault(n, {}).get(st, 0) + 1
    return dict(requests=len(lines), final_statuses=final, retried=retried, attempts=per)


def delta(after, before, key):
    a, b = (after or {}).get(key), (before or {}).get(key)
    return a - b if isinstance(a, (int, float)) and isinstance(b, (int, float)) else None


def cpu_times():
    """{cpu: (busy, total, softirq)} jiffies from /proc/stat."""
    out = {}
    for line in open("/proc/stat"):
        if re.match(r"^cpu\d+ ", line):
            f = line.split()
            v = [int(x) for x in f[1:]]
            idle = v[3] + (v[4] if len(v) > 4 else 0)
            out[f[0]] = (sum(v) - idle, sum(v), v[6] if len(v) > 6 else 0)
    return out


def cpu_share(before, after):
    """Share of each CPU busy over the interval, and (as cpuN_softirq) how much of it was softirq: on
    loopback the kernel's TCP receive path runs there, on the CPU of the sender, accounted to no task."""
    out = {}
    for c in after:
        if c in before:
            total = max(after[c][1] - before[c][1], 1)
            out[c] = round((after[c][0] - before[c][0]) / total, 3)
            out[c + "_softirq"] = round((after[c][2] - before[c][2]) / total, 3)
    return out


def nginx_workers(master):
    """Pids of the nginx master's children (its worker process)."""
    try:
        with open("/proc/%d/task/%d/children" % (master, master)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def process_ticks():
    """{pid: utime + stime} of every process (clock ticks), to tell what else ran meanwhile."""
    out = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                out[int(d)] = int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                continue
    return out


def foreign_cores(before, after, ours, secs):
    """CPU cores used over secs by processes other than ours (another job on a shared machine),
    counting only processes alive at both ends; a child of ours (wrk) is passed in `ours`."""
    hz = os.sysconf("SC_CLK_TCK")
    ticks = sum(after[p] - before[p] for p in after if p in before and p not in ours)
    return round(ticks / hz / max(secs, 1e-9), 3)


def series_names(answer):
    return sorted({(r.get("metric") or {}).get("__name__", "") for r in (answer.get("data") or {}).get("result", [])} - {""})


# ---------------------------------------------------------------------------------------------- experiments
def saturated(p, out):
    with instance("A", SMALL, out) as a, instance("B", ROOMY, out) as b:
        for s in (a, b):
            capacity.warm(s, "/test?ms=0", p)
        names = {"127.0.0.1:%d" % a.port: "A", "127.0.0.1:%d" % b.port: "B"}
        before = {"A": capacity.last_state(a.port), "B": capacity.last_state(b.port)}
        with Prometheus([a.port, b.port], out) as prom, Nginx([a.port, b.port], out, "saturated") as ngx:
            load = capacity.Load(ngx.port, SLOW_ROUTE, CLIENTS).start()
            poll = capacity.Poller(a.port, load.t0).start()
            load.active = CLIENTS
            cpu0 = cpu_times()
            time.sleep(max(0.0, p["sat_s"] - 1 - load.now()))
            # Asked while the load still runs: the gauges are what they are now.
            window = int(p["sat_s"]) - 2
            answers = {}
            for key, q in QUERIES:
                q = q % dict(w=window) if "%(w)" in q else q
                try:
                    answers[key] = dict(query=q, answer=prom.query(q))
                except Exception as e:
                    answers[key] = dict(query=q, error=str(e))
            names_all = prom.get("/api/v1/label/__name__/values")
            targets = prom.get("/api/v1/targets")
            time.sleep(max(0.0, p["sat_s"] - load.now()))
            load.active = 0
            cpu = cpu_share(cpu0, cpu_times())
            load.close()
            poll.close()
            nginx_lines = ngx.log_lines()
            prom_cmd = prom.cmd
            prom_config = prom.config()
        after = {"A": capacity.last_state(a.port), "B": capacity.last_state(b.port)}
        commands = {"A": shlex.join(a.cmd), "B": shlex.join(b.cmd)}
    capacity.save_raw(out, "saturated", load.log)
    wnames = sorted(n for n in names_all.get("data", []) if n.startswith("workers_"))
    inst = {v: k for k, v in names.items()}
    per_instance = {}
    for n in ("A", "B"):
        per_instance[n] = dict(rejected=delta(after[n], before[n], "rejected"), completed=delta(after[n], before[n], "completed"),
                               capacity=(after[n] or {}).get("capacity"), max_queued=(after[n] or {}).get("maxQueued"),
                               address=inst[n])
    busy = [x["busy"] for x in poll.samples if x.get("busy") is not None]
    queued = [x["queued"] for x in poll.samples if x.get("queued") is not None]
    per_instance["A"].update(busy_max=max(busy, default=None), queued_max=max(queued, default=None))
    up = [dict(instance=t.get("labels", {}).get("instance"), health=t.get("health"), last_error=t.get("lastError"))
          for t in (targets.get("data") or {}).get("activeTargets", [])]
    return dict(params=dict(route=SLOW_ROUTE, clients=CLIENTS, seconds=p["sat_s"], a=SMALL, b=ROOMY),
                commands=commands, clients=client_figures(load.log), nginx=nginx_figures(nginx_lines, names),
                instances=per_instance, cpu_share=cpu,
                prometheus=dict(command=shlex.join(prom_cmd), config=prom_config, scrape_interval_s=SCRAPE_S,
                                window_s=window, targets=up, workers_series=wnames, answers=answers,
                                instances={k: v for k, v in inst.items()}))


def sigterm_round(p, rnd, out):
    victim_name = "B" if rnd % 2 else "A"   # alternate which instance is stopped
    with instance("A", ROOMY + GRACEFUL, out) as a, instance("B", ROOMY + GRACEFUL, out) as b:
        for s in (a, b):
            capacity.warm(s, "/test?ms=0", p)
        victim = b if victim_name == "B" else a
        names = {"127.0.0.1:%d" % a.port: "A", "127.0.0.1:%d" % b.port: "B"}
        with Nginx([a.port, b.port], out, "sigterm-r%d" % rnd) as ngx:
            load = capacity.Load(ngx.port, SLOW_ROUTE, CLIENTS).start()
            load.active = CLIENTS
            time.sleep(max(0.0, p["sig_before_s"] - load.now()))
            t_kill_wall, t_kill = time.time(), load.now()
            victim.proc.send_signal(signal.SIGTERM)   # the instance's own pid (taskset exec'd the JVM)
            try:
                code = victim.proc.wait(60)
                exit_s = round(load.now() - t_kill, 3)
            except subprocess.TimeoutExpired:
                code, exit_s = None, None
            time.sleep(max(0.0, p["sig_before_s"] + p["sig_after_s"] - load.now()))
            load.active = 0
            load.close()
            nginx_lines = ngx.log_lines()
            nginx_errors = ngx.errors()
        commands = {"A": shlex.join(a.cmd), "B": shlex.join(b.cmd)}
        victim_log = victim.logpath
    capacity.save_raw(out, "sigterm-r%d" % rnd, load.log)
    reqs = load.log
    in_flight = sum(1 for r in reqs if r[0] <= t_kill < r[0] + r[1])
    after_kill = [ln for ln in nginx_lines if ln["t"] >= t_kill_wall]
    tail = []
    try:
        tail = [ln.rstrip() for ln in open(victim_log) if re.search(r"[Gg]raceful|[Ss]hutdown|[Cc]losing|[Ss]topping", ln)][-6:]
    except OSError:
        pass
    return dict(round=rnd, victim=victim_name, commands=commands, kill_at_s=round(t_kill, 3), exit_s=exit_s, exit_code=code,
                in_flight_at_kill=in_flight, clients=client_figures(reqs), clients_after_kill=client_figures(reqs, t_kill),
                nginx=nginx_figures(nginx_lines, names), nginx_after_kill=nginx_figures(after_kill, names),
                nginx_error_lines=[l for l in nginx_errors.splitlines() if "upstream" in l][:10],
                nginx_error_count=sum(1 for l in nginx_errors.splitlines() if "upstream" in l),
                shutdown_log=[re.sub(r"^\S+\s+", "", l)[:200] for l in tail])


def sigterm(p, out):
    rounds = []
    for rnd in range(1, p["sig_rounds"] + 1):
        log("  sigterm round %d/%d" % (rnd, p["sig_rounds"]))
        try:
            r = sigterm_round(p, rnd, out)
            rounds.append(r)
            log("    stopped %s: exit %s s (code %s); %d in flight at the kill; %d requests, %d failed (%d after the kill); "
                "%d retried by nginx" % (r["victim"], r["exit_s"], r["exit_code"], r["in_flight_at_kill"], r["clients"]["requests"],
                                         r["clients"]["failed"], r["clients_after_kill"]["failed"], r["nginx"]["retried"]))
        except Exception as ex:
            log("    FAILED: %s: %s" % (type(ex).__name__, ex))
    summary = dict(failed=capacity.spread([r["clients"]["failed"] for r in rounds]), ok=capacity.spread([r["clients"]["ok"] for r in rounds]),
                   exit_s=capacity.spread([r["exit_s"] for r in rounds]), in_flight=capacity.spread([r["in_flight_at_kill"] for r in rounds]),
                   retried=capacity.spread([r["nginx"]["retried"] for r in rounds]),
                   failed_total=sum(r["clients"]["failed"] for r in rounds))
    return dict(params=dict(route=SLOW_ROUTE, clients=CLIENTS, before_s=p["sig_before_s"], after_s=p["sig_after_s"],
                            args=ROOMY + GRACEFUL, rounds=p["sig_rounds"]), summary=summary, rounds=rounds)


def throughput(p, out):
    layouts = [("one", 1), ("two", 2)]
    rounds = []
    with instance("A", ROOMY, out) as a, instance("B", ROOMY, out) as b:
        # the JIT warm-up of each instance directly; the wrk warm-up below warms nginx's path
        warm = {"A": capacity.warm(a, CHEAP_ROUTE, p, clients=4), "B": capacity.warm(b, CHEAP_ROUTE, p, clients=4)}
        commands = {"A": shlex.join(a.cmd), "B": shlex.join(b.cmd)}
        for rnd in range(1, p["tp_rounds"] + 1):
            order = layouts if rnd % 2 else layouts[::-1]   # one two, two one, one two
            for lid, n in order:
                ups = [a.port, b.port][:n]
                with Nginx(ups, out, "throughput-%s-r%d" % (lid, rnd)) as ngx:
                    url = "http://127.0.0.1:%d%s" % (ngx.port, CHEAP_ROUTE)
                    measure.run(measure.wrk_cmd(url, WRK_CONNS, p["tp_warm_s"]), p["tp_warm_s"] + 20)
                    # the process's own utime + stime: it keeps the time of threads that ended, which a sum
                    # over /proc/PID/task/* loses (an idle JVM's ending thread once made that go negative)
                    jvm_ns = lambda s: process_ticks().get(s.proc.pid, 0) * 1e9 / os.sysconf("SC_CLK_TCK")   # noqa: E731
                    c0, s0, f0 = cpu_times(), {"A": jvm_ns(a), "B": jvm_ns(b)}, process_ticks()
                    t0 = time.time()
                    cmd = measure.wrk_cmd(url, WRK_CONNS, p["tp_s"])
                    rc, text, killed = measure.run(cmd, p["tp_s"] + 30)
                    cpu = cpu_share(c0, cpu_times())
                    secs = time.time() - t0
                    jvm = {k: round((jvm_ns(s) - s0[k]) / 1e9 / secs, 3) for k, s in (("A", a), ("B", b))}
                    # wrk has ended, so it is not in `after`: only processes alive at both ends count
                    foreign = foreign_cores(f0, process_ticks(), {os.getpid(), a.proc.pid, b.proc.pid, ngx.proc.pid}
                                            | set(nginx_workers(ngx.proc.pid)), secs)
                    lines = ngx.log_lines()
                w = measure.parse_wrk(text)
                names = {"127.0.0.1:%d" % a.port: "A", "127.0.0.1:%d" % b.port: "B"}
                per = nginx_figures(lines, names)["attempts"]
                # Other processes' CPU over the window: near 0 the machine was ours, and rounds compare.
                r = dict(round=rnd, layout=lid, instances=n, wrk=w, wrk_command=shlex.join(cmd), cpu_share=cpu,
                         jvm_cpu_cores=jvm, other_processes_cores=foreign, served_by={k: sum(v.values()) for k, v in per.items()})
                rounds.append(r)
                log("    round %d, %s instance(s): %s req/s, %s errors, p99 %s ms; CPU %s; JVM cores %s" % (
                    rnd, n, w.get("rps"), w.get("errors"), w.get("p99_ms"), cpu, jvm))
    summary = {}
    for lid, _ in layouts:
        rs = [r for r in rounds if r["layout"] == lid]
        summary[lid] = dict(rps=capacity.spread([r["wrk"].get("rps") for r in rs]), p99_ms=capacity.spread([r["wrk"].get("p99_ms") for r in rs]),
                            errors=sum(r["wrk"].get("errors") or 0 for r in rs),
                            cpu0=capacity.spread([r["cpu_share"].get("cpu0") for r in rs]), cpu1=capacity.spread([r["cpu_share"].get("cpu1") for r in rs]),
                            # a negative figure came from a per-thread sum that lost an ended thread: not a value
                            jvms=capacity.spread([sum(r["jvm_cpu_cores"].values()) for r in rs if min(r["jvm_cpu_cores"].values()) >= 0]),
                            cpu0_softirq=capacity.spread([r["cpu_share"].get("cpu0_softirq") for r in rs]),
                            other_processes=capacity.spread([r.get("other_processes_cores") for r in rs]))
    one, two = (summary["one"]["rps"] or {}).get("median"), (summary["two"]["rps"] or {}).get("median")
    summary["ratio_two_over_one"] = round(two / one, 3) if one and two else None
    return dict(params=dict(route=CHEAP_ROUTE, wrk_connections=WRK_CONNS, seconds=p["tp_s"], warm_s=p["tp_warm_s"],
                            rounds=p["tp_rounds"], args=ROOMY), commands=commands, jit_warm_up=warm, summary=summary, rounds=rounds)


EXPERIMENTS = {"saturated": saturated, "sigterm": sigterm, "throughput": throughput}


def run(mode, exps):
    p = MODES[mode]
    out = out_dir(mode)
    os.makedirs(out, exist_ok=True)
    t0 = time.time()
    for i, exp in enumerate(exps, 1):
        log("[%d/%d] %s (%.1f min spent)" % (i, len(exps), exp, (time.time() - t0) / 60))
        try:
            rec = EXPERIMENTS[exp](p, out)
        except Exception as ex:   # one experiment failing must not lose the others
            log("    FAILED: %s: %s" % (type(ex).__name__, ex))
            continue
        rec.update(experiment=exp, mode=mode, command="bash bench/scale-out.sh %s" % mode, finished_utc=utc(),
                   commit=subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
                   nginx_config="deploy/nginx/workerclass.conf",
                   versions=dict(nginx=subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip(),
                                 prometheus=(subprocess.run(["prometheus", "--version"], capture_output=True, text=True).stdout
                                             or "").splitlines()[:1]),
                   loadavg_after=[round(x, 2) for x in os.getloadavg()])
        if exp == "saturated":
            c, a = rec["clients"], rec["instances"]["A"]
            log("    clients %d requests, %d failed; A rejected %s (busy max %s, queued max %s), B completed %s; nginx retried %d; "
                "Prometheus series: %s" % (c["requests"], c["failed"], a["rejected"], a.get("busy_max"), a.get("queued_max"),
                                          rec["instances"]["B"]["completed"], rec["nginx"]["retried"],
                                          ", ".join(rec["prometheus"]["workers_series"])))
        with open(os.path.join(out, exp + ".json"), "w") as f:
            json.dump(rec, f, indent=1)
    log("scale-out %s done in %.1f min" % (mode, (time.time() - t0) / 60))


# ---------------------------------------------------------------------------------------------- report
def _load():
    for mode in ("full", "quick"):
        recs = {}
        for exp in EXPERIMENTS:
            path = os.path.join(out_dir(mode), exp + ".json")
            if os.path.exists(path):
                recs[exp] = json.load(open(path))
        if recs:
            return mode, recs
    return None, {}


def _s(s, nd=0):
    if not s:
        return "–"
    f = lambda v: ("%." + str(nd) + "f") % v   # noqa: E731
    if s["n"] < 2 or s["min"] == s["max"]:
        return f(s["median"])
    return "%s (%s–%s)" % (f(s["median"]), f(s["min"]), f(s["max"]))


def _answer_rows(ans, inst):
    """(query, series, labels, value) rows of one stored Prometheus answer."""
    back = {v: k for k, v in inst.items()}
    rows = []
    for r in ((ans.get("answer") or {}).get("data") or {}).get("result", []):
        m = dict(r.get("metric") or {})
        name = m.pop("__name__", "")
        if "instance" in m:
            m["instance"] = "127.0.0.1:<%s>" % back.get(m["instance"], m["instance"])   # a free port of that run
        v = (r.get("value") or [None, None])[1]
        try:
            v = "%g" % round(float(v), 3)
        except (TypeError, ValueError):
            pass
        rows.append((name or "–", ", ".join('%s="%s"' % kv for kv in sorted(m.items())), v))
    return rows


def section(portable=lambda s: s):
    """The "Scale-out behind nginx" section of docs/benchmarks.md, from bench/results/scale-out/."""
    md = ["## Scale-out behind nginx\n"]
    w = md.append
    mode, recs = _load()
    if not recs:
        w("**Not run**: no results under `bench/results/scale-out/` (`bash bench/scale-out.sh full`).\n")
        return "\n".join(md)
    if mode == "quick":
        w("**Not run in full mode.** These numbers are from `bash bench/scale-out.sh quick` (one short round): they "
          "only show that the script works and must not be quoted.\n")
    any_rec = next(iter(recs.values()))
    w("`bash bench/scale-out.sh %s` (`bench/lib/scale_out.py`): two instances of the demo, both JVMs on CPU 0, behind "
      "nginx running the shipped [`deploy/nginx/workerclass.conf`](../deploy/nginx/workerclass.conf) (only its ports "
      "rewritten) on CPU 1 with the load and Prometheus, all on 127.0.0.1. %s, %s. Python clients with keep-alive "
      "connections, or wrk; every non-2xx answer and every socket error counts as a failed request. Setup and "
      "what the retries do: [deployment.md](deployment.md).\n"
      % (mode, any_rec["versions"]["nginx"].replace("nginx version: ", ""),
         " ".join(any_rec["versions"]["prometheus"]).split(" (")[0].replace("prometheus, version ", "Prometheus ")))
    sat = recs.get("saturated")
    if sat:
        pr, c, a, b, n = sat["params"], sat["clients"], sat["instances"]["A"], sat["instances"]["B"], sat["nginx"]
        w("### One instance saturated\n")
        w("Instance A: `%s` (2 slots, 1 place in line); B: `%s`. %d clients through nginx on `%s` for %s s.\n"
          % (" ".join(pr["a"]), " ".join(pr["b"]), pr["clients"], pr["route"], pr["seconds"]))
        w(capacity._table(["", "requests", "failed", "p50 ms", "p99 ms", "200s/s"],
                 [["clients (through nginx)", c["requests"], c["failed"], c["p50_ms"], c["p99_ms"], c["ok_per_s"]]]))
        w("")
        rows = []
        for name, x in (("A", a), ("B", b)):
            att = n["attempts"].get(name, {})
            rows.append([name, x.get("completed"), x.get("rejected"),
                         ", ".join("%s: %d" % kv for kv in sorted(att.items())) or "–",
                         x.get("busy_max", "–"), x.get("queued_max", "–")])
        w(capacity._table(["instance", "completed (`/actuator/workers`)", "rejected with 503", "nginx attempts by status",
                  "busy max", "queued max"], rows))
        w("")
        w("nginx retried %d requests on the other instance (`proxy_next_upstream ... http_503`); the clients got %s. "
          "Busy and queued max: A's `/actuator/workers` read every 250 ms. A stops getting requests for "
          "`fail_timeout` once it answered `max_fails` 503s, so its 503s come in bursts.\n"
          % (n["retried"], ", ".join("%s: %d" % kv for kv in sorted(c["statuses"].items()))))
        verdict = "met" if a.get("rejected") and c["failed"] == 0 else "missed"
        if mode != "full":
            verdict += " (quick run: not a finding)"
        w(capacity._table(["target", "measured", "verdict"],
                 [["A answers 503, the clients see 0 failures", "%s rejected by A, %d failed of %d" % (a.get("rejected"), c["failed"], c["requests"]),
                   verdict]]))
        w("")
    sig = recs.get("sigterm")
    if sig:
        pr = sig["params"]
        w("### SIGTERM to one instance under load\n")
        w("Both instances `%s`; %d clients through nginx on `%s`; `kill -TERM` to one JVM's pid %s s into the load "
          "(instances alternating over the rounds), the load going on for %s s after. Exit: seconds from the signal to "
          "the process's end. In flight: client requests sent before the signal and answered after it (on either "
          "instance).\n" % (" ".join(pr["args"]), pr["clients"], pr["route"], pr["before_s"], pr["after_s"]))
        rows = []
        for r in sig["rounds"]:
            rows.append([r["round"], r["victim"], r["exit_s"], r["exit_code"], r["in_flight_at_kill"], r["clients"]["requests"],
                         r["clients"]["ok"], r["clients"]["failed"], r["clients_after_kill"]["failed"], r["nginx"]["retried"],
                         ", ".join("%s: %d" % kv for kv in sorted(r["nginx_after_kill"]["attempts"].get(r["victim"], {}).items())) or "none"])
        w(capacity._table(["round", "stopped", "exit s", "exit code", "in flight", "requests", "200s", "failed", "failed after the signal",
                  "retried by nginx", "attempts on the stopped one after the signal"], rows))
        w("")
        s = sig["summary"]
        ok = s["failed_total"] == 0 and sig["rounds"]
        kinds = {}
        for r in sig["rounds"]:
            for l in r.get("nginx_error_lines") or []:
                k = re.search(r"\] \S+ \*\d+ (.*?) while", l) or re.search(r"\*\d+ (.*?) while", l)
                k = (k.group(1) if k else l[:80])
                kinds[k] = kinds.get(k, 0) + 1
        w("In nginx's log a failed attempt on the stopped instance shows as 502 and was retried on the other one "
          "(`proxy_next_upstream error`). nginx's error log, upstream errors (first 10 of each round): %s. "
          "\"Connection refused\" is the closed listener. \"Prematurely closed\" is a kept-alive connection the stopping "
          "instance closed as nginx sent a request on it: a GET is retried, a POST would get nginx's 502 (see "
          "[deployment.md](deployment.md)).\n" % ("; ".join("%s: %d" % kv for kv in sorted(kinds.items())) or "none"))
        w(capacity._table(["target", "measured", "verdict"],
                 [["0 failed requests", "%d over %d round(s)" % (s["failed_total"], len(sig["rounds"])),
                   ("met" if ok else "missed") + ("" if mode == "full" else " (quick run: not a finding)")]]))
        w("")
        logs = (sig["rounds"] or [{}])[0].get("shutdown_log") or []
        if logs:
            w("The stopped instance's log (round 1, shutdown lines):\n\n```\n" + "\n".join(portable(l) for l in logs) + "\n```\n")
    tp = recs.get("throughput")
    if tp:
        pr, s = tp["params"], tp["summary"]
        w("### Throughput with one and two instances\n")
        w("`%s` through nginx, `wrk -t1 -c%d -d%ds` after a %d s wrk warm-up; one upstream instance, then two, "
          "%d round(s) alternating (one two, two one, ...); both JVMs run in both cases, the idle one unused. CPU: "
          "share of each core busy over the window (`/proc/stat`).\n"
          % (pr["route"], pr["wrk_connections"], pr["seconds"], pr["warm_s"], pr["rounds"]))
        rows = []
        for lid, label in (("one", "1 instance"), ("two", "2 instances")):
            x = s.get(lid) or {}
            rows.append([label, _s(x.get("rps")), _s(x.get("p99_ms"), 2), x.get("errors", "–"), _s(x.get("cpu0"), 2),
                         _s(x.get("jvms"), 2), _s(x.get("cpu0_softirq"), 2), _s(x.get("cpu1"), 2), _s(x.get("other_processes"), 2)])
        w(capacity._table(["upstream", "req/s", "p99 ms", "errors", "CPU 0 busy", "the JVMs, cores (JIT included)", "CPU 0 softirq",
                  "CPU 1 busy (nginx, wrk, the script)", "other processes, cores"], rows))
        w("")
        busy = max([((s.get(l) or {}).get("other_processes") or {}).get("max") or 0 for l in ("one", "two")])
        if busy > 0.05:
            w("**The machine was not ours alone**: other processes used up to %.2f cores in some rounds; those rounds "
              "measure the sharing as much as the instances.\n" % busy)
        w("CPU 0 softirq is the kernel's loopback TCP receive path, which runs on the sending CPU and is accounted to "
          "no process. The JVMs' figure holds their threads' user and system time; what else CPU 0 ran is interrupts, "
          "kernel threads, and the other processes of the last column (counted over both CPUs).\n")
        w("Two over one: **%s×** (medians). **What this can show:** the price of the extra hop spread over two JVMs "
          "that share one core, and that nginx spreads the load (requests served per instance are in the JSON). "
          "**What it cannot show:** that a second instance adds capacity. Here both JVMs share CPU 0, and nginx and wrk "
          "share CPU 1; adding an instance adds no CPU, so no gain is expected, and when CPU 1 is near 1.0 the front, "
          "not the instances, sets the pace. Scaling out pays when each instance gets its own cores.\n"
          % (("%.2f" % s["ratio_two_over_one"]) if s.get("ratio_two_over_one") else "–"))
    if sat and sat.get("prometheus"):
        pm = sat["prometheus"]
        w("### Prometheus\n")
        w("A real Prometheus scraped both instances' `/actuator/prometheus` every %d s during the saturated run "
          "(control-plane requests: they skip the worker slots, so the saturated instance was scraped too; targets: %s). "
          "Series named `workers_*` it returned:\n" % (pm["scrape_interval_s"], ", ".join(
              "%s" % t["health"] for t in pm["targets"]) or "–"))
        w(", ".join("`%s`" % x for x in pm["workers_series"]) + "\n")
        w("Answers to `GET /api/v1/query` about a second before the load ended (window %d s; instance A is the "
          "saturated one; raw JSON in `bench/results/scale-out/%ssaturated.json`):\n"
          % (pm["window_s"], "" if mode == "full" else "quick/"))
        rows = []
        for key, _ in QUERIES:
            ans = pm["answers"].get(key) or {}
            for i, (name, labels, v) in enumerate(_answer_rows(ans, pm["instances"])):
                rows.append(["`%s`" % ans.get("query") if i == 0 else "", name, labels, v])
        w(capacity._table(["query", "series", "labels", "value"], rows))
        w("")
    cmds = []
    for exp in ("saturated", "sigterm", "throughput"):
        rec = recs.get(exp)
        if not rec:
            continue
        c = rec.get("commands") or ((rec.get("rounds") or [{}])[0].get("commands"))
        for k, v in sorted((c or {}).items()):
            cmds.append("- %s, instance %s: `%s`" % (exp, k, portable(v)))
    cmds.append("- nginx: `taskset -c %s nginx -p <temp dir> -c <temp dir>/nginx.conf`, that nginx.conf including "
                "`deploy/nginx/workerclass.conf` with its ports rewritten" % FRONT_CPU)
    if sat and sat.get("prometheus"):
        cmds.append("- prometheus: `%s`" % portable(sat["prometheus"]["command"]))
    if tp and tp.get("rounds"):
        cmds.append("- wrk: `%s`" % portable(tp["rounds"][0]["wrk_command"]))
    if cmds:
        w("Commands (the ports are free ports of that run):\n\n" + "\n".join(cmds) + "\n")
    return "\n".join(md)


def main():
    args = sys.argv[1:]
    if not args or args[0] not in MODES or any(a not in EXPERIMENTS for a in args[1:]):
        sys.exit("usage: scale_out.py quick|full [saturated] [sigterm] [throughput]")
    mode, exps = args[0], args[1:] or list(EXPERIMENTS)
    if not os.path.exists(JAR):
        sys.exit("scale_out.py: %s missing (bench/scale-out.sh builds and copies it)" % os.path.relpath(JAR, ROOT))
    for tool in ("nginx", "prometheus", "wrk", "taskset"):
        if not shutil.which(tool):
            sys.exit("scale_out.py: %s not found (bench/scale-out.sh installs it)" % tool)
    # The load on the front CPU; the JVMs get CPU 0 from taskset.
    try:
        os.sched_setaffinity(0, {int(FRONT_CPU)})
    except (AttributeError, OSError) as e:
        log("could not pin the load to CPU %s: %s" % (FRONT_CPU, e))
    sys.setswitchinterval(0.001)
    run(mode, exps)


if __name__ == "__main__":
    main()
