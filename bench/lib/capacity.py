#!/usr/bin/env python3
"""Capacity that follows load: autoscaled workers and adaptive concurrency limits, measured over time.

    capacity.py MODE [step] [db]     MODE: quick | full; default both experiments
    capacity.py MODE --plan          print the server starts and their estimates, run nothing

step  `thread`, 1 worker of 4 threads (ceiling `server.max-workers=16`), `/test?ms=100`, clients
      4 -> 64 -> 4; `fixed` against `autoscaled` (`server.autoscale.enabled=true`).
db    `virtual`, `/db?ms=20` (10 pooled connections), 200 clients after a short warm-up; `fixed`
      against `gradient` and `vegas` (`server.concurrency-limit.algorithm`).

The method is the suite's (bench/lib/measure.py): each server on CPU 0 (`taskset -c 0`), this
process, its load and its poller on CPU 1, 127.0.0.1 only, a free port, the server stopped by its
own pid. The load is N threads here, each with a keep-alive `http.client` connection, each looping
requests and logging (send time, latency, status, Retry-After); a client answered 503 pauses
100 ms. A poller reads `GET /actuator/workers` every 250 ms (workers, busy, queued, resizes, and
`limit.current` / `autoscale.*` where the server has them: every field is read as missing -> null).
full: 3 rounds per experiment, the servers alternating, medians with min-max; quick: one short
round, to prove the paths. Writes bench/results/capacity/{step,db}.json (quick: under
bench/results/capacity/quick/) with the per-second timelines, per-request logs under raw/; the
section of docs/benchmarks.md and its plots come from section(), which bench/lib/report.py calls.
"""
import csv
import datetime
import gzip
import http.client
import json
import os
import shlex
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RES = os.path.join(ROOT, "bench/results/capacity")
IMG = os.path.join(ROOT, "docs/img")
JAR = os.path.join(RES, "jars/demo.jar")   # a copy: a rebuild while a measurement runs must not change it

MODES = {
    # phases of step as (name, clients, seconds); the steady part of a phase starts `steady_after` in
    "quick": dict(rounds=1, warm_s=5, warm_max_s=15, steady_after=5,
                  step=[("low", 4, 8), ("high", 64, 15), ("low again", 4, 20)],
                  db_warm_s=8, db_secs=12),
    "full": dict(rounds=3, warm_s=10, warm_max_s=60, steady_after=10,
                 step=[("low", 4, 20), ("high", 64, 30), ("low again", 4, 40)],
                 db_warm_s=10, db_secs=30),
}
STEP_ROUTE, DB_ROUTE, DB_CLIENTS = "/test?ms=100", "/db?ms=20", 200
STEP_BASE = ["--server.worker-class=thread", "--server.workers=1", "--server.threads=4", "--server.max-workers=16"]
STEP_MIN_WORKERS = 1
SERVERS = {
    "step": [("fixed", "fixed size", STEP_BASE),
             ("autoscaled", "autoscaled", STEP_BASE + ["--server.autoscale.enabled=true"])],
    "db": [("fixed", "no limit", ["--server.worker-class=virtual"]),
           ("gradient", "gradient limit", ["--server.worker-class=virtual", "--server.concurrency-limit.algorithm=gradient"]),
           ("vegas", "vegas limit", ["--server.worker-class=virtual", "--server.concurrency-limit.algorithm=vegas"])],
}
TARGETS_TEXT = {
    "step": ["p99 in the high step ≤ 0.5× fixed", "workers back at the minimum ≤ 30 s after the load drops",
             "≤ 2 resizes in the steady part of each phase"],
    "db": ["p99 ≤ 0.3× fixed", "goodput ≥ 0.95× fixed", "every refusal a 503 with Retry-After"],
}
POLL_S, REFUSED_PAUSE_S, REQUEST_TIMEOUT_S = 0.25, 0.1, 35


def log(msg):
    print("[%s] %s" % (datetime.datetime.now(datetime.timezone.utc).strftime("%H:%M:%S"), msg), flush=True)


def out_dir(mode):
    return RES if mode == "full" else os.path.join(RES, "quick")


