#!/usr/bin/env python3
"""The machine and tool versions, as JSON, for docs/benchmarks.md."""
import json, os, platform, subprocess, datetime


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip() or \
            subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stderr.strip()
    except Exception as e:
        return "n/a (%s)" % e


java = os.environ.get("BENCH_JAVA", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
mem = {l.split(":")[0]: l.split()[1] for l in open("/proc/meminfo") if l.split(":")[0] in ("MemTotal",)}
print(json.dumps(dict(
    date_utc=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    nproc=os.cpu_count(),
    cpu=sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip(),
    mem_total_kb=int(mem["MemTotal"]),
    kernel=platform.release(),
    os=sh(". /etc/os-release && echo $PRETTY_NAME"),
    loadavg=os.getloadavg(),
    java=sh("%s -version 2>&1 | tr '\\n' ' '" % java),
    java_path=java,
    wrk=sh("wrk -v 2>&1 | head -1"),
    perf=sh("perf --version"),
    siege=sh("siege --version 2>&1 | grep -m1 -E '^SIEGE [0-9]'"),
    hey=sh("dpkg-query -W -f '${Version}' hey"),
    gunicorn=sh("/usr/bin/python3 -m gunicorn --version"),
    python=sh("/usr/bin/python3 --version"),
    gevent=sh("/usr/bin/python3 -c 'import gevent; print(gevent.__version__)'"),
    eventlet=sh("/usr/bin/python3 -c 'import eventlet; print(eventlet.__version__)'"),
    flask=sh("dpkg-query -W -f '${Version}' python3-flask"),
    ulimit_n=sh("ulimit -n"),
    somaxconn=sh("sysctl -n net.core.somaxconn"),
    tcp_tw_reuse=sh("sysctl -n net.ipv4.tcp_tw_reuse"),
    git_commit=sh("git rev-parse --short HEAD"),
), indent=1))
