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
import json
import os
import re
import statistics
import subprocess
import sys

import capacity   # bench/lib/capacity.py: the "Capacity that follows load" section
import scale_out  # bench/lib/scale_out.py: the "Scale-out behind nginx" section

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RES = os.path.join(ROOT, "bench/results")
IMG = os.path.join(ROOT, "docs/img")
DOC = os.path.join(ROOT, "docs/benchmarks.md")
PLOTDATA = os.path.join(RES, "plotdata")   # gnuplot's input, next to the results it comes from

ORDER = ["workerclass-sync", "workerclass-thread", "workerclass-virtual", "workerclass-reactive",
         "workerclass-reactive-undertow", "workerclass-reactive-auto",
         "workerclass-reactive-nowarm", "workerclass-reactive-async", "workerclass-virtual-xmx512m", "workerclass-thread-xmx512m",
         "plain-tomcat", "plain-virtual", "plain-webflux",
         "gunicorn-sync", "gunicorn-gthread", "gunicorn-gevent", "gunicorn-eventlet"]
SAME_MODEL = {"workerclass-thread": "plain-tomcat", "workerclass-virtual": "plain-virtual",
              "workerclass-reactive": "plain-webflux"}
# Server ids that the legend sentence does not explain on its own.
LEGEND = {
    "workerclass-reactive-undertow": "`reactive` with `--server.engine=undertow`",
    "workerclass-reactive-auto": "`reactive` with `--server.offload=auto`",
    "workerclass-reactive-nowarm": "`reactive` on a fresh server, no warm-up",
    "workerclass-reactive-async": "`reactive` on `/test-async` (a non-blocking delay)",
    "workerclass-virtual-xmx512m": "`virtual` with `-Xmx512m`",
    "workerclass-thread-xmx512m": "`thread` with `-Xmx512m`",
}
# Short column names for the owners of JFR samples (bench.py's names are long).
OWNER_SHORT = {"workerclass (the starter)": "starter", "Micrometer (actuator observation)": "Micrometer",
               "JDK only (no caller above it: thread scheduling, I/O polling)": "JDK only",
               "Reactor / Reactor Netty": "Reactor", "the app's handlers": "app"}
EXPERIMENTS = {1: "One worker, a 200 ms handler, 20 clients", 2: "`/todos`: cost per request, and saturated at 1 and 100 connections",
               3: "`/static`: cost per request, and up to 10,000 connections", 4: "`/cpu` at 10 concurrent",
               5: "Resident memory with 10,000 requests in flight", 6: "The starter's own cost per request (JMH)",
               7: "Where the server's time goes (JFR)"}


def load(mode, exp):
    recs = []
    for f in sorted(glob.glob(os.path.join(RES, mode, "exp%s" % exp, "*.json"))):
        if os.path.basename(f).startswith("run") or os.path.basename(f) in ("jmh-raw.json", "machine.json"):
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


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


TALLY = {"checked": 0, "held": 0, "early": 0}   # the counters read after each load, over the page


def leaks(recs, note=""):
    """The starter's own counters read from /actuator/workers after each load ended: with no load
    left, busy and queued must be 0. Lists every measurement where they were not."""
    bad, early, checked = [], [], 0
    for r in recs:
        for x in r.get("rounds") or [r]:
            wa = x.get("workers_after")
            if not isinstance(wa, dict):
                continue
            checked += 1
            where = "- `%s`, %s %s, round %s" % (r["server"]["id"], r["tool"], r["tag"], x.get("round", 1))
            if "error" in wa:
                bad.append("%s: `/actuator/workers` did not answer after the load (%s)" % (where, wa["error"]))
            elif wa.get("busy") or wa.get("queued"):
                line = "%s: busy %s of %s, queued %s, completed %s, timed out %s" % (
                    where, wa.get("busy"), wa.get("capacity"), wa.get("queued"), wa.get("completed"), wa.get("timedOut"))
                if x.get("drained_s") is not None:
                    bad.append("%s (%s s after the load)" % (line, x["drained_s"]))
                elif r["tool"] == "wrk":
                    # Read 0.5 s after wrk stopped, before bench.py waited for the requests wrk left
                    # in flight: the server may still have been running them.
                    early.append(line)
                else:
                    bad.append(line)
    TALLY["checked"] += checked
    TALLY["held"] += len(bad)
    TALLY["early"] += len(early)
    killed = ["- `%s`, %s %s: a round still running at its time limit, stopped by bench.py's watchdog; "
              "no summary for that round" % (r["server"]["id"], r["tool"], r["tag"])
              for r in recs if r.get("watchdog_killed")]
    out = ("**Stopped by the watchdog:**\n\n%s\n\n" % "\n".join(killed)) if killed else ""
    if early:
        out += ("**Still running 0.5 s after wrk stopped** (%d of %d measurements): wrk stops with requests in "
                "flight and the server still runs the queued ones; these rounds were read before the suite "
                "waited for them, so they do not show whether a slot was held.\n\n%s\n\n" % (
                    len(early), checked, "\n".join(early)))
    if not checked or not bad:
        return out
    meaning = note or (": with no request running, a held slot was never given back; once all are held, every new "
                       "request waits until `server.timeout` and gets 503")
    return out + ("**Slots still held after the load** (%d of %d measurements; read 0.5 s after hey and siege, "
                  "which end with every reply in, and up to wrk's timeout plus 5 s after wrk, which stops with "
                  "requests in flight)%s.\n\n%s\n" % (len(bad), checked, meaning, "\n".join(bad)))


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