# ---------------------------------------------------------------------------------------------- load
class Load:
    """nmax client threads; the first `active` of them loop requests, the others sit idle with their
    connection closed (a client that left). Every request is logged as (send s, latency s, status,
    Retry-After or None); status 0 is a failure without a reply (reset, timeout)."""

    def __init__(self, port, path, nmax):
        self.port, self.path, self.nmax = port, path, nmax
        self.active, self.stop = 0, threading.Event()
        self.log = []          # list.append is atomic under the GIL
        self.t0 = time.monotonic()
        self.threads = [threading.Thread(target=self.client, args=(i,), daemon=True) for i in range(nmax)]

    def start(self):
        self.t0 = time.monotonic()
        for t in self.threads:
            t.start()
        return self

    def now(self):
        return time.monotonic() - self.t0

    def client(self, i):
        conn = None
        while not self.stop.is_set():
            if i >= self.active:
                if conn:
                    conn.close()
                    conn = None
                self.stop.wait(0.02)
                continue
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S)
            ts = time.monotonic()
            try:
                conn.request("GET", self.path)
                r = conn.getresponse()
                r.read()
                status, retry = r.status, r.getheader("Retry-After")
                if r.will_close:
                    conn.close()
                    conn = None
            except Exception:
                status, retry = 0, None
                conn.close()
                conn = None
            te = time.monotonic()
            self.log.append((round(ts - self.t0, 4), round(te - ts, 5), status, retry))
            if status == 503 or status == 0:
                self.stop.wait(REFUSED_PAUSE_S)

    def close(self):
        self.stop.set()
        for t in self.threads:
            t.join(REQUEST_TIMEOUT_S + 5)


def get(d, *keys):
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


class Poller:
    """GET /actuator/workers every 250 ms; each sample keeps the fields this benchmark reads."""

    def __init__(self, port, t0):
        self.port, self.t0, self.samples, self.stop = port, t0, [], threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        conn = None
        while not self.stop.is_set():
            t = time.monotonic()
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/actuator/workers")
                j = json.loads(conn.getresponse().read())
            except Exception:
                j = None
                if conn:
                    conn.close()
                conn = None
            if isinstance(j, dict):
                self.samples.append(dict(
                    t=round(t - self.t0, 3), workers=j.get("workers"), capacity=j.get("capacity"), busy=j.get("busy"),
                    queued=j.get("queued"), resizes=j.get("resizes"), rejected=j.get("rejected"),
                    limit=get(j, "limit", "current"), limit_changes=get(j, "limit", "changes"),
                    autoscale=get(j, "autoscale", "enabled"), decisions=get(j, "autoscale", "decisions")))
            self.stop.wait(max(0.0, POLL_S - (time.monotonic() - t)))

    def start(self):
        self.thread.start()
        return self

    def close(self):
        self.stop.set()
        self.thread.join(5)


def last_state(port):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
        c.request("GET", "/actuator/workers")
        return json.loads(c.getresponse().read())
    except Exception as e:
        return {"error": str(e)}


# ---------------------------------------------------------------------------------------------- figures
def pct(values, p):
    if not values:
        return None
    v = sorted(values)
    return round(v[min(len(v) - 1, int(p / 100.0 * len(v)))] * 1000, 1)   # seconds -> ms


def window_figures(reqs, t_from, t_to):
    """Figures of the requests sent in [t_from, t_to)."""
    sel = [r for r in reqs if t_from <= r[0] < t_to]
    ok = [r[1] for r in sel if r[2] == 200]
    statuses = {}
    for r in sel:
        statuses[str(r[2])] = statuses.get(str(r[2]), 0) + 1
    refused = [r for r in sel if r[2] == 503]
    retry = {}
    for r in refused:
        retry[str(r[3])] = retry.get(str(r[3]), 0) + 1
    secs = max(t_to - t_from, 1e-9)
    return dict(requests=len(sel), ok=len(ok), p50_ms=pct(ok, 50), p99_ms=pct(ok, 99),
                goodput_rps=round(len(ok) / secs, 1), statuses=statuses, refused_503=len(refused),
                refused_with_retry_after=sum(1 for r in refused if r[3] is not None), retry_after_values=retry,
                other_non_200=sum(1 for r in sel if r[2] not in (200, 503)))


def timeline(reqs, samples, secs):
    """Per second (by the time a reply arrived): 200s, their p50/p99, 503s, failures; from the poller:
    workers and limit at the end of the second, busy and queued at most."""
    out = []
    for s in range(int(secs)):
        done = [r for r in reqs if s <= r[0] + r[1] < s + 1]
        ok = [r[1] for r in done if r[2] == 200]
        sm = [x for x in samples if s <= x["t"] < s + 1]
        lastv = lambda k: next((x[k] for x in reversed(sm) if x.get(k) is not None), None)   # noqa: E731
        maxv = lambda k: max((x[k] for x in sm if x.get(k) is not None), default=None)       # noqa: E731
        out.append(dict(t=s, ok=len(ok), p50_ms=pct(ok, 50), p99_ms=pct(ok, 99),
                        n503=sum(1 for r in done if r[2] == 503), failed=sum(1 for r in done if r[2] not in (200, 503)),
                        workers=lastv("workers"), capacity=lastv("capacity"), busy_max=maxv("busy"),
                        queued_max=maxv("queued"), limit=lastv("limit"), resizes=lastv("resizes")))
    return out


