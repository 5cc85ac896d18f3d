#!/usr/bin/env python3
"""Per-thread CPU of a process from /proc, for benchmarks on a shared or drifting machine.

  thread-cpu.py snapshot PID > before.json
  thread-cpu.py diff before.json after.json MESSAGES   # CPU per message by thread name

Thread names have their digits folded ("Camel (camel-#) thread ##"), so pools add up. CPU is
utime + stime in clock ticks (10 ms), printed in microseconds per message.
"""
import collections
import json
import os
import re
import sys

TICK_US = 1_000_000 / os.sysconf("SC_CLK_TCK")


def snapshot(pid):
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
        except OSError:
            continue  # the thread ended meanwhile
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        threads[tid] = (name, int(fields[11]), int(fields[12]))
    json.dump(threads, sys.stdout)


def diff(before_file, after_file, messages):
    before = json.load(open(before_file))
    after = json.load(open(after_file))
    by_name = collections.defaultdict(lambda: [0, 0])
    for tid, (name, user, system) in after.items():
        _, user0, system0 = before.get(tid, (name, 0, 0))
        folded = re.sub(r"\d+", "#", name)
        by_name[folded][0] += user - user0
        by_name[folded][1] += system - system0
    total = sum(u + s for u, s in by_name.values())
    print(f"total {total * TICK_US / messages:.1f} us/msg")
    for name, (user, system) in sorted(by_name.items(), key=lambda item: -sum(item[1]))[:25]:
        if user + system:
            print(f"{name:40s} {(user + system) * TICK_US / messages:8.1f} us/msg  (sys {system * TICK_US / messages:.1f})")


if __name__ == "__main__":
    if sys.argv[1] == "snapshot":
        snapshot(sys.argv[2])
    else:
        diff(sys.argv[2], sys.argv[3], float(sys.argv[4]))