def heap_per_connection(recs, top=("[B", "[C", "jdk.internal.vm.StackChunk", "org.apache.tomcat.util.buf.ByteChunk",
                                      "org.apache.tomcat.util.buf.CharChunk", "java.nio.HeapByteBuffer")):
    """Per server, KiB per open connection of the histogram's classes in `top` (round 1's histogram)."""
    out = []
    for r in recs:
        if r.get("tag") != "c10000" or not r.get("rounds"):
            continue
        x = r["rounds"][0]
        conns = x["metrics"].get("live_heap_conns")
        histo = (x.get("nmt") or {}).get("histogram_top", "")
        if not conns or not histo:
            continue
        sizes = {}
        for line in histo.splitlines():
            parts = line.split()
            if len(parts) >= 4 and parts[0].endswith(":"):
                sizes[parts[3]] = int(parts[2])
        out.append((sid(r["server"]), [(c, sizes.get(c, 0) / conns / 1024) for c in top]))
    return out


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
        if r.get("interleave"):
            opts += " --interleave %s" % r["interleave"]
        sides = " \\\n    ".join("'%s: %s'" % (side, portable(x["args"])) for side, x in r["sides"].items())
        parts.append("## %s\n\nMeasured %s.\n\n```sh\npython3 bench/lib/cost.py %s --out bench/results/cost/%s.json %s \\\n    %s\n```\n"
                     % (name, r["date"], opts, name, r["path"], sides))
    write(os.path.join(RES, "cost", "commands.md"), "\n".join(parts))


def suite_table(results, unit, order):
    """One JMH suite's benchmarks as a table of score ± JMH's error, in `order`."""
    return table(["benchmark", unit], [[x["benchmark"], "%s ± %s" % (f(x["score_ns"], 1), f(x["error_ns"], 1))]
                                       for x in sorted(results, key=order)])


def banner(mode, exp):
    if mode is None:
        return "**Not run**: no results under `bench/results/*/exp%s/`.\n" % exp
    if mode == "quick":
        return ("**Not run in full mode.** These numbers are from `bench/run.sh quick` (short windows, 2 rounds, one server per "
                "family): they only show that the scripts work and must not be quoted.\n")
    # An experiment run on its own (bench/run.sh full N) is not from the run the machine line describes.
    own = os.path.join(RES, mode, "exp%s" % exp, "machine.json")
    whole = os.path.join(RES, mode, "machine.json")
    if os.path.exists(own):
        m = json.load(open(own))
        if not os.path.exists(whole) or json.load(open(whole)).get("date_utc") != m.get("date_utc"):
            return ("**Run on its own**: `bench/run.sh %s %s` on %s, commit `%s`, load average %s at start; the machine "
                    "line above is the last run of every experiment.\n" % (
                        mode, exp, m.get("date_utc"), m.get("git_commit"),
                        ", ".join("%.2f" % x for x in m.get("loadavg", [])[:1])))
    return ""


def gnuplot(script):
    try:
        subprocess.run(["gnuplot"], input=script + "\n", text=True, check=True, capture_output=True, timeout=60)
        return True
    except Exception as e:
        print("report.py: gnuplot failed: %s" % e)
        return False


COST_TARGETS = {
    # comparison: [(side, over side, at most, what)]
    "todos-virtual": [("virtual", "plain-virtual", 1.00, "`/todos` under `virtual` vs plain Boot on virtual threads"),
                      ("virtual", "virtual-no-diagnostics", 1.02, "diagnostics on vs off under `virtual`")],
    "todos-virtual-10": [("virtual", "plain-virtual", 1.00, "`/todos` under `virtual` vs plain Boot on virtual threads, 10 rounds")],
    "todos-default": [("no-class", "plain-default", 1.03, "no class set vs plain Boot on its defaults")],
    "owners-virtual": [("virtual", "plain-virtual", 1.03, "the real app's `/owners` page under `virtual` vs plain Boot on virtual threads")],
    "owners-diagnostics": [("virtual", "virtual-no-diagnostics", 1.02, "the real app's `/owners` page, diagnostics on vs off under `virtual`")],
    "todos-workload-classes": [("thread-workload-on", "thread-workload-off", 1.01, "the workload measurement under `thread`"),
                               ("reactive-workload-on", "reactive-workload-off", 1.01, "the workload measurement under `reactive`")],
    "todos-reactive": [("reactive-auto", "plain-reactive", 1.00,
                        "`/todos` under `reactive` with `server.offload=auto` vs plain WebFlux (which runs it on the loop)")],
}