def resizes_between(samples, a, b):
    """Resizes seen by the poller in [a, b): the `resizes` counter's growth, or the count of changes of
    `workers` where the counter is missing."""
    sm = [x for x in samples if a <= x["t"] < b]
    cnt = [x["resizes"] for x in sm if x.get("resizes") is not None]
    if len(cnt) >= 2:
        return cnt[-1] - cnt[0]
    w = [x["workers"] for x in sm if x.get("workers") is not None]
    return sum(1 for p, q in zip(w, w[1:]) if p != q) if w else None


def back_to_min(samples, drop, end, minimum):
    """Seconds from the load drop until workers reached the minimum and stayed there to the end of
    the phase; 0 if it never left it; None if it was still above it at the end."""
    sm = [x for x in samples if drop <= x["t"] < end and x.get("workers") is not None]
    if not sm:
        return None
    if all(x["workers"] <= minimum for x in sm):
        return 0.0
    if sm[-1]["workers"] > minimum:
        return None
    i = len(sm) - 1
    while i > 0 and sm[i - 1]["workers"] <= minimum:
        i -= 1
    return round(sm[i]["t"] - drop, 2)


# ---------------------------------------------------------------------------------------------- runs
def start_server(sid, args, out):
    import bench   # the suite's JavaServer: pinned to CPU 0, a free loopback port, stopped by its pid
    spec = dict(id="capacity-" + sid, family="workerclass", cls=sid, label=sid, jar=JAR, args=args)
    return bench.JavaServer(spec, out)


def client_cpu(since=None, secs=None):
    """This process's CPU seconds (the load and the poller); with `since`, the share of a core used
    since then over secs: near 1.0 the load itself was the bottleneck, not the server."""
    t = os.times()
    now = t.user + t.system
    return now if since is None else round((now - since) / max(secs, 1e-9), 3)


def save_raw(out, name, reqs):
    d = os.path.join(out, "raw")
    os.makedirs(d, exist_ok=True)
    with gzip.open(os.path.join(d, name + ".csv.gz"), "wt", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["send_s", "latency_s", "status", "retry_after"])
        wr.writerows(reqs)


def warm(srv, route, p, clients=1):
    """JIT warm-up, not recorded: `clients` clients on `route` until the JIT compilers use under 2% of
    a core over 5 s (after at least warm_s, at most warm_max_s), as the suite's warm-up does: code
    still being compiled runs slower, and a fixed warm-up on a busy machine left it in the window."""
    import measure
    w = Load(srv.port, route, clients).start()
    w.active = clients
    start, share = time.time(), None
    try:
        while time.time() - start < p["warm_max_s"]:
            j0, t0 = measure.cpu_ns(srv.pids())[1], time.time()
            time.sleep(min(5, p["warm_s"]))
            share = (measure.cpu_ns(srv.pids())[1] - j0) / 1e9 / (time.time() - t0)
            if time.time() - start >= p["warm_s"] and share < 0.02:
                break
    finally:
        w.close()
    time.sleep(1)
    return dict(warm_s=round(time.time() - start, 1), jit_share_at_end=round(share, 3) if share is not None else None)


def step_round(p, sid, args, rnd, out):
    with start_server(sid, args, out) as srv:
        # The route with no sleep, 1 client: busy stays at 1 of 4, under grow-above (0.5), so warming
        # compiles the request path and grows nothing.
        warmed = warm(srv, "/test?ms=0", p)
        load = Load(srv.port, STEP_ROUTE, max(c for _, c, _ in p["step"]))
        cpu0 = client_cpu()
        load.start()
        poll = Poller(srv.port, load.t0).start()
        phases, t = [], 0.0
        for name, clients, secs in p["step"]:
            load.active = clients
            phases.append(dict(name=name, clients=clients, start_s=t, end_s=t + secs))
            t += secs
            time.sleep(max(0.0, t - load.now()))
        load.active = 0
        cpu = client_cpu(cpu0, t)
        load.close()
        poll.close()
        state = last_state(srv.port)
        command = shlex.join(srv.cmd)
        logpath = os.path.relpath(srv.logpath, ROOT)
    reqs, samples = load.log, poll.samples
    save_raw(out, "step-%s-r%d" % (sid, rnd), reqs)
    minimum = get(state, "autoscale", "minWorkers") or STEP_MIN_WORKERS
    for ph in phases:
        ph.update(window_figures(reqs, ph["start_s"], ph["end_s"]))
        ph["resizes_steady"] = resizes_between(samples, ph["start_s"] + p["steady_after"], ph["end_s"])
        ws = [x["workers"] for x in samples if ph["start_s"] <= x["t"] < ph["end_s"] and x.get("workers") is not None]
        ph["workers_max"] = max(ws) if ws else None
    drop = phases[-1]["start_s"]
    return dict(server=sid, round=rnd, command=command, log=logpath, phases=phases,
                client_cpu=cpu, warm_up=warmed, autoscale_seen=any(x.get("autoscale") is not None for x in samples),
                back_to_min_s=back_to_min(samples, drop, phases[-1]["end_s"], minimum), min_workers=minimum,
                timeline=timeline(reqs, samples, t), state_after=state, samples=len(samples))


