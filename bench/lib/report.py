#!/usr/bin/env python3
"""Regenerates docs/benchmarks.md (and PNG plots under docs/img/) from bench/results/<mode>/**.json,
and one commands file per run (bench/results/<run>/commands.md) with the exact commands measured.

Every figure in the page is read from a JSON file that bench/lib/bench.py or bench/lib/cost.py
wrote; nothing is typed in by hand. For each experiment the full-mode results are used; where an
experiment has no full results, the quick-mode ones are shown, marked as such (tiny durations:
they prove the scripts work and are not measurements to quote).

The page is for a reader: tables, plots and readings. The commands go to the commands files, with
the measuring machine's paths made relative to the repository, so that neither the page nor the
commands name folders of the machine they ran on.
"""
import glob
import gzip
import json
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RES = os.path.join(ROOT, "bench/results")
IMG = os.path.join(ROOT, "docs/img")
DOC = os.path.join(ROOT, "docs/benchmarks.md")
PLOTDATA = os.path.join(RES, "plotdata")   # gnuplot's input, next to the results it comes from

ORDER = ["workerclass-sync", "workerclass-thread", "workerclass-virtual", "workerclass-reactive",
         "workerclass-reactive-undertow",
         "workerclass-reactive-nowarm", "workerclass-reactive-async", "workerclass-virtual-xmx512m", "workerclass-thread-xmx512m",
         "plain-tomcat", "plain-virtual", "plain-webflux",
         "gunicorn-sync", "gunicorn-gthread", "gunicorn-gevent", "gunicorn-eventlet"]
SAME_MODEL = {"workerclass-thread": "plain-tomcat", "workerclass-virtual": "plain-virtual",
              "workerclass-reactive": "plain-webflux"}
# Server ids that the legend sentence does not explain on its own.
LEGEND = {
    "workerclass-reactive-undertow": "`reactive` with `--server.engine=undertow`",
    "workerclass-reactive-nowarm": "`reactive` on a fresh server, no warm-up",
    "workerclass-reactive-async": "`reactive` on `/test-async` (a non-blocking delay)",
    "workerclass-virtual-xmx512m": "`virtual` with `-Xmx512m`",
    "workerclass-thread-xmx512m": "`thread` with `-Xmx512m`",
}
# Short column names for the owners of JFR samples (bench.py's names are long).
OWNER_SHORT = {"workerclass (the starter)": "starter", "Micrometer (actuator observation)": "Micrometer",
               "JDK only (no caller above it: thread scheduling, I/O polling)": "JDK only",
               "Reactor / Reactor Netty": "Reactor", "the app's handlers": "app"}
EXPERIMENTS = {1: "One worker, a 200 ms handler, 20 clients", 2: "`/todos` at 1 and 100 concurrent",
               3: "`/static` at 100 to 10,000 connections", 4: "`/cpu` at 10 concurrent",
               5: "Resident memory with 10,000 requests in flight", 6: "The starter's own cost per request (JMH)",
               7: "Where the server's time goes (JFR)"}


def load(mode, exp):
    recs = []
    for f in sorted(glob.glob(os.path.join(RES, mode, "exp%s" % exp, "*.json"))):
        if os.path.basename(f).startswith("run") or os.path.basename(f) == "jmh-raw.json":
            continue
        j = json.load(open(f))
        j["_file"] = os.path.relpath(f, ROOT)
        recs.append(j)
    return recs


def pick(exp):
    """(mode, records): full if any, else quick, else (None, [])."""
    for mode in ("full", "quick"):
        r = load(mode, exp)
        if r:
            return mode, r
    return None, []


def by(recs, sid, tool=None, tag=None):
    for r in recs:
        if r.get("server", {}).get("id") == sid and (tool is None or r["tool"] == tool) and \
                (tag is None or r["tag"] == tag):
            return r
    return None


def servers(recs):
    ids = {r["server"]["id"]: r["server"] for r in recs if "server" in r}
    return [ids[i] for i in ORDER if i in ids] + [v for k, v in ids.items() if k not in ORDER]


def f(x, nd=1):
    if x is None:
        return "–"
    if isinstance(x, float):
        return ("%." + str(nd) + "f") % x
    return str(x)


def sid(s):
    return "`%s`" % s["id"]


def live_cell(nmt):
    live, busy = nmt.get("live_heap_kb"), nmt.get("live_heap_busy")
    if not live:
        return "–"
    per = "; %s" % f(live / busy, 0) if busy else ""
    return "%s (%s%s)" % (f(live / 1024, 0), f(busy), per)


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


TALLY = {"checked": 0, "held": 0}   # the counters read after each load, over the page


def leaks(recs, note=""):
    """The starter's own counters read from /actuator/workers half a second after each load ended:
    with no load left, busy and queued must be 0. Lists every measurement where they were not."""
    bad = []
    for r in recs:
        wa = r.get("workers_after")
        if not isinstance(wa, dict):
            continue
        if "error" in wa:
            bad.append("- `%s`, %s %s: `/actuator/workers` did not answer after the load (%s)" % (
                r["server"]["id"], r["tool"], r["tag"], wa["error"]))
        elif wa.get("busy") or wa.get("queued"):
            bad.append("- `%s`, %s %s: busy %s of %s, queued %s, completed %s, timed out %s" % (
                r["server"]["id"], r["tool"], r["tag"], wa.get("busy"), wa.get("capacity"), wa.get("queued"),
                wa.get("completed"), wa.get("timedOut")))
    checked = sum(1 for r in recs if isinstance(r.get("workers_after"), dict))
    TALLY["checked"] += checked
    TALLY["held"] += len(bad)
    killed = ["- `%s`, %s %s: still running at its time limit, stopped by bench.py's watchdog after %s s; "
              "no summary, so its cells are empty" % (r["server"]["id"], r["tool"], r["tag"], r["wall_s"])
              for r in recs if r.get("watchdog_killed")]
    out = ("**Stopped by the watchdog:**\n\n%s\n\n" % "\n".join(killed)) if killed else ""
    if not checked:
        return out
    if not bad:
        return out
    meaning = note or (": with no request running, a held slot was never given back; once all are held, every new "
                       "request waits until `server.timeout` and gets 503")
    return out + ("**Slots still held 0.5 s after the load** (%d of %d measurements)%s.\n\n%s\n" % (
        len(bad), checked, meaning, "\n".join(bad)))


