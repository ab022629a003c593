"""Independent experiments in one process against two worker processes (``train_in_processes``).

Four groups of 3 runs (notebook 06's short test bed: ``recommended`` with one hidden layer of 32,
1,500 iterations), trained first all here, then shared out over two spawned workers; the
script checks that both give the same samples and prints both times. On an idle 2-core
machine the workers should take a little over half the time (spawning a worker costs about a
second). Run from the repository root::

    python bench/bench_processes.py
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from gan_core.experiments import ParallelRuns, train_in_processes  # noqa: E402


def jobs():
    return [(ParallelRuns([{"seed": s} for s in range(3 * g, 3 * g + 3)], recipe="recommended", ITER_NUM=3000,
                          G_HIDDEN=(32,), D_HIDDEN=(32,), step_size_G=0.008, step_size_D=0.008), 1500) for g in range(4)]


def main():
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    t = time.perf_counter()
    here = train_in_processes(jobs(), workers=1)
    one = time.perf_counter() - t
    t = time.perf_counter()
    there = train_in_processes(jobs(), workers=2)
    two = time.perf_counter() - t
    same = all(np.array_equal(a.sample(50), b.sample(50)) for a, b in zip(here, there))
    print(f"4 groups of 3 runs: one process {one:.1f} s, two worker processes {two:.1f} s "
          f"({one / two:.2f}x); the same samples: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":  # spawned workers import this file: the guard keeps them from rerunning it
    sys.exit(main())