def db_round(p, sid, args, rnd, out):
    with start_server(sid, args, out) as srv:
        # 1 client, no hold: the request path compiled; the load's own warm-up below then lets a limit settle
        warmed = warm(srv, "/db?ms=0", p)
        cpu0 = client_cpu()
        load = Load(srv.port, DB_ROUTE, DB_CLIENTS).start()
        poll = Poller(srv.port, load.t0).start()
        load.active = DB_CLIENTS
        total = p["db_warm_s"] + p["db_secs"]
        time.sleep(max(0.0, total - load.now()))
        load.active = 0
        cpu = client_cpu(cpu0, total)
        load.close()
        poll.close()
        state = last_state(srv.port)
        command = shlex.join(srv.cmd)
        logpath = os.path.relpath(srv.logpath, ROOT)
    reqs, samples = load.log, poll.samples
    save_raw(out, "db-%s-r%d" % (sid, rnd), reqs)
    fig = window_figures(reqs, p["db_warm_s"], total)
    lim = [x["limit"] for x in samples if x["t"] >= p["db_warm_s"] and x.get("limit") is not None]
    fig.update(limit_median=statistics.median(lim) if lim else None, limit_min=min(lim, default=None),
               limit_max=max(lim, default=None), limit_object=get(state, "limit"))
    return dict(server=sid, round=rnd, command=command, log=logpath, window=[p["db_warm_s"], total],
                client_cpu=cpu, warm_up=warmed, limit_seen=any(x.get("limit") is not None for x in samples),
                figures=fig, timeline=timeline(reqs, samples, total), state_after=state, samples=len(samples))