# Absolute paths as the measuring machine wrote them, made relative to the repository.
JDK_JAVA = re.compile(r"/usr/lib/jvm/[^/\s'\"]+/bin/java")
SHARED = re.compile(r"(?<![\w.}/-])(?:/[\w.+-]+)+/shared/")
IN_REPO = re.compile(r"(?<![\w.}/-])(?:/[\w.+-]+)+/(?=(?:demo-app|real-app|bench|autoconfigure|starter)/)")
TEMP = re.compile(r"(?<![\w.}-])/tmp/[^\s`'\"]+")
LEAKS = re.compile(r"(?<![\w.}-])/(?:tmp|usr|home|root|opt|var|work|srv|mnt)/")


def portable(text):
    """A command as a reader can run it from the repository's root: `java` for the JDK's binary,
    `../shared/` for the folder beside the checkout, paths inside the checkout relative to it
    (whichever checkout measured it) and `<temp file>` for per-run temporary files."""
    text = JDK_JAVA.sub("java", text or "")
    text = SHARED.sub("../shared/", text)
    text = IN_REPO.sub("", text)
    return TEMP.sub("<temp file>", text)


def anchor(exp):
    return "experiment-%s" % exp


def commands_link(mode, exp, n):
    return "[Commands](../bench/results/%s/commands.md#%s) (%d measurement%s).\n" % (
        mode, anchor(exp), n, "" if n == 1 else "s")


def commands_file(mode):
    """bench/results/<mode>/commands.md: every command of every experiment of that run."""
    parts = ["# Commands of the `%s` run\n" % mode,
             "Written by `bench/lib/report.py` from the JSON files beside it; run from the repository's root. "
             "`java` is the JDK that `bench/run.sh` uses (`BENCH_JAVA`), `../shared/peers/` the gunicorn peers "
             "beside the checkout, `<temp file>` a temporary file of that run. Each line is a server and the "
             "load run against it; ports are the free ports each server got. Java servers got a wrk warm-up on "
             "the route first (not recorded); for the gunicorn peers, `peers.sh` starts the server shown itself.\n"]
    found = False
    for exp in sorted(EXPERIMENTS):
        recs = load(mode, exp)
        if not recs:
            continue
        found = True
        parts.append("## Experiment %s\n\n%s\n" % (exp, EXPERIMENTS[exp]))
        lines = []
        for r in recs:
            s = r.get("server")
            if s:
                lines.append("- `%s`: `%s`  \n  load: `%s`" % (s.get("id"), portable(s.get("command") or ""),
                                                             portable(r["load_command"])))
            else:
                lines.append("- `%s`" % portable(r["load_command"]))
        parts.append("\n".join(lines) + "\n")
    if found:
        write(os.path.join(RES, mode, "commands.md"), "\n".join(parts))


def cost_commands(files):
    """bench/results/cost/commands.md: the cost.py line of each comparison and what it runs per side."""
    parts = ["# Commands of the cost comparisons\n",
             "`bench/cost.sh [rounds] [comparison...]` runs these; written by `bench/lib/report.py` from the JSON "
             "files beside it, from the repository's root. Each side's server is `taskset -c 0 java ARGS "
             "--server.port=PORT --server.address=127.0.0.1` (PORT a free port), warmed up with `taskset -c 1 "
             "wrk -t1 -cCONNS -dWARMs URL` until the JIT settles, then measured with `taskset -c 1 hey -z SECSs "
             "-c CONNS -q RATE/CONNS URL`.\n"]
    for name, r in files.items():
        opts = "--rounds %s --rate %s --conns %s --secs %s --warm %s" % (r["rounds"], r["rate"], r["conns"],
                                                                       r["secs"], r["warm"])
        if "settle" in r:
            opts += " --settle %s" % r["settle"]
        if "pause" in r:
            opts += " --pause %s" % r["pause"]
        sides = " \\\n    ".join("'%s: %s'" % (side, portable(x["args"])) for side, x in r["sides"].items())
        parts.append("## %s\n\nMeasured %s.\n\n```sh\npython3 bench/lib/cost.py %s --out bench/results/cost/%s.json %s \\\n    %s\n```\n"
                     % (name, r["date"], opts, name, r["path"], sides))
    write(os.path.join(RES, "cost", "commands.md"), "\n".join(parts))


def banner(mode, exp):
    if mode is None:
        return "**Not run**: no results under `bench/results/*/exp%s/`.\n" % exp
    if mode == "quick":
        return ("**Not run in full mode.** These numbers are from `bench/run.sh quick` (1–6 s, one server per "
                "family): they only show that the scripts work and must not be quoted.\n")
    return ""


def gnuplot(script):
    try:
        subprocess.run(["gnuplot"], input=script + "\n", text=True, check=True, capture_output=True, timeout=60)
        return True
    except Exception as e:
        print("report.py: gnuplot failed: %s" % e)
        return False