def round_ratios(a, b):
    """Side a over side b round by round, for interleaved runs (their rounds ran in the same minutes)."""
    return [x / y for x, y in zip(a["cpu_runs"], b["cpu_runs"])]


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
      "auto-configurations excluded. Comparisons run \"interleaved\" start every side at once (all on CPU 0), "
      "warm each, then measure each side's windows in turn, alternating; a round's figure for a side is the "
      "median of its windows, and a target's figure the median of the rounds' own ratios. A side named "
      "`*-again` runs the first side's command a second time: its ratio is the method's own error.\n")
    rows, verdicts, plot = [], [], []
    for name, r in ordered.items():
        first = True
        for side, x in r["sides"].items():
            how = "%d rounds of %d interleaved windows" % (r["rounds"], r["interleave"]) if r.get("interleave") \
                else "%d rounds" % r["rounds"]
            label = "%s (%s, %d req/s, %s, %s)" % (name, r["path"], r["rate"], how, r["date"]) if first else ""
            first = False
            rows.append([label, side, "%.1f (%.1f–%.1f)" % (x["cpu_us"], x["cpu_min"], x["cpu_max"]), str(x["rps"]),
                         str(x["errors"]), jit(x), group(x, "starter"), group(x, "jfr"),
                         "`java %s`" % portable(x["args"])])
            plot.append(("%s\\n%s" % (name, side), x["cpu_us"], x["cpu_min"], x["cpu_max"]))
        for side, over, limit, what in COST_TARGETS.get(name, []):
            if side in r["sides"] and over in r["sides"]:
                a, b = r["sides"][side], r["sides"][over]
                if r.get("interleave"):
                    # Sides of one round ran in the same processes' lifetimes, minutes apart at most:
                    # the figure is the median of the rounds' own ratios.
                    ratios = round_ratios(a, b)
                    ratio = statistics.median(ratios)
                    verdict = "met" if ratio <= limit else "missed"
                    verdict += " (rounds %.3f–%.3f%s)" % (min(ratios), max(ratios),
                                                          ", straddling the target" if min(ratios) <= limit < max(ratios) else "")
                    verdicts.append([what, "≤ %.2f×" % limit, "%.3f×" % ratio, verdict])
                    continue
                ratio = a["cpu_us"] / b["cpu_us"]
                verdict = "met" if ratio <= limit else "missed"
                if a["cpu_min"] <= b["cpu_max"] and b["cpu_min"] <= a["cpu_max"]:
                    # Overlapping rounds: the medians' order is not a finding on this machine.
                    verdict += " by the medians; the rounds overlap, so not distinguishable"
                verdicts.append([what, "≤ %.2f×" % limit, "%.3f×" % ratio, verdict])
        first_side = next(iter(r["sides"].values()))
        for side, x in r["sides"].items():
            if side.endswith("-again") and r.get("interleave"):
                # The first side's command run twice in the same rounds: what the method cannot tell apart.
                ratios = round_ratios(x, first_side)
                verdicts.append(["%s: `%s` over the same command (the method's own error)" % (name, side), "–",
                                 "%.3f×" % statistics.median(ratios), "rounds %.3f–%.3f" % (min(ratios), max(ratios))])
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
    notes = os.path.join(RES, "cost", "notes.md")
    if os.path.exists(notes):
        # Dated findings written by hand beside the JSON: attributions and A/Bs the table cannot show.
        w("")
        w(open(notes).read().strip() + "\n")
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
    perf = (m.get("perf") or "–").replace("perf version ", "")
    siege = (m.get("siege") or "").replace("SIEGE ", "")
    return ("**Machine** (`%s` run, %s, commit `%s`): %s × %s, %.1f GiB, %s; JDK %s; wrk %s, perf %s, siege %s, "
            "hey %s; gunicorn %s on %s, gevent %s, eventlet %s; `ulimit -n` %s; load average %s at start.\n" % (
                mode, m.get("date_utc"), m.get("git_commit"), m.get("nproc"), m.get("cpu"),
                m.get("mem_total_kb", 0) / 1048576, m.get("os"), java, wrk, perf, siege, m.get("hey"),
                gunicorn, m.get("python"), m.get("gevent"), m.get("eventlet"), m.get("ulimit_n"),
                ", ".join("%.2f" % x for x in m.get("loadavg", [])[:1])))


def legend(shown):
    extra = ["`%s` is %s" % (i, LEGEND[i]) for i in shown if i in LEGEND]
    return ("**Servers.** `workerclass-CLASS`: the demo jar with `--server.worker-class=CLASS`%s. `plain-*`: "
            "`bench/plain-app`, Spring Boot without the starter, with the demo's routes and actuator, on Tomcat's "
            "platform or virtual threads or on WebFlux. `gunicorn-K`: `-k K` on `../shared/peers/peer_app.py`. Every "
            "server runs on CPU 0 (gunicorn's master and workers too), every load tool on CPU 1; Java servers with "
            "`--enable-native-access=ALL-UNNAMED` only, warmed up with wrk until the JIT settles. On one CPU the JVM "
            "sizes itself as in a one-CPU container: Serial GC, one carrier thread for virtual threads; "
            "gunicorn's 5 workers share the same core.\n"
            % ("; " + "; ".join(extra) if extra else ""))


def cell(rec, key, nd=1, scale=1.0):
    """'median (min–max)' of a metric over the rounds; a † when its rounds spread over 10%."""
    if not rec or (rec.get("metrics") or {}).get(key) is None:
        return "–"
    m, lo, hi = rec["metrics"][key] * scale, rec["metrics_min"][key] * scale, rec["metrics_max"][key] * scale
    dagger = "†" if key in (rec.get("flagged") or []) else ""
    if len(rec.get("rounds", [])) < 2 or lo == hi:
        return f(m, nd) + dagger
    return "%s (%s–%s)%s" % (f(m, nd), f(lo, nd), f(hi, nd), dagger)