def spread(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return None
    return dict(median=round(statistics.median(vals), 2), min=min(vals), max=max(vals), n=len(vals))


def summarise(exp, rounds):
    """Per server: every scalar figure as median, min, max over the rounds."""
    out = {}
    for sid, _, _ in SERVERS[exp]:
        rs = [r for r in rounds if r["server"] == sid]
        if not rs:
            continue
        s = {}
        if exp == "step":
            for i, ph in enumerate(rs[0]["phases"]):
                for k in ("p50_ms", "p99_ms", "goodput_rps", "resizes_steady", "workers_max", "refused_503", "other_non_200"):
                    s["%d:%s" % (i, k)] = spread([r["phases"][i].get(k) for r in rs])
            s["back_to_min_s"] = spread([r["back_to_min_s"] for r in rs])
            s["back_to_min_missing"] = sum(1 for r in rs if r["back_to_min_s"] is None)
        else:
            for k in ("p50_ms", "p99_ms", "goodput_rps", "refused_503", "refused_with_retry_after", "other_non_200",
                      "limit_median"):
                s[k] = spread([r["figures"].get(k) for r in rs])
        out[sid] = s
    return out


def ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def times(r):
    return "–" if r is None else "%.2f×" % r


def med(summary, sid, key):
    return ((summary.get(sid) or {}).get(key) or {}).get("median")


def targets(exp, summary):
    """[(target, measured, verdict)]: verdicts only, nothing asserted."""
    out = []
    if exp == "step":
        hi = "1:p99_ms"
        r = ratio(med(summary, "autoscaled", hi), med(summary, "fixed", hi))
        out.append((TARGETS_TEXT["step"][0], "%s (%s ms vs %s ms)" % (times(r), med(summary, "autoscaled", hi), med(summary, "fixed", hi)),
                    "–" if r is None else "met" if r <= 0.5 else "missed"))
        b = med(summary, "autoscaled", "back_to_min_s")
        missing = (summary.get("autoscaled") or {}).get("back_to_min_missing")
        out.append((TARGETS_TEXT["step"][1], "%s s%s" % (b, " (%d round(s) not back by the end)" % missing if missing else ""),
                    "missed" if missing else "–" if b is None else "met" if b <= 30 else "missed"))
        rz = [med(summary, "autoscaled", "%d:resizes_steady" % i) for i in range(3)]
        rz = [x for x in rz if x is not None]
        out.append((TARGETS_TEXT["step"][2], " / ".join("%g" % x for x in rz) or "–",
                    "–" if not rz else "met" if max(rz) <= 2 else "missed"))
    else:
        for sid in ("gradient", "vegas"):
            if sid not in summary:
                continue
            r = ratio(med(summary, sid, "p99_ms"), med(summary, "fixed", "p99_ms"))
            out.append(("`%s`: %s" % (sid, TARGETS_TEXT["db"][0]), times(r), "–" if r is None else "met" if r <= 0.3 else "missed"))
            g = ratio(med(summary, sid, "goodput_rps"), med(summary, "fixed", "goodput_rps"))
            out.append(("`%s`: %s" % (sid, TARGETS_TEXT["db"][1]), times(g), "–" if g is None else "met" if g >= 0.95 else "missed"))
    return out


def refusal_verdict(rounds, sid):
    rs = [r["figures"] for r in rounds if r["server"] == sid]
    n503 = sum(f["refused_503"] for f in rs)
    with_ra = sum(f["refused_with_retry_after"] for f in rs)
    other = sum(f["other_non_200"] for f in rs)
    values = {}
    for f in rs:
        for k, v in f["retry_after_values"].items():
            values[k] = values.get(k, 0) + v
    ok = other == 0 and with_ra == n503
    what = "%d refusals, %d with Retry-After, %d other non-200 or failed" % (n503, with_ra, other)
    return what, ("met" if ok and n503 else "met, no refusals" if ok else "missed"), values


def plan(mode, exps):
    p = MODES[mode]
    units = []
    for exp in exps:
        for rnd in range(1, p["rounds"] + 1):
            for sid, label, args in SERVERS[exp]:   # A B C, A B C: the servers alternate
                # a JVM starts in about 20 s on one busy core; one client rarely lets the JIT settle early
                est = 22 + min(p["warm_max_s"], 4 * p["warm_s"]) + 1 + (sum(s for _, _, s in p["step"]) if exp == "step"
                                                  else p["db_warm_s"] + p["db_secs"]) + 3
                units.append((exp, rnd, sid, label, args, est))
    return units


def run(mode, exps):
    p = MODES[mode]
    out = out_dir(mode)
    os.makedirs(out, exist_ok=True)
    units = plan(mode, exps)
    total = sum(u[5] for u in units)
    log("capacity %s: %d server starts, about %.0f min" % (mode, len(units), total / 60))
    rounds = {e: [] for e in exps}
    t0, done_est = time.time(), 0.0
    for i, (exp, rnd, sid, label, args, est) in enumerate(units, 1):
        spent = time.time() - t0
        left = (total - done_est) * (spent / done_est if done_est else 1.0)
        log("[cell %d/%d] %s, %s, round %d/%d; %.1f min spent, ~%.0f min left" % (
            i, len(units), exp, sid, rnd, p["rounds"], spent / 60, max(left / 60, 0.5)))
        try:
            r = (step_round if exp == "step" else db_round)(p, sid, args, rnd, out)
            r.update(label=label, args=args, started_utc=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                     loadavg_before=[round(x, 2) for x in os.getloadavg()])
            rounds[exp].append(r)
            if exp == "step":
                log("    " + "; ".join("%s: p99 %s ms, %s req/s, workers max %s, resizes steady %s" % (
                    ph["name"], ph["p99_ms"], ph["goodput_rps"], ph["workers_max"], ph["resizes_steady"]) for ph in r["phases"])
                    + "; back to min %s s; load client %.0f%% of a core" % (r["back_to_min_s"], 100 * r["client_cpu"]))
            else:
                f = r["figures"]
                log("    p50 %s ms, p99 %s ms, goodput %s/s, 503s %d (%d with Retry-After), other %d, limit %s" % (
                    f["p50_ms"], f["p99_ms"], f["goodput_rps"], f["refused_503"], f["refused_with_retry_after"],
                    f["other_non_200"], f["limit_median"]) + "; load client %.0f%% of a core" % (100 * r["client_cpu"]))
        except Exception as ex:   # one server failing must not lose the rest of the run
            log("    FAILED: %s: %s" % (type(ex).__name__, ex))
        done_est += est
        save(mode, exp, rounds[exp])
    log("capacity %s done in %.1f min" % (mode, (time.time() - t0) / 60))
    return time.time() - t0


def save(mode, exp, rounds):
    p = MODES[mode]
    summary = summarise(exp, rounds)
    rec = dict(experiment=exp, mode=mode, command="bash bench/capacity.sh %s" % mode, rounds_planned=p["rounds"],
               route=STEP_ROUTE if exp == "step" else DB_ROUTE,
               params=dict(phases=p["step"], steady_after_s=p["steady_after"], jit_warm_s=[p["warm_s"], p["warm_max_s"]]) if exp == "step" else
               dict(clients=DB_CLIENTS, warm_s=p["db_warm_s"], window_s=p["db_secs"], jit_warm_s=[p["warm_s"], p["warm_max_s"]]),
               servers=[dict(id=s, label=l, args=a) for s, l, a in SERVERS[exp]],
               finished_utc=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
               commit=subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
               summary=summary, targets=targets(exp, summary), rounds=rounds)
    with open(os.path.join(out_dir(mode), exp + ".json"), "w") as f:
        json.dump(rec, f, indent=1)


# ---------------------------------------------------------------------------------------------- report
def _load():
    """(mode, {exp: record}) from full results, else quick, else (None, {})."""
    for mode in ("full", "quick"):
        recs = {}
        for exp in ("step", "db"):
            path = os.path.join(out_dir(mode), exp + ".json")
            if os.path.exists(path):
                recs[exp] = json.load(open(path))
        if recs:
            return mode, recs
    return None, {}


def _cell(summary, sid, key, nd=0):
    s = (summary.get(sid) or {}).get(key)
    if not s:
        return "–"
    fmt = lambda v: ("%." + str(nd) + "f") % v   # noqa: E731
    if s["n"] < 2 or s["min"] == s["max"]:
        return fmt(s["median"])
    return "%s (%s–%s)" % (fmt(s["median"]), fmt(s["min"]), fmt(s["max"]))


def verdict_row(t, mode):
    t = list(t)
    if mode != "full":
        t[-1] += " (quick run: not a finding)"
    return t


def _table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    return "\n".join(out + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows])