def tool_cpu(r):
    """CPU seconds (user + sys) of the load tool alone; unknown for peer records written before
    bench.py took them from peers.sh's own `time` line (the rusage of peers.sh includes gunicorn)."""
    c = r.get("load_tool_cpu_s")
    if not c or (r.get("server", {}).get("family") == "gunicorn" and "peers_sh_tree_cpu_s" not in r):
        return None
    return round(c["user"] + c["sys"], 2)


def pct(a, b):
    return 100.0 * (a - b) / b if a is not None and b else None


COST_TARGETS = {
    # comparison: [(side, over side, at most, what)]
    "todos-virtual": [("virtual", "plain-virtual", 1.00, "`/todos` under `virtual` vs plain Boot on virtual threads"),
                      ("virtual", "virtual-no-diagnostics", 1.02, "diagnostics on vs off under `virtual`")],
    "todos-default": [("no-class", "plain-default", 1.03, "no class set vs plain Boot on its defaults")],
    "owners-virtual": [("virtual", "plain-virtual", 1.03, "the real app's `/owners` page under `virtual` vs plain Boot on virtual threads")],
    "owners-diagnostics": [("virtual", "virtual-no-diagnostics", 1.02, "the real app's `/owners` page, diagnostics on vs off under `virtual`")],
}


def jit(side):
    """The compilers' median share of a core in the window, for results that recorded it."""
    shares = side.get("jit_share")
    return "%.1f%%" % (100 * statistics.median(shares)) if shares else "–"


def group(side, name):
    value = side.get("groups_ms_per_s", {}).get(name)
    return "%.2f" % value if value is not None else "–"


def cost_section(w):
    """Server CPU per request at a fixed rate (bench/cost.sh), the figure that holds on this machine."""
    w("## Cost per request against plain Spring Boot\n")
    files = {os.path.basename(p)[:-5]: json.load(open(p)) for p in sorted(glob.glob(os.path.join(RES, "cost", "*.json")))}
    if not files:
        w("**Not run**: no results under `bench/results/cost/` (`bench/cost.sh`).\n")
        return
    ordered = {name: files[name] for name in list(COST_TARGETS) + sorted(set(files) - set(COST_TARGETS)) if name in files}
    cost_commands(ordered)
    w("`bench/cost.sh` ([commands](../bench/results/cost/commands.md), method in `bench/lib/cost.py`): each "
      "server starts fresh on CPU 0, warms up under wrk until the JIT compilers use under 2% of a core, then "
      "gets a fixed rate from `hey -q` on CPU 1. Cost: the CPU time of its threads, JIT compilers excluded "
      "(`/proc/PID/task/*/schedstat`), per request answered; medians of the rounds (min–max), sides alternating. "
      "JIT: the compilers' share of a core; starter, JFR: CPU per second of the `workerclass-*` threads and of "
      "JFR's (started by the `virtual` diagnostics). \"plain\" is the same jar with the starter's "
      "auto-configurations excluded.\n")
    rows, verdicts, plot = [], [], []
    for name, r in ordered.items():
        first = True
        for side, x in r["sides"].items():
            label = "%s (%s, %d req/s, %d rounds, %s)" % (name, r["path"], r["rate"], r["rounds"], r["date"]) if first else ""
            first = False
            rows.append([label, side, "%.1f (%.1f–%.1f)" % (x["cpu_us"], x["cpu_min"], x["cpu_max"]), str(x["rps"]),
                         str(x["errors"]), jit(x), group(x, "starter"), group(x, "jfr"),
                         "`java %s`" % portable(x["args"])])
            plot.append(("%s\\n%s" % (name, side), x["cpu_us"], x["cpu_min"], x["cpu_max"]))
        for side, over, limit, what in COST_TARGETS.get(name, []):
            if side in r["sides"] and over in r["sides"]:
                a, b = r["sides"][side], r["sides"][over]
                ratio = a["cpu_us"] / b["cpu_us"]
                verdict = "met" if ratio <= limit else "missed"
                if a["cpu_min"] <= b["cpu_max"] and b["cpu_min"] <= a["cpu_max"]:
                    # Overlapping rounds: the medians' order is not a finding on this machine.
                    verdict += " by the medians; the rounds overlap, so not distinguishable"
                verdicts.append([what, "≤ %.2f×" % limit, "%.3f×" % ratio, verdict])
    w(table(["comparison", "side", "CPU µs per request, median (min–max)", "req/s", "errors", "JIT",
             "starter ms/s", "JFR ms/s", "command"], rows))
    fixed = [name for name, r in ordered.items() if "settle" not in r]
    if fixed:
        w("\n%s: measured with a fixed 30 s warm-up (JIT not recorded) and a `virtual` probe that woke its "
          "virtual thread 20 times a second whatever the load; the probe now wakes it only when no carrier is "
          "free.\n" % ", ".join(fixed))
    early = [name for name, r in ordered.items() if "settle" in r and "pause" not in r]
    if early:
        # Runs of cost.py before it paused between warm-up and window.
        w("\n%s: measured 1 s after a saturating warm-up. The `virtual` diagnostics see saturation as carrier "
          "lag and sample native methods until 5 s after it ends, so part of the JFR column is that tail, not "
          "the steady state; cost.py now pauses 12 s first.\n" % ", ".join(early))
    if verdicts:
        w("")
        w(table(["target", "at most", "measured (medians)", "verdict"], verdicts))
    dat = os.path.join(PLOTDATA, "cost.dat")
    write(dat, "".join('"%s" %s %s %s\n' % p for p in plot))
    png = os.path.join(IMG, "bench-cost.png")
    if gnuplot('set terminal pngcairo size 1100,450 font ",9"; set output "%s"; set style fill solid 0.6; '
               'set boxwidth 0.6; set ylabel "server CPU µs per request (median, min-max)"; set yrange [0:*]; '
               'set xtics rotate by -30; unset key; '
               'plot "%s" using 0:2:xtic(1) with boxes, "" using 0:2:3:4 with yerrorbars lc rgb "black" pt 0'
               % (png, dat)):
        w("\n![server CPU per request](img/bench-cost.png)\n")
    w("")