def med(rec, key):
    return ((rec or {}).get("metrics") or {}).get(key)


def overlap(a, b, key):
    return a["metrics_min"][key] <= b["metrics_max"][key] and b["metrics_min"][key] <= a["metrics_max"][key]


def judged(ratio, ok, a, b, key):
    verdict = "met" if ok else "missed"
    if a and b and len(a.get("rounds", [])) > 1 and overlap(a, b, key):
        verdict += " (rounds overlap)"
    return verdict


def rounds_note(recs):
    n = sorted({len(r.get("rounds", [])) for r in recs if r.get("rounds")})
    flagged = sum(1 for r in recs if r.get("flagged"))
    return ("Cells: median of %s rounds (min–max), servers alternating; † marks a cell whose rounds differ by "
            "more than 10%% of the median (%d of %d measurements here).\n" % ("/".join(map(str, n)) or "?", flagged, len(recs)))


def bars_png(name, title, ylabel, pts, ref=None):
    """A bar per server: the median, the min–max as an error bar. pts: [(label, median, min, max)]."""
    pts = [p for p in pts if p[1] is not None]
    if not pts:
        return None
    dat = os.path.join(PLOTDATA, name + ".dat")
    write(dat, "".join('"%s" %s %s %s\n' % (l.replace(" (", "\\n("), m, lo, hi) for l, m, lo, hi in pts))
    png = name + ".png"
    extra = ', %s title "%s" lw 2' % ref if ref else ""
    ok = gnuplot('set terminal pngcairo size 1100,460 font ",9"; set output "%s"; set style fill solid 0.6; '
                 'set boxwidth 0.7; set ylabel "%s"; set yrange [0:*]; set xtics rotate by -30; set grid ytics; '
                 'set title "%s"; set key top left; plot "%s" using 0:2:xtic(1) with boxes notitle, '
                 '"" using 0:2:3:4 with yerrorbars lc rgb "black" pt 0 notitle%s'
                 % (os.path.join(IMG, png), ylabel, title, dat, extra))
    return "![%s](img/%s)\n" % (title, png) if ok else None


def pts_of(recs, ids, tool, tag, key, scale=1.0):
    out = []
    for s in ids:
        r = by(recs, s["id"], tool, tag)
        if r and med(r, key) is not None:
            out.append((s["label"], med(r, key) * scale, r["metrics_min"][key] * scale, r["metrics_max"][key] * scale))
    return out


def errors_all_rounds(recs, server_id):
    """Errors of every round of every measurement of one server."""
    return sum((x["metrics"].get("errors") or 0) for r in recs if r["server"]["id"] == server_id
               for x in r.get("rounds", []))


def cost_and_rate_rows(recs, route_tag, sat_tags):
    rows = []
    for s in servers(recs):
        rate = by(recs, s["id"], "hey", route_tag)
        kept = "" if not rate or all(x["metrics"].get("kept_up") for x in rate["rounds"]) else " (fell behind)"
        row = [sid(s), cell(rate, "cpu_us_per_req") + kept, cell(rate, "ctx_per_req", 2)]
        for t in sat_tags:
            row.append(cell(by(recs, s["id"], "wrk", t), "rps", 0))
        sat = by(recs, s["id"], "wrk", sat_tags[-1])
        row += [f(med(sat, "p99_ms"), 2), f(errors_all_rounds(recs, s["id"]))]
        rows.append(row)
    return rows


