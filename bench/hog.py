"""Keep a share of the machine's CPU busy, as a noisy neighbour would, to see how a load run fares on a busier machine.

    python bench/hog.py 0.7 &          # 0.7 of a core in all, spread over one process per core
    .venv/bin/python bench/load.py     # then stop the hog: kill %1

Each process spins for `share / processes` of every 10 ms and sleeps for the rest. It is not the same as a slower
machine (the caches stay ours, and the scheduler shares fairly), but it takes a fixed amount of CPU away.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time

PERIOD = 0.010


def spin(fraction: float) -> None:
    while True:
        start = time.monotonic()
        while time.monotonic() - start < fraction * PERIOD:
            pass
        time.sleep(max(0.0, PERIOD - (time.monotonic() - start)))


if __name__ == "__main__":
    share = float(sys.argv[1])
    n = os.cpu_count() or 1
    if not 0 < share <= n:
        sys.exit(f"share must be above 0 and at most {n} (cores)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # `kill` stops the spinners too (they are daemons)
    workers = [multiprocessing.Process(target=spin, args=(share / n,), daemon=True) for _ in range(n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