def write(path, text):
    with open(path, "w") as out:
        out.write(text)


def machine_line(machine):
    mode, m = machine
    java = re.sub(r"^openjdk version \"([^\"]+)\".*?Environment ([^ ]+).*", r"\1 (\2)", m.get("java") or "")
    gunicorn = re.sub(r".*version ([\d.]+).*", r"\1", m.get("gunicorn") or "")
    wrk = re.sub(r"^wrk (debian/)?|\s*\[.*", "", m.get("wrk") or "")
    ab = re.sub(r".*Version ([\d.]+).*", r"\1", m.get("ab") or "")
    siege = (m.get("siege") or "").replace("SIEGE ", "")
    return ("**Machine** (`%s` run, %s, commit `%s`): %s × %s, %.1f GiB, %s; JDK %s; wrk %s, ab %s, siege %s, "
            "hey %s; gunicorn %s on %s, gevent %s, eventlet %s; `ulimit -n` %s; load average %s at start.\n" % (
                mode, m.get("date_utc"), m.get("git_commit"), m.get("nproc"), m.get("cpu"),
                m.get("mem_total_kb", 0) / 1048576, m.get("os"), java, wrk, ab, siege, m.get("hey"),
                gunicorn, m.get("python"), m.get("gevent"), m.get("eventlet"), m.get("ulimit_n"),
                ", ".join("%.2f" % x for x in m.get("loadavg", [])[:1])))


def legend(shown):
    extra = ["`%s` is %s" % (i, LEGEND[i]) for i in shown if i in LEGEND]
    return ("**Servers.** `workerclass-CLASS`: the demo jar with `--server.worker-class=CLASS`%s. `plain-*`: "
            "`bench/plain-app`, Spring Boot without the starter, with the demo's routes and actuator, on Tomcat's "
            "platform or virtual threads or on WebFlux. `gunicorn-K`: `-k K` on `../shared/peers/peer_app.py`. Java "
            "servers run with `--enable-native-access=ALL-UNNAMED` only, warmed up with wrk first.\n"
            % ("; " + "; ".join(extra) if extra else ""))


def metric(recs, server_id, tool, tag=None, key="rps"):
    return ((by(recs, server_id, tool, tag) or {}).get("metrics") or {}).get(key)