def _plot(name, title, ylabel, series, mode, steps=False, marks=(), ymax="*"):
    """A line per server over time; series: [(label, [(t, value)])]. Returns the markdown or ''."""
    series = [(l, pts) for l, pts in series if any(v is not None for _, v in pts)]
    if not series:
        return ""
    data = os.path.join(out_dir(mode), "plotdata")
    os.makedirs(data, exist_ok=True)
    os.makedirs(IMG, exist_ok=True)
    plots = []
    for i, (label, pts) in enumerate(series):
        dat = os.path.join(data, "%s-%d.dat" % (name, i))
        with open(dat, "w") as f:
            f.write("".join("%s %s\n" % (t, "NaN" if v is None else v) for t, v in pts))
        plots.append('"%s" using 1:2 with %s lw 2 title "%s"' % (dat, "steps" if steps else "lines", label))
    png = "%s-%s.png" % (name, mode)
    # marks: (second, label) drawn as dashed vertical lines, e.g. where a phase starts
    arrows = "".join('set arrow from %s, graph 0 to %s, graph 1 nohead dt 2 lc rgb "gray40"; '
                     'set label "%s" at %s, graph 0.97 offset 0.5,0 font ",8"; ' % (t, t, l, t) for t, l in marks)
    script = ('set terminal pngcairo size 1000,380 font ",9"; set output "%s"; set title "%s"; set xlabel "seconds"; '
              'set ylabel "%s"; set yrange [0:%s]; set grid; set key outside right top; %splot %s'
              % (os.path.join(IMG, png), title, ylabel, ymax, arrows, ", ".join(plots)))
    try:
        subprocess.run(["gnuplot"], input=script + "\n", text=True, check=True, capture_output=True, timeout=60)
    except Exception as e:
        print("capacity.py: gnuplot failed: %s" % e)
        return ""
    return "![%s](img/%s)\n" % (title, png)


def _num(v):
    return ("%d" % v) if float(v).is_integer() else ("%.1f" % v)


