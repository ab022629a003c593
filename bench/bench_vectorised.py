"""K runs side by side (``ParallelRuns``) against K separate ``Trainer`` runs.

Both train the same K seeds of one recipe for the same number of iterations,
interleaved in rounds in one process, so a busy machine slows both alike. The
script prints the median seconds of each and the speed-up
``K separate / side by side``. Run from the repository root::

    python bench/bench_vectorised.py [--recipe recommended] [--k 3] [--iterations 500] [--rounds 3]
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from gan_core import Trainer  # noqa: E402
from gan_core.experiments import ParallelRuns  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--recipe", default="recommended")
    p.add_argument("--k", type=int, default=3)
    p.add_argument("--iterations", type=int, default=500)
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    seeds = list(range(a.k))
    side, separate = [], []
    for _ in range(a.rounds):
        t0 = time.perf_counter()
        ParallelRuns([{"seed": s} for s in seeds], recipe=a.recipe).train(a.iterations)
        side.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for s in seeds:
            Trainer(recipe=a.recipe, seed=s).train(a.iterations)
        separate.append(time.perf_counter() - t0)
    s, k = statistics.median(side), statistics.median(separate)
    print(f"{a.k} runs of {a.recipe!r}, {a.iterations} iterations each, median of {a.rounds} rounds")
    print(f"side by side (ParallelRuns): {s:.2f} s")
    print(f"{a.k} separate Trainers:      {k:.2f} s")
    print(f"speed-up: {k / s:.2f}x")


if __name__ == "__main__":
    main()