def main():
    os.makedirs(IMG, exist_ok=True)
    os.makedirs(PLOTDATA, exist_ok=True)
    md = []

    w = md.append

    def w_opt(text):
        if text:
            md.append(text)
    machine = None
    for mode in ("full", "quick"):
        p = os.path.join(RES, mode, "machine.json")
        if os.path.exists(p):
            machine = (mode, json.load(open(p)))
            break
    for mode in ("full", "quick"):
        commands_file(mode)
    w("# Benchmarks\n")
    w("Generated by `bench/lib/report.py` from `bench/results/`; do not edit by hand. `bench/cost.sh` measures "
      "the first section, `bench/run.sh full` experiments 1 to 7; each section links its exact commands. "
      "**Every number comes from 2 cores shared by server, load tool and at times other work** "
      "(`loadavg_before` in each JSON).\n")
    cost_section(w)
    w("## Suite\n")
    w("@@PREAMBLE@@")
    summary = []   # (target, verdict)
    w("@@SUMMARY@@")
    shown = []     # server ids in the tables, for the legend

    def seen(recs):
        for s in servers(recs):
            if s["id"] not in shown:
                shown.append(s["id"])

    # ---------------------------------------------------------------- experiment 1
    mode, recs = pick(1)
    w("## 1. %s\n" % EXPERIMENTS[1])
    w_opt(banner(mode, 1))
    if recs:
        seen(recs)
        w("`/test` sleeps 200 ms. Our classes with `--server.workers=1`, plain Boot at its defaults, gunicorn "
          "`-w 1` (gthread `-t 4`). One request at a time allows 5 req/s, 20 clients 100. hey sends 200 "
          "requests (the rates), siege 20 (errors count both).\n")
        rows = []
        for s in servers(recs):
            errs = [x for x in (metric(recs, s["id"], "siege", key="errors"), metric(recs, s["id"], "hey", key="errors"))
                    if x is not None]
            rows.append([sid(s), f(metric(recs, s["id"], "hey")), f(metric(recs, s["id"], "hey", key="p99_ms")),
                         f(sum(errs)) if errs else "–"])
        w(table(["server", "req/s", "p99 ms", "errors"], rows))
        w("")
        pts = [(s["label"], metric(recs, s["id"], "hey")) for s in servers(recs)]
        pts = [(l, v) for l, v in pts if v is not None]
        if pts:
            dat = os.path.join(PLOTDATA, "exp1.dat")
            write(dat, "".join('"%s" %s\n' % (l.replace(" (", "\\n("), v) for l, v in pts))
            png = "bench-exp1-%s.png" % mode
            if gnuplot('set terminal pngcairo size 1000,450 font ",9"; set output "%s"; set style fill solid 0.6; '
                       'set boxwidth 0.7; set ylabel "req/s (hey)"; set yrange [0:115]; set key top left; set xtics rotate by -30; '
                       'set grid ytics; set title "/test (200 ms), 1 worker, 20 concurrent clients"; '
                       'plot "%s" using 0:2:xtic(1) with boxes notitle, 100 title "ceiling 100 req/s" lw 2' %
                       (os.path.join(IMG, png), dat)):
                w("![experiment 1](img/%s)\n" % png)
        sync, virt = metric(recs, "workerclass-sync", "hey"), metric(recs, "workerclass-virtual", "hey")
        rates = {s["id"]: metric(recs, s["id"], "hey") for s in servers(recs)}
        ceiling = ["`%s`" % i for i, v in rates.items() if v is not None and v >= 95]
        serial = ["`%s`" % i for i, v in rates.items() if v is not None and v <= 5.5]
        read = []
        if ceiling:
            read.append("at the ceiling: " + ", ".join(ceiling))
        if serial:
            read.append("one request at a time: " + ", ".join(serial))
        pwf = metric(recs, "plain-webflux", "hey")
        if pwf is not None:
            read.append("plain WebFlux (%s req/s) sleeps on its event loops, as nothing offloads it" % f(pwf))
        rfr = by(recs, "workerclass-reactive", "hey") or {}
        if rfr and (rfr.get("watchdog_killed") or (rfr.get("metrics") or {}).get("rps") is None):
            read.append("`reactive` answered nothing after its warm-up: see the slots still held")
        nw = metric(recs, "workerclass-reactive-nowarm", "hey")
        if nw is not None:
            read.append("`reactive` with no warm-up: %s req/s" % f(nw))
        read = ["; ".join(read)[:1].upper() + "; ".join(read)[1:]] if read else ["nothing to compare"]
        w("**Reading.** " + "; ".join(read) + ".\n")
        if mode == "full":
            if sync is not None:
                summary.append(("1: `sync` ~5 req/s", "%s — %s" % (f(sync, 2), "met" if 4.5 <= sync <= 5.5 else "off")))
            if virt is not None:
                summary.append(("1: `virtual` ≥ 95 req/s", "%s — %s" % (
                    f(virt), "met" if virt >= 95 else "missed by %.1f req/s" % (95 - virt))))
        w_opt(leaks(recs))
        w(commands_link(mode, 1, len(recs)))

    # ---------------------------------------------------------------- experiment 2
    mode, recs = pick(2)
    w("## 2. %s\n" % EXPERIMENTS[2])
    w_opt(banner(mode, 2))
    if recs:
        seen(recs)
        w("Every server at its defaults (`sync` 5 workers), gunicorn `-w 5` (gthread `-t 4`). wrk keeps "
          "connections alive, ab opens one per request. Errors: all four runs.\n")
        rows = []
        for s in servers(recs):
            errs = [metric(recs, s["id"], t, g, "errors") for t, g in (("wrk", "c1"), ("wrk", "c100"), ("ab", "c1"), ("ab", "c100"))]
            errs = [x for x in errs if x is not None]
            rows.append([sid(s), f(metric(recs, s["id"], "wrk", "c1")), f(metric(recs, s["id"], "wrk", "c100")),
                         "%s/%s" % (f(metric(recs, s["id"], "wrk", "c100", "p50_ms"), 2),
                                    f(metric(recs, s["id"], "wrk", "c100", "p99_ms"), 2)),
                         f(metric(recs, s["id"], "ab", "c1")), f(metric(recs, s["id"], "ab", "c100")),
                         f(sum(errs)) if errs else "–"])
        w(table(["server", "wrk c1 req/s", "wrk c100 req/s", "c100 p50/p99 ms", "ab c1 req/s", "ab c100 req/s",
                 "errors"], rows))
        w("")

        def rps(server_id):
            return metric(recs, server_id, "wrk", "c100")
        ours = {s["id"]: rps(s["id"]) for s in servers(recs) if s["family"] == "workerclass" and rps(s["id"])}
        guns = {s["id"]: rps(s["id"]) for s in servers(recs) if s["family"] == "gunicorn" and rps(s["id"])}
        if ours and guns and mode == "full":
            bo, bg = max(ours, key=ours.get), max(guns, key=guns.get)
            ratio = ours[bo] / guns[bg]
            summary.append(("2: best class ≥ 6× gunicorn's best", "%.2f× (`%s` vs `%s`) — %s" % (
                ratio, bo, bg, "met" if ratio >= 6 else "missed")))
        for o, p in SAME_MODEL.items():
            a, b = rps(o), rps(p)
            if a and b and mode == "full":
                d = pct(a, b)
                summary.append(("2: `%s` within 3%% of `%s`" % (o, p), "%+.1f%% — %s" % (
                    d, "met" if d >= -3 else "missed by %.1f points" % (-3 - d))))
        ru, rn = rps("workerclass-reactive-undertow"), rps("workerclass-reactive")
        undertow = " Under `reactive`, Undertow is %.0f%% %s Netty." % (
            abs(pct(ru, rn)), "behind" if ru < rn else "ahead of") if ru and rn else ""
        w("**Reading.** `thread` and `reactive` trail plain Boot by a hand-off per request, kernel wake-ups rather "
          "than the starter's Java code (experiment 7). Under `thread` the handler runs on a platform worker while "
          "the container's virtual thread waits, so waiting holds no platform thread and `server.timeout` answers "
          "on time; under `reactive` `/todos` returns a plain value and runs on the offload pool, where plain "
          "WebFlux runs it on the loop (fast here, fatal for a handler that blocks: experiment 1).%s\n" % undertow)
        w_opt(leaks(recs))
        w(commands_link(mode, 2, len(recs)))

    # ---------------------------------------------------------------- experiment 3
    mode, recs = pick(3)
    w("## 3. %s\n" % EXPERIMENTS[3])
    w_opt(banner(mode, 3))
    if recs:
        seen(recs)
        levels = sorted({int(r["tag"][1:]) for r in recs})
        w("`wrk -t2 -cN -d10s --timeout 2s` per level. Defaults, but `virtual` and `reactive` with "
          "`--server.worker-connections=10000` (gevent, eventlet `-c 10000`). Cells: 2xx req/s (p99 ms); the plot "
          "has every level (%s). Failed: later than 2 s, socket errors, 503s. `drops`: connections dropped from a full accept queue "
          "(`TcpExtListenOverflows`); the client retries after 1 s, then 3 s.\n" % ", ".join(format(n, ",") for n in levels))
        shown_levels = sorted({levels[0], levels[-1]})
        rows = []
        for s in servers(recs):
            cells, failed, drops = [], [], []
            for n in levels:
                r = by(recs, s["id"], "wrk", "c%d" % n)
                if not r:
                    continue
                m = r["metrics"]
                failed.append(sum(m.get(k) or 0 for k in ("err_timeout", "err_connect", "err_read", "err_write", "err_status")))
                if r.get("listen_overflows") is not None:
                    drops.append(r["listen_overflows"])
                if n in shown_levels:
                    ok = (m["requests"] - m["err_status"]) / m["duration_s"] if m.get("duration_s") else None
                    cells.append("%s (%s)" % (f(ok, 0), f(m.get("p99_ms"), 0)))
            rows.append([sid(s)] + cells + ["/".join(str(x) for x in failed), f(sum(drops)) if drops else "–"])
        w(table(["server"] + ["c%d" % n for n in shown_levels] + ["failed per level", "drops"], rows))
        w("")
        dat = os.path.join(PLOTDATA, "exp3.dat")
        blocks, titles = [], []
        for s in servers(recs):
            pts = [(n, by(recs, s["id"], "wrk", "c%d" % n)) for n in levels]
            pts = [(n, r["metrics"]["rps"]) for n, r in pts if r]
            if pts:
                blocks.append("\n".join("%d %s" % p for p in pts))
                titles.append(s["label"])
        write(dat, "\n\n\n".join(blocks) + "\n")
        png = "bench-exp3-%s.png" % mode

        def dt(t):   # workerclass solid, plain Boot dashed, gunicorn dotted
            return 1 if t.startswith("workerclass") else (2 if t.startswith("plain") else 3)
        plots = ", ".join('"%s" index %d using 1:2 with linespoints lw 2 dt %d lc %d title "%s"' % (
            dat, i, dt(t), i + 1, t.replace('"', '')) for i, t in enumerate(titles))
        if blocks and gnuplot('set terminal pngcairo size 1100,650 font ",9"; set output "%s"; set logscale x; '
                              'set xlabel "concurrent connections (wrk -cN)"; set ylabel "req/s (all replies, 503 included)"; '
                              'set yrange [0:*]; set key below maxrows 4; set grid; set title "/static: requests/s against connections"; '
                              'plot %s' % (os.path.join(IMG, png), plots)):
            w("![experiment 3](img/%s)\n" % png)
        for sv in ("workerclass-virtual", "workerclass-reactive"):
            lo, hi = by(recs, sv, "wrk", "c100"), by(recs, sv, "wrk", "c10000")
            if lo and hi and mode == "full":
                m = hi["metrics"]
                ratio = m["rps"] / lo["metrics"]["rps"] if lo["metrics"]["rps"] else 0
                summary.append(("3: `%s` at 10,000: no errors, replies < 2 s; ≥ 80%% of its c100 rate" % sv,
                                "%d errors (%d late), p99 %s ms, %s; %.0f%%, %s" % (
                                    m["errors"], m["err_timeout"], f(m["p99_ms"], 0), "met" if m["errors"] == 0 else "missed",
                                    100 * ratio, "met" if ratio >= 0.8 else "missed")))
        w("**Reading.** The 503s are `sync`'s and `thread`'s full line; the plot counts them. At thousands of "
          "connections wrk needs much of the 2 cores. Late replies come from CPU and the accept queue: Tomcat's "
          "own `acceptCount` of 100 overflows when 10,000 connections open at once (an A/B at commit 4963b23: "
          "29,147 drops, 1,293 with 2048), hence the starter's `server.backlog` default of 2048.\n")
        w_opt(leaks(recs))
        w(commands_link(mode, 3, len(recs)))

    # ---------------------------------------------------------------- experiment 4
    mode, recs = pick(4)
    w("## 4. %s\n" % EXPERIMENTS[4])
    w_opt(banner(mode, 4))
    if recs:
        seen(recs)
        w("SHA-256 chained 20× over 64 KiB per request; `wrk -t2 -c10 -d10s`; sizes as in experiment 2.\n")
        rows = []
        for s in servers(recs):
            r = by(recs, s["id"], "wrk", "c10")
            if r:
                m = r["metrics"]
                rows.append([sid(s), f(m.get("rps")), f(m.get("p99_ms"), 1), f(m.get("errors")), f(r.get("server_cpu_s"))])
        w(table(["server", "req/s", "p99 ms", "errors", "server CPU s"], rows))
        w("\n**Reading.** No class computes faster than 2 cores (20 CPU s in 10 s); the rest is the hashing "
          "(OpenSSL under CPython's `hashlib`, Java's `MessageDigest`) and scheduling.\n")
        w_opt(leaks(recs))
        w(commands_link(mode, 4, len(recs)))

    # ---------------------------------------------------------------- experiment 5
    mode, recs = pick(5)
    w("## 5. %s\n" % EXPERIMENTS[5])
    w_opt(banner(mode, 5))
    if recs:
        seen(recs)
        w("`wrk -t2 -c10000 --timeout 5s` on `/test?ms=1000` (reactive: `/test-async`), sized for 10,000 "
          "(`--server.worker-connections`, `--server.threads`). VmRSS every 0.5 s; `busy` during the load; "
          "Native Memory Tracking (committed) at 75% of the run, then the live heap after a full GC.\n")
        rows = []
        for s in servers(recs):
            r = by(recs, s["id"], "wrk", "c10000")
            if not r:
                continue
            nm = (r.get("nmt") or {}).get("committed_kb", {})
            m = r["metrics"]
            rows.append([sid(s), f(r.get("rss_idle_kb", 0) / 1024, 0),
                         f((r.get("rss_max_kb") or 0) / 1024, 0), f(r.get("busy_max")), f(r.get("threads_max")),
                         f(nm.get("Java Heap", 0) / 1024, 0) if nm else "–", f(nm.get("Thread", 0) / 1024, 0) if nm else "–",
                         live_cell(r.get("nmt") or {}), f(m.get("rps")), f(m.get("errors"))])
        w(table(["server", "RSS idle MiB", "RSS max MiB", "busy max", "threads max", "NMT heap MiB",
                 "NMT thread MiB", "live heap MiB (busy; KiB each)", "req/s", "errors"], rows))
        w("")
        dat = os.path.join(PLOTDATA, "exp5.dat")
        blocks, titles = [], []
        for s in servers(recs):
            r = by(recs, s["id"], "wrk", "c10000")
            if r and r.get("rss_samples"):
                blocks.append("\n".join("%s %s" % (x["t"], x["rss_kb"] / 1024) for x in r["rss_samples"] if x["rss_kb"]))
                titles.append(s["label"] + (" -Xmx512m" if "xmx" in s["id"] else ""))
        if blocks:
            write(dat, "\n\n\n".join(blocks) + "\n")
            png = "bench-exp5-%s.png" % mode
            plots = ", ".join('"%s" index %d using 1:2 with lines lw 2 title "%s"' % (dat, i, t) for i, t in enumerate(titles))
            if gnuplot('set terminal pngcairo size 1000,450 font ",9"; set output "%s"; set xlabel "s since load start"; '
                       'set ylabel "VmRSS MiB"; set yrange [0:*]; set grid; set key outside right; '
                       'set title "Resident size with wrk -c10000 on a 1 s sleep"; plot %s' % (os.path.join(IMG, png), plots)):
                w("![experiment 5](img/%s)\n" % png)
        v, t = by(recs, "workerclass-virtual", "wrk", "c10000"), by(recs, "workerclass-thread", "wrk", "c10000")
        read = []
        if v and t and v.get("rss_max_kb") and t.get("rss_max_kb") and mode == "full":
            ratio = v["rss_max_kb"] / t["rss_max_kb"]
            summary.append(("5: `virtual` RSS ≤ ¼ of `thread`'s", "%.2f× — %s" % (
                ratio, "met" if ratio <= 0.25 else "missed (%.1f× the allowed size)" % (ratio / 0.25))))
        vx, tx = by(recs, "workerclass-virtual-xmx512m", "wrk", "c10000"), by(recs, "workerclass-thread-xmx512m", "wrk", "c10000")
        if vx and tx and vx.get("rss_max_kb") and tx.get("rss_max_kb"):
            read.append("with -Xmx512m for both, %.2f×" % (vx["rss_max_kb"] / tx["rss_max_kb"]))
        ooms = []
        for sv in servers(recs):
            for lp in glob.glob(os.path.join(RES, mode, "logs", sv["id"] + "-[0-9]*.log*")):
                opener = gzip.open if lp.endswith(".gz") else open
                if "OutOfMemoryError" in opener(lp, "rt", errors="replace").read():
                    ooms.append("`%s` (`%s`)" % (sv["id"], os.path.relpath(lp, ROOT)))
        if ooms:
            read.append("the log shows `OutOfMemoryError` for " + ", ".join(ooms) + ": failed runs, not footprints")
        if v and t:
            vn, tn = v.get("nmt") or {}, t.get("nmt") or {}
            if vn.get("live_heap_kb") and vn.get("live_heap_busy"):
                per_req = vn["live_heap_kb"] / vn["live_heap_busy"]
                stack_kb, threads_then = (tn.get("committed_kb") or {}).get("Thread"), t.get("threads_max")
                if threads_then and stack_kb:
                    per_thread = stack_kb / threads_then
                    read.append("under `virtual` a request in flight holds about %.0f KiB of heap (Tomcat's buffers, "
                                "the parked thread's stack), a platform thread %.0f KiB of stack more, so `virtual` "
                                "can at best be %.2f× `thread`" % (per_req, per_thread, per_req / (per_req + per_thread)))
        ra = by(recs, "workerclass-reactive-async", "wrk", "c10000")
        rn = (ra or {}).get("nmt") or {}
        if rn.get("live_heap_kb") and rn.get("live_heap_busy"):
            read.append("on Netty about %.0f KiB" % (
                rn["live_heap_kb"] / rn["live_heap_busy"]))
        w("**Reading.** " + ("; ".join(read)[:1].upper() + "; ".join(read)[1:] + ". " if read else "") + "G1 grows the heap with the allocation rate, "
          "so the heap, not the stacks, decides the resident size.\n")
        w_opt(leaks(recs, note=": the handlers sleep 1 s and wrk stops with requests queued, so this is expected"))
        w(commands_link(mode, 5, len(recs)))

    # ---------------------------------------------------------------- experiment 6
    mode, recs = pick(6)
    w("## 6. %s\n" % EXPERIMENTS[6])
    w_opt(banner(mode, 6))
    if recs:
        j = recs[0]
        x0 = j["results"][0] if j["results"] else {}
        w("`bench/jmh`, one thread, no HTTP, %s forks × %s iterations. `direct` calls the handler, "
          "`slotsAcquireRelease` takes and releases a slot, `virtualServe` serves inline, `threadServe` hands off "
          "to a pool thread and back; `timeout` 30s arms a deadline per request, 0s none; ± is JMH's 99.9%% error.\n" % (x0.get("forks"), x0.get("measurement")))
        res = {(x["benchmark"], x["params"].get("timeout")): x for x in j["results"]}
        timeouts = sorted({t for _, t in res}, key=lambda t: (t == "0s", t))
        rows = []
        for b in sorted({b for b, _ in res}, key=lambda b: (b != "direct", b)):
            rows.append([b] + ["%s ± %s" % (f(res[(b, t)]["score_ns"], 1), f(res[(b, t)]["error_ns"], 1))
                               if (b, t) in res else "–" for t in timeouts])
        w(table(["benchmark"] + ["ns/op, timeout %s" % t for t in timeouts], rows))
        w("")
        d = res.get(("direct", "30s"))
        for b in ("virtualServe", "threadServe"):
            cells = []
            for t in ("30s", "0s"):
                x = res.get((b, t))
                if x and d and mode == "full":
                    over = x["score_ns"] - d["score_ns"]
                    cells.append("%s: %.0f ± %s ns, %s" % (t, over, f(x["error_ns"], 0),
                                                          "met" if over < 1000 else "missed (%.1f×)" % (over / 1000)))
            if cells:
                summary.append(("6: `%s` adds < 1 µs to `direct`" % b, "; ".join(cells)))
        w("**Reading.** `threadServe`'s cost is the wake-up of a parked pool thread and back, what `thread` and "
          "`sync` add to the container's executor.\n")
        w(commands_link(mode, 6, len(recs)))

    # ---------------------------------------------------------------- experiment 7
    mode, recs = pick(7)
    w("## 7. %s\n" % EXPERIMENTS[7])
    w_opt(banner(mode, 7))
    recs = [x for x in recs if x.get("profile")]
    if recs:
        seen(recs)
        w("Experiment 2's Java servers under `wrk -t2 -c100 -d10s /todos`, recorded by JFR (`settings=profile`). "
          "A sample belongs to its first frame that is not the JDK's; \"JDK only\": none (scheduling, polling); "
          "Micrometer includes actuator's observation. "
          "Kernel time is not sampled; req/s includes JFR's overhead.\n")
        owner_names = []
        for x in recs:
            for o, _ in sorted(x["profile"]["owners"].items(), key=lambda kv: -kv[1]):
                if o not in owner_names:
                    owner_names.append(o)
        rows = []
        for sv in servers(recs):
            x = by(recs, sv["id"], "wrk", "c100-jfr")
            pr = x["profile"]
            n = pr["samples"] or 1
            rows.append([sid(sv), f(x["metrics"].get("rps"), 0)] +
                        ["%.1f%%" % (100.0 * pr["owners"].get(o, 0) / n) for o in owner_names])
        w(table(["server", "req/s"] + [OWNER_SHORT.get(o, o) for o in owner_names], rows))
        tops = []
        for sv in servers(recs):
            x = by(recs, sv["id"], "wrk", "c100-jfr")
            if sv["id"].startswith("workerclass") and x["profile"]["starter_methods"]:
                k = x["profile"]["starter_methods"][0][0]
                tops.append("`%s` in `%s`" % (k.rsplit(".", 2)[-2] + "." + k.rsplit(".", 1)[-1], sv["id"]))
        w("\n**Reading.** Most sampled in the starter: %s. Its larger cost is not Java code: under `thread` and "
          "`sync` each request goes to a parked platform worker and back, two kernel wake-ups (experiment 6), the "
          "price of the guarantees described in experiment 2.\n" % (", ".join(tops) or "none"))
        w(commands_link(mode, 7, len(recs)))

    # ---------------------------------------------------------------- preamble and summary
    pre = [machine_line(machine)] if machine else []
    pre.append(legend(shown))
    if TALLY["checked"]:
        pre.append("After each load `busy` and `queued` were back to 0 in %d of %d measurements%s.\n" % (TALLY["checked"] - TALLY["held"], TALLY["checked"],
                                         " (the others are listed)" if TALLY["held"] else ""))
    md[md.index("@@PREAMBLE@@")] = "\n".join(pre)
    sm = ["### Targets\n", "The suite's goals, judged from the full-mode JSON.\n"]
    sm.append(table(["target", "measured"], summary) if summary else "No full-mode results yet.")
    sm.append("")
    md[md.index("@@SUMMARY@@")] = "\n".join(sm)
    text = "\n".join(md) + "\n"
    for old in glob.glob(os.path.join(IMG, "bench-exp*.png")):   # plots of a mode no longer shown
        if "img/" + os.path.basename(old) not in text:
            os.remove(old)
    write(DOC, text)
    check_portable([DOC] + glob.glob(os.path.join(RES, "*", "commands.md")))


def check_portable(paths):
    """Fails if a written page still names a folder of the machine (a path the rewrite above missed)."""
    bad = []
    for p in paths:
        for n, line in enumerate(open(p), 1):
            if LEAKS.search(line) or os.path.dirname(ROOT) + "/" in line:
                bad.append("%s:%d: %s" % (os.path.relpath(p, ROOT), n, line.strip()[:160]))
    if bad:
        sys.exit("report.py: absolute paths of the machine left in the output:\n" + "\n".join(bad[:20]))


if __name__ == "__main__":
    main()