def section(portable=lambda s: s):
    """The "Capacity that follows load" section of docs/benchmarks.md, from bench/results/capacity/."""
    md = ["## Capacity that follows load\n"]
    w = md.append
    mode, recs = _load()
    if not recs:
        w("**Not run**: no results under `bench/results/capacity/` (`bash bench/capacity.sh full`).\n")
        return "\n".join(md)
    if mode == "quick":
        w("**Not run in full mode.** These numbers are from `bash bench/capacity.sh quick` (one short round): they "
          "only show that the script works and must not be quoted.\n")
    w("`bash bench/capacity.sh %s` (`bench/lib/capacity.py`): each server on CPU 0, a Python load of keep-alive "
      "`http.client` clients on CPU 1, each client looping requests (one answered 503 pauses 100 ms); "
      "`/actuator/workers` read every 250 ms. Cells: median over the rounds (min–max), servers alternating.\n" % mode)
    step, db = recs.get("step"), recs.get("db")
    if step:
        w("### Workers that follow a step in load\n")
        ph = step["params"]["phases"]
        w("`thread` class, 1 worker of 4 threads, `server.max-workers=16`, `%s`; clients %s (%s s). **fixed**: "
          "no autoscaling; **autoscaled**: `server.autoscale.enabled=true` at its defaults. Latency and req/s of "
          "the 200s sent in each phase; resizes: in the steady part of a phase (after its first %s s); back at "
          "minimum: seconds from the drop to the last phase until the workers were back at the minimum and stayed. "
          "%d round(s).\n" % (step["route"], " → ".join(str(c) for _, c, _ in ph), " / ".join(str(s) for _, _, s in ph),
                              step["params"]["steady_after_s"], max(len([r for r in step["rounds"] if r["server"] == "fixed"]), 1)))
        rows = []
        sm = step["summary"]
        for s in step["servers"]:
            if s["id"] not in sm:
                continue
            for i, (name, clients, _) in enumerate(ph):
                rows.append(["`%s`" % s["id"] if i == 0 else "", "%s (%d clients)" % (name, clients),
                             _cell(sm, s["id"], "%d:p50_ms" % i), _cell(sm, s["id"], "%d:p99_ms" % i),
                             _cell(sm, s["id"], "%d:goodput_rps" % i, 1), _cell(sm, s["id"], "%d:refused_503" % i),
                             _cell(sm, s["id"], "%d:workers_max" % i), _cell(sm, s["id"], "%d:resizes_steady" % i),
                             _cell(sm, s["id"], "back_to_min_s", 1) if i == len(ph) - 1 else ""])
        w(_table(["server", "phase", "p50 ms", "p99 ms", "req/s", "503s", "workers max", "resizes while steady",
                  "back at minimum, s"], rows))
        w("")
        w(_table(["target", "measured (autoscaled)", "verdict"], [verdict_row(t, mode) for t in step["targets"]]))
        w("")
        firsts = [next((r for r in step["rounds"] if r["server"] == s["id"]), None) for s in step["servers"]]
        firsts = [r for r in firsts if r]
        marks = [(p["start_s"], "%d clients" % p["clients"]) for p in firsts[0]["phases"]] if firsts else []
        w(_plot("capacity-step-workers", "Workers over time (round 1)", "workers",
                [(r["server"], [(x["t"], x["workers"]) for x in r["timeline"]]) for r in firsts], mode, steps=True, marks=marks,
                ymax=17))   # the ceiling, server.max-workers=16
        w(_plot("capacity-step-p99", "p99 latency per second (round 1)", "p99 ms",
                [(r["server"], [(x["t"], x["p99_ms"]) for x in r["timeline"]]) for r in firsts], mode, marks=marks))
        absent = sorted({r["server"] for r in step["rounds"] if r["server"] != "fixed" and not r.get("autoscale_seen")})
        if absent:
            w("`/actuator/workers` showed no `autoscale` object for %s: %s without an autoscaler.\n"
              % (", ".join("`%s`" % a for a in absent), "it ran" if len(absent) == 1 else "they ran"))
    if db:
        w("### A concurrency limit in front of a pool of 10 connections\n")
        pr = db["params"]
        w("`virtual` class, `%s` (one of 10 pooled connections held 20 ms: at most 500 replies per second), %d clients; "
          "figures over %s s, after a warm-up of %s s under the same load. **fixed**: no limit; **gradient**, **vegas**: "
          "`server.concurrency-limit.algorithm`. Goodput: 200s per second.\n" % (db["route"], pr["clients"], pr["window_s"], pr["warm_s"]))
        sm = db["summary"]
        rows = []
        for s in db["servers"]:
            if s["id"] not in sm:
                continue
            what, verdict, values = refusal_verdict(db["rounds"], s["id"])
            rows.append(["`%s`" % s["id"], _cell(sm, s["id"], "p50_ms"), _cell(sm, s["id"], "p99_ms"),
                         _cell(sm, s["id"], "goodput_rps", 1), _cell(sm, s["id"], "refused_503"),
                         _cell(sm, s["id"], "refused_with_retry_after"),
                         ", ".join("%s: %d" % kv for kv in sorted(values.items())) or "–",
                         _cell(sm, s["id"], "other_non_200"), _cell(sm, s["id"], "limit_median")])
        w(_table(["server", "p50 ms", "p99 ms", "goodput/s", "503s", "503s with Retry-After", "Retry-After values (all rounds)",
                  "other non-200", "limit (median)"], rows))
        w("")
        tg = [list(t) for t in db["targets"]]
        for s in db["servers"]:
            if s["id"] != "fixed" and s["id"] in sm:
                what, verdict, _ = refusal_verdict(db["rounds"], s["id"])
                tg.append(["`%s`: %s" % (s["id"], TARGETS_TEXT["db"][2]), what, verdict])
        w(_table(["target", "measured", "verdict"], [verdict_row(t, mode) for t in tg]))
        w("")
        firsts = [next((r for r in db["rounds"] if r["server"] == s["id"]), None) for s in db["servers"]]
        firsts = [r for r in firsts if r]
        marks = [(pr["warm_s"], "window")]
        w(_plot("capacity-db-goodput", "Goodput per second (round 1)", "200s per second",
                [(r["server"], [(x["t"], x["ok"]) for x in r["timeline"]]) for r in firsts], mode, marks=marks))
        w(_plot("capacity-db-p99", "p99 latency of 200s per second (round 1)", "p99 ms",
                [(r["server"], [(x["t"], x["p99_ms"]) for x in r["timeline"]]) for r in firsts], mode, marks=marks))
        w(_plot("capacity-db-limit", "Concurrency limit over time (round 1)", "limit.current",
                [(r["server"], [(x["t"], x["limit"]) for x in r["timeline"]]) for r in firsts], mode, steps=True, marks=marks))
        # Where the limit moved, over every round and sample, from the workers endpoint's limit.current.
        for s in db["servers"]:
            seen = [x["limit"] for r in db["rounds"] if r["server"] == s["id"] for x in r["timeline"]
                    if x.get("limit") is not None]
            if s["id"] != "fixed" and seen:
                low, high = min(seen), max(seen)
                w("`%s`: limit.current from %s to %s over all rounds%s.\n" % (s["id"], _num(low), _num(high),
                  " (it never moved: the gain is the limit's admission and a line as long as it, not its adaptation)"
                  if low == high else ""))
        absent = sorted({r["server"] for r in db["rounds"] if r["server"] != "fixed" and not r.get("limit_seen")})
        if absent:
            w("`/actuator/workers` showed no `limit` for %s: %s without a concurrency limit.\n"
              % (", ".join("`%s`" % a for a in absent), "it ran" if len(absent) == 1 else "they ran"))
    busy_load = ["%s `%s` round %d: %.0f%%" % (exp, r["server"], r["round"], 100 * r["client_cpu"])
                 for exp in ("step", "db") for r in (recs.get(exp) or {}).get("rounds", []) if (r.get("client_cpu") or 0) > 0.8]
    if busy_load:
        w("**The load client used over 80%% of its core** in %s: there the client, not the server, may have set "
          "the pace.\n" % "; ".join(busy_load))
    cmds = []
    for exp in ("step", "db"):
        for r in (recs.get(exp) or {}).get("rounds", []):
            if r["round"] == 1:
                cmds.append("- %s `%s`: `%s`" % (exp, r["server"], portable(r["command"])))
    if cmds:
        w("Server commands (round 1; the port is a free port of that run):\n\n" + "\n".join(cmds) + "\n")
    notes = os.path.join(RES, "notes.md")
    if os.path.exists(notes):
        # Dated findings written by hand beside the JSON: A/Bs of code that did not stay.
        w(open(notes).read().strip() + "\n")
    return "\n".join(md)


def main():
    args = sys.argv[1:]
    dry = "--plan" in args
    args = [a for a in args if a != "--plan"]
    if not args or args[0] not in MODES or any(a not in SERVERS for a in args[1:]):
        sys.exit("usage: capacity.py quick|full [--plan] [step] [db]")
    mode, exps = args[0], args[1:] or ["step", "db"]
    if dry:
        for exp, rnd, sid, label, a, est in plan(mode, exps):
            print("  %-4s round %d  %-10s ~%3.0f s  %s" % (exp, rnd, sid, est, " ".join(a)))
        return
    if not os.path.exists(JAR):
        sys.exit("capacity.py: %s missing (bench/capacity.sh builds and copies it)" % os.path.relpath(JAR, ROOT))
    # The load and the poller on CPU 1; the servers get CPU 0 from taskset.
    try:
        os.sched_setaffinity(0, {1})
    except (AttributeError, OSError) as e:
        log("could not pin the load to CPU 1: %s" % e)
    sys.setswitchinterval(0.001)   # 200 client threads: hand the GIL on sooner, so replies are read sooner
    run(mode, exps)


if __name__ == "__main__":
    main()