def lead_targets(recs, tag_rate, tag_sat, route, summary, num):
    """CPU per request ≤ 1.00× and saturated req/s ≥ 1.00× plain Boot with the same model."""
    for o, p in SAME_MODEL.items():
        a, b = by(recs, o, "hey", tag_rate), by(recs, p, "hey", tag_rate)
        if med(a, "cpu_us_per_req") and med(b, "cpu_us_per_req"):
            ratio = a["metrics"]["cpu_us_per_req"] / b["metrics"]["cpu_us_per_req"]
            summary.append(("%s: `%s` CPU per request on `%s` ≤ 1.00× `%s`" % (num, o, route, p),
                            "%.2f× — %s" % (ratio, judged(ratio, ratio <= 1.0, a, b, "cpu_us_per_req"))))
        if tag_sat:
            a, b = by(recs, o, "wrk", tag_sat), by(recs, p, "wrk", tag_sat)
            if med(a, "rps") and med(b, "rps"):
                ratio = a["metrics"]["rps"] / b["metrics"]["rps"]
                summary.append(("%s: `%s` saturated req/s on `%s` ≥ 1.00× `%s`" % (num, o, route, p),
                                "%.2f× — %s" % (ratio, judged(ratio, ratio >= 1.0, a, b, "rps"))))


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
      "the first section, `bench/run.sh full` experiments 1 to 7, `bench/capacity.sh full` the capacity section, `bench/scale-out.sh full` the last one; each section links or lists its exact commands. "
      "Every number comes from a machine of 2 shared cores: the server runs on one, the load tool on the "
      "other (`taskset`), each figure is a median of rounds with its spread.\n")
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
        hey_tag = next((r["tag"] for r in recs if r["tool"] == "hey"), None)
        steady = next((r for r in recs if r["tool"] == "wrk"), None)
        w("`/test` sleeps 200 ms. Our classes with `--server.workers=1`, plain Boot at its defaults, gunicorn "
          "`-w 1` (gthread `-t 4`). One request at a time allows 5 req/s, 20 clients 100. hey sends %s "
          "requests at 20 clients (the rates), siege 20 clients once; %s %s" % (
              hey_tag[1:hey_tag.index("c")] if hey_tag else "?",
              ("then wrk keeps 20 clients busy for %.0f s (`%s`): the steady rate, where the first turn's start-up "
               "no longer weighs a fifth." % (steady["rounds"][0]["metrics"].get("duration_s", 0),
                                              portable(steady["load_command"])) if steady else ""),
              rounds_note(recs)))
        rows = []
        for s in servers(recs):
            h = by(recs, s["id"], "hey", hey_tag)
            errs = errors_all_rounds(recs, s["id"])
            row = [sid(s), cell(h, "rps"), cell(h, "p99_ms", 0), cell(by(recs, s["id"], "siege"), "rps")]
            if steady:
                st = by(recs, s["id"], "wrk")
                row += [cell(st, "rps"), cell(st, "p99_ms", 0)]
            rows.append(row + [f(errs)])
        w(table(["server", "req/s (hey)", "p99 ms", "req/s (siege)"] +
                (["req/s (wrk, steady)", "p99 ms (wrk)"] if steady else []) + ["errors, all rounds"], rows))
        w("")
        if steady:
            w_opt(bars_png("bench-exp1-" + mode, "/test (200 ms), 1 worker, 20 clients kept busy (wrk)", "req/s (wrk, steady)",
                           pts_of(recs, servers(recs), "wrk", steady["tag"], "rps"), ref=("100", "ceiling 100 req/s")))
        else:
            w_opt(bars_png("bench-exp1-" + mode, "/test (200 ms), 1 worker, 20 concurrent clients", "req/s (hey)",
                           pts_of(recs, servers(recs), "hey", hey_tag, "rps"), ref=("100", "ceiling 100 req/s")))
        sync, virt = by(recs, "workerclass-sync", "hey", hey_tag), by(recs, "workerclass-virtual", "hey", hey_tag)
        rates = {s["id"]: med(by(recs, s["id"], "hey", hey_tag), "rps") for s in servers(recs)}
        ceiling = ["`%s`" % i for i, v in rates.items() if v is not None and v >= 95]
        serial = ["`%s`" % i for i, v in rates.items() if v is not None and v <= 5.5]
        read = []
        if ceiling:
            read.append("at the ceiling: " + ", ".join(ceiling))
        if serial:
            read.append("one request at a time: " + ", ".join(serial))
        read = "; ".join(read) if read else "nothing to compare"
        w("**Reading.** " + read[:1].upper() + read[1:] + ".\n")
        if mode == "full":
            if med(sync, "rps") is not None:
                summary.append(("1: `sync` ~5 req/s", "%s — %s" % (cell(sync, "rps", 2),
                                                                  "met" if 4.5 <= med(sync, "rps") <= 5.5 else "off")))
            if med(virt, "rps") is not None:
                summary.append(("1: `virtual` ≥ 95 req/s", "%s — %s" % (
                    cell(virt, "rps"), "met" if virt["metrics_min"]["rps"] >= 95 else "missed")))
            # The steady rate where it was measured: hey's 100 requests are 5 turns of the clients,
            # and no JVM server has reached 97 on them (the first turn runs code cold).
            auto = by(recs, "workerclass-reactive-auto", "wrk") or by(recs, "workerclass-reactive-auto", "hey", hey_tag)
            if med(auto, "rps") is not None:
                summary.append(("1: `reactive` with `server.offload=auto`, one event loop, ≥ 97 req/s (%s)" % (
                    "wrk, steady" if auto["tool"] == "wrk" else "hey"), "%s — %s" % (
                    cell(auto, "rps"), "met" if auto["metrics_min"]["rps"] >= 97 else "missed")))
        w_opt(leaks(recs))
        w(commands_link(mode, 1, len(recs)))

    # ---------------------------------------------------------------- experiment 2
    mode, recs = pick(2)
    w("## 2. %s\n" % EXPERIMENTS[2])
    w_opt(banner(mode, 2))
    if recs:
        seen(recs)
        rate = next((r for r in recs if r["tag"] == "rate-c100"), None)
        w("Every server at its defaults (`sync`: 2 × cores + 1 = 3 workers on the one CPU it sees), gunicorn `-w 5` (gthread `-t 4`). **Cost**: server "
          "CPU µs and context switches per request while `hey` offers %s req/s over 100 connections (JIT "
          "compilers left out; \"fell behind\": it answered under 95%% of that). **Saturated**: `wrk -t1` with "
          "1 and 100 connections, kept alive. The seeds' `ab` run, which opened a connection per request, is not repeated. %s" % (f(med(rate, "offered_rps"), 0) if rate else "?", rounds_note(recs)))
        w(table(["server", "CPU µs/request", "context switches/request", "saturated req/s, c1", "saturated req/s, c100",
                 "c100 p99 ms", "errors, all rounds"], cost_and_rate_rows(recs, "rate-c100", ["c1", "c100"])))
        w("")
        w_opt(bars_png("bench-exp2-cost-" + mode, "/todos: server CPU per request at a fixed rate",
                       "CPU µs per request (median, min-max)", pts_of(recs, servers(recs), "hey", "rate-c100", "cpu_us_per_req")))
        w_opt(bars_png("bench-exp2-rps-" + mode, "/todos: saturated requests per second, 100 connections",
                       "req/s (median, min-max)", pts_of(recs, servers(recs), "wrk", "c100", "rps")))
        if mode == "full":
            lead_targets(recs, "rate-c100", "c100", "/todos", summary, 2)
            ours = {s["id"]: med(by(recs, s["id"], "wrk", "c100"), "rps") for s in servers(recs) if s["family"] == "workerclass"}
            guns = {s["id"]: med(by(recs, s["id"], "wrk", "c100"), "rps") for s in servers(recs) if s["family"] == "gunicorn"}
            ours = {k: v for k, v in ours.items() if v}
            guns = {k: v for k, v in guns.items() if v}
            if ours and guns:
                bo, bg = max(ours, key=ours.get), max(guns, key=guns.get)
                ratio = ours[bo] / guns[bg]
                summary.append(("2: best class ≥ 6× gunicorn's best, saturated `/todos`", "%.2f× (`%s` vs `%s`) — %s" % (
                    ratio, bo, bg, "met" if ratio >= 6 else "missed")))
        w_opt(leaks(recs))
        w(commands_link(mode, 2, len(recs)))

    # ---------------------------------------------------------------- experiment 3
    mode, recs = pick(3)
    w("## 3. %s\n" % EXPERIMENTS[3])
    w_opt(banner(mode, 3))
    if recs:
        seen(recs)
        levels = sorted({int(r["tag"][1:]) for r in recs if r["tool"] == "wrk"})
        rate = next((r for r in recs if r["tag"] == "rate-c100"), None)
        w("Defaults, but `virtual` and `reactive` with `--server.worker-connections=10000` (gevent, eventlet "
          "`-c 10000`). Cost as in experiment 2 at %s req/s; then `wrk -t1 -cN --timeout 2s` at %s connections. "
          "Late: replies after 2 s; socket: connect, read and write errors; drops: connections the kernel "
          "dropped from a full accept queue (`TcpExtListenOverflows`, over the whole load). %s" % (
              f(med(rate, "offered_rps"), 0) if rate else "?", ", ".join(format(n, ",") for n in levels), rounds_note(recs)))
        top = "c%d" % levels[-1] if levels else None
        rows = []
        for s in servers(recs):
            r = by(recs, s["id"], "hey", "rate-c100")
            hi = by(recs, s["id"], "wrk", top)
            sock = [sum(x["metrics"].get(k) or 0 for k in ("err_connect", "err_read", "err_write")) for x in (hi or {}).get("rounds", [])]
            rows.append([sid(s), cell(r, "cpu_us_per_req"), cell(r, "ctx_per_req", 2),
                         cell(by(recs, s["id"], "wrk", "c100"), "rps", 0), cell(hi, "rps", 0),
                         "/".join(str(x["metrics"].get("err_timeout")) for x in (hi or {}).get("rounds", [])) or "–",
                         "/".join(map(str, sock)) or "–",
                         "/".join(str(x["metrics"].get("err_status")) for x in (hi or {}).get("rounds", [])) or "–",
                         "/".join(str(x["metrics"].get("listen_overflows")) for x in (hi or {}).get("rounds", [])) or "–"])
        w(table(["server", "CPU µs/request", "context switches/request", "saturated req/s, c100",
                 "req/s, %s" % top, "late, per round", "socket errors, per round", "non-2xx, per round", "drops, per round"], rows))
        w("")
        w_opt(bars_png("bench-exp3-cost-" + mode, "/static: server CPU per request at a fixed rate",
                       "CPU µs per request (median, min-max)", pts_of(recs, servers(recs), "hey", "rate-c100", "cpu_us_per_req")))
        w_opt(bars_png("bench-exp3-c10000-" + mode, "/static at %s connections: replies later than 2 s" % top[1:] if top else "",
                       "late replies (median, min-max)", pts_of(recs, servers(recs), "wrk", top, "err_timeout")))
        if mode == "full":
            lead_targets(recs, "rate-c100", None, "/static", summary, 3)
            gevent = by(recs, "gunicorn-gevent", "wrk", top)
            for sv in ("workerclass-virtual", "workerclass-reactive"):
                hi = by(recs, sv, "wrk", top)
                if hi:
                    bad = [(x["metrics"].get("err_connect", 0) + x["metrics"].get("err_read", 0) + x["metrics"].get("err_write", 0),
                            x["metrics"].get("err_timeout", 0)) for x in hi["rounds"]]
                    ok = all(a == 0 and b == 0 for a, b in bad)
                    summary.append(("3: `%s` at 10,000 connections: 0 socket errors, 0 replies over 2 s, every round" % sv,
                                    "socket/late per round %s — %s" % (", ".join("%d/%d" % x for x in bad), "met" if ok else "missed")))
            if gevent:
                summary.append(("3: gunicorn gevent at 10,000 loses replies (same run)", "late per round %s" % "/".join(
                    str(x["metrics"].get("err_timeout")) for x in gevent["rounds"])))
        w_opt(leaks(recs))
        w(commands_link(mode, 3, len(recs)))

    # ---------------------------------------------------------------- experiment 4
    mode, recs = pick(4)
    w("## 4. %s\n" % EXPERIMENTS[4])
    w_opt(banner(mode, 4))
    if recs:
        seen(recs)
        rate = next((r for r in recs if r["tag"] == "rate-c10"), None)
        w("SHA-256 chained 20× over 64 KiB per request, sizes as in experiment 2. Cost at %s req/s over 10 "
          "connections, then saturated `wrk -t1 -c10`; the server has one core. %s" % (
              f(med(rate, "offered_rps"), 0) if rate else "?", rounds_note(recs)))
        w(table(["server", "CPU µs/request", "context switches/request", "saturated req/s, c10", "c10 p99 ms",
                 "errors, all rounds"], cost_and_rate_rows(recs, "rate-c10", ["c10"])))
        w("")
        w_opt(bars_png("bench-exp4-" + mode, "/cpu: saturated requests per second on one core, 10 connections",
                       "req/s (median, min-max)", pts_of(recs, servers(recs), "wrk", "c10", "rps")))
        w_opt(leaks(recs))
        w(commands_link(mode, 4, len(recs)))

    # ---------------------------------------------------------------- experiment 5
    mode, recs = pick(5)
    w("## 5. %s\n" % EXPERIMENTS[5])
    w_opt(banner(mode, 5))
    if recs:
        seen(recs)
        w("`wrk -t1 -c10000 --timeout 5s` on `/test?ms=1000` (reactive: `/test-async`), sized for 10,000 "
          "(`--server.worker-connections`, `--server.threads`). VmRSS every 0.5 s; Native Memory Tracking at 75%% "
          "of the load, then the live heap after a full GC (KiB per request: live heap over the requests busy "
          "then). %s" % rounds_note(recs))
        rows = []
        for s in servers(recs):
            r = by(recs, s["id"], "wrk", "c10000")
            if not r:
                continue
            per = [x["metrics"]["live_heap_kb"] / x["metrics"]["live_heap_busy"] for x in r["rounds"]
                   if x["metrics"].get("live_heap_kb") and x["metrics"].get("live_heap_busy")]
            per_conn = [x["metrics"]["live_heap_kb"] / x["metrics"]["live_heap_conns"] for x in r["rounds"]
                        if x["metrics"].get("live_heap_kb") and x["metrics"].get("live_heap_conns")]
            rows.append([sid(s), cell(r, "rss_idle_kb", 0, 1 / 1024), cell(r, "rss_max_kb", 0, 1 / 1024),
                         cell(r, "busy_max", 0), cell(r, "threads_max", 0), cell(r, "live_heap_kb", 0, 1 / 1024),
                         f(statistics.median(per), 0) if per else "–",
                         f(statistics.median(per_conn), 0) if per_conn else "–", cell(r, "rps", 0),
                         cell(r, "errors", 0)])
        w(table(["server", "RSS idle MiB", "RSS max MiB", "busy max", "threads max", "live heap MiB",
                 "live heap KiB per busy request", "live heap KiB per open connection", "req/s", "errors"], rows))
        w("")
        # A workers endpoint that never answered while the load ran leaves busy unknown ("–"), not 0.
        mute = [sid(s) for s in servers(recs) if s.get("family") == "workerclass" and any(
            x["metrics"].get("workers_answers") == 0 for x in (by(recs, s["id"], "wrk", "c10000") or {}).get("rounds", []))]
        if mute:
            w("The workers endpoint of %s did not answer while the 10,000 connections were open in at least one "
              "round (it shares the server's connectors and threads with the load; a separate "
              "`management.server.port` has its own): busy is unknown there, not 0.\n" % ", ".join(mute))
        held = heap_per_connection(recs)
        if held:
            w("**What the live heap holds per open connection** (round 1, the class histogram's largest "
              "classes over the connections open then; KiB):\n")
            w(table(["server"] + [c for c, _ in held[0][1]], [[sid_of] + [f(kib, 1) for _, kib in cls]
                                                                for sid_of, cls in held]))
            w("")
        w_opt(bars_png("bench-exp5-" + mode, "Resident size, 10,000 requests in flight", "VmRSS max MiB (median, min-max)",
                       pts_of(recs, servers(recs), "wrk", "c10000", "rss_max_kb", 1 / 1024)))
        v, t = by(recs, "workerclass-virtual", "wrk", "c10000"), by(recs, "workerclass-thread", "wrk", "c10000")
        ra = by(recs, "workerclass-reactive-async", "wrk", "c10000")
        if mode == "full" and med(t, "rss_max_kb"):
            for o, limit in ((v, 0.5), (ra, 0.1)):
                if med(o, "rss_max_kb"):
                    ratio = o["metrics"]["rss_max_kb"] / t["metrics"]["rss_max_kb"]
                    summary.append(("5: `%s` RSS ≤ %s× `thread`'s" % (o["server"]["id"], limit),
                                    "%.2f× — %s" % (ratio, judged(ratio, ratio <= limit, None, None, None))))
        w_opt(leaks(recs, note=": the handlers sleep 1 s and wrk stops with requests queued, so this is expected"))
        w(commands_link(mode, 5, len(recs)))

    # ---------------------------------------------------------------- experiment 6
    mode, recs = pick(6)
    w("## 6. %s\n" % EXPERIMENTS[6])
    w_opt(banner(mode, 6))
    if recs:
        j = recs[0]
        x0 = j["results"][0] if j["results"] else {}
        w("`bench/jmh` on CPU 0, one thread, no HTTP, %s forks × %s iterations (the forks are the rounds). "
          "`direct` calls the handler, `slotsAcquireRelease` takes and releases a slot, `virtualServe` serves "
          "inline, `threadServe` hands off to a pool thread and back; `timeout` 30s arms a deadline per request, "
          "0s none; ± is JMH's 99.9%% error.\n" % (x0.get("forks"), x0.get("measurement")))
        writes = [x for x in j["results"] if x.get("suite") == "ResponseWriteCost"]
        filters = [x for x in j["results"] if x.get("suite") == "FilterCost"]
        res = {(x["benchmark"], x["params"].get("timeout")): x for x in j["results"]
               if x not in writes and x not in filters}
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
        if filters:
            w("`FilterCost`: the starter's servlet filter around a chain that does nothing, with a mock request "
              "to `/todos` and Spring MVC's real handler mapping (one `@Blocking` route elsewhere): `direct` calls "
              "the chain, `noClass` goes through the filter with no class set, `virtual` under `virtual` "
              "(slot, deadline alarm, sealable response).\n")
            w(suite_table(filters, "ns per request", lambda x: (x["benchmark"] != "direct", x["benchmark"])))
            w("")
        if writes:
            w("`ResponseWriteCost`: a page written as 1,000 short strings (4–40 characters, as a template engine "
              "writes), to a lock-free container writer directly (`container`) and through the response the "
              "starter hands a servlet handler so that it can seal it at the deadline (`sealable`, making it "
              "included).\n")
            w(suite_table(writes, "µs per page", lambda x: x["benchmark"]))
            w("")
        w(commands_link(mode, 6, len(recs)))

    # ---------------------------------------------------------------- experiment 7
    mode, recs = pick(7)
    w("## 7. %s\n" % EXPERIMENTS[7])
    w_opt(banner(mode, 7))
    recs = [x for x in recs if x.get("rounds")]
    if recs:
        seen(recs)
        w("Experiment 2's Java servers under saturated `wrk -t1 -c100` on `/todos`, recorded by JFR "
          "(`settings=profile`). A sample belongs to its first frame that is not the JDK's; \"JDK only\": none "
          "(scheduling, polling); Micrometer includes actuator's observation. Kernel time is not sampled; req/s "
          "includes JFR's overhead. Shares: medians over the rounds. %s" % rounds_note(recs))
        owner_names = []
        for x in recs:
            for k, _ in sorted(x["metrics"].items(), key=lambda kv: -kv[1]):
                if k.startswith("share:") and k[6:] not in owner_names:
                    owner_names.append(k[6:])
        rows = []
        for sv in servers(recs):
            x = by(recs, sv["id"], "wrk", "c100-jfr")
            rows.append([sid(sv), cell(x, "rps", 0)] +
                        ["%.1f%%" % (100.0 * x["metrics"].get("share:" + o, 0)) for o in owner_names])
        w(table(["server", "req/s"] + [OWNER_SHORT.get(o, o) for o in owner_names], rows))
        tops = []
        for sv in servers(recs):
            x = by(recs, sv["id"], "wrk", "c100-jfr")
            methods = (x["rounds"][-1].get("profile") or {}).get("starter_methods")
            if sv["id"].startswith("workerclass") and methods:
                k = methods[0][0]
                tops.append("`%s` in `%s`" % (k.rsplit(".", 2)[-2] + "." + k.rsplit(".", 1)[-1], sv["id"]))
        w("\n**Reading.** Most sampled in the starter (last round): %s.\n" % (", ".join(tops) or "none"))
        w(commands_link(mode, 7, len(recs)))

    # ---------------------------------------------------------------- capacity (bench/capacity.sh)
    w(capacity.section(portable))

    # ---------------------------------------------------------------- scale-out (bench/scale-out.sh)
    w(scale_out.section(portable))

    # ---------------------------------------------------------------- preamble and summary
    pre = [machine_line(machine)] if machine else []
    pre.append(legend(shown))
    if TALLY["checked"]:
        pre.append("After each load `busy` and `queued` were back to 0 in %d of %d measurements%s%s.\n" % (
            TALLY["checked"] - TALLY["held"] - TALLY["early"], TALLY["checked"],
            "; %d more were read while requests that wrk left were still running" % TALLY["early"] if TALLY["early"] else "",
            " (the others are listed)" if TALLY["held"] or TALLY["early"] else ""))
    md[md.index("@@PREAMBLE@@")] = "\n".join(pre)
    sm = ["### Targets\n", "The suite's goals, judged from the full-mode JSON; \"rounds overlap\": the two sides' "
          "rounds overlap, so the medians' order is not a finding on this machine.\n"]
    sm.append(table(["target", "measured"], summary) if summary else "No full-mode results yet.")
    sm.append("")
    suite_notes = os.path.join(RES, "full", "notes.md")
    if os.path.exists(suite_notes):
        # Dated findings written by hand beside the suite's JSON: A/Bs run apart from a full run.
        sm.append(open(suite_notes).read().strip() + "\n")
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
