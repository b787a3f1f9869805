#!/usr/bin/env python3
"""The load command that bench.py gives ../shared/peers/peers.sh: the same phases as for a Java
server, against the gunicorn that peers.sh started.

    peer_load.py PLAN.json OUT.json

peers.sh runs gunicorn and this script as its own two children, so gunicorn's master is the
sibling whose command line names gunicorn, and its workers are that master's children (read
afresh for every window: a worker gunicorn restarts is counted from then on). bench.py starts
peers.sh on CPU 0, which gunicorn inherits; this script moves itself, and the load tools it
starts, to CPU 1.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402


def children(pid):
    out = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open("/proc/%s/stat" % p) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(p))
            except OSError:
                pass
    return out


def gunicorn_master():
    for p in children(os.getppid()):
        try:
            with open("/proc/%d/cmdline" % p, "rb") as f:
                if b"gunicorn" in f.read():
                    return p
        except OSError:
            pass
    sys.exit("peer_load.py: no gunicorn beside me under peers.sh")


def main():
    plan_path, out_path = sys.argv[1], sys.argv[2]
    os.sched_setaffinity(0, {int(measure.LOAD_CPU)})
    plan = json.load(open(plan_path))
    base = os.environ["PEER_BASE"]
    master = gunicorn_master()

    def pids():
        return [master] + children(master)

    out = dict(workers=len(pids()) - 1, phases=[])
    if plan.get("warm"):
        w = plan["warm"]
        out["warm"] = measure.warm(base, pids, w["route"], w["conns"], w["max_s"], min_s=w["min_s"])
    for p in plan["phases"]:
        out["phases"].append(measure.phase(p, base, pids))
        time.sleep(p.get("settle", 0))
    with open(out_path, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
