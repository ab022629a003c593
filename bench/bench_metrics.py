"""Time the quality metrics on 1000 samples (a script, not a test).

Run from the repository root:  python bench/bench_metrics.py [n]
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from gan_core import metrics  # noqa: E402
from gan_core.data import sample_sines  # noqa: E402


def best_of(f, *args, repeats=5, **kwargs):
    """Best wall time of ``repeats`` calls (the first call, which warms caches, is not counted)."""
    f(*args, **kwargs)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f(*args, **kwargs)
        times.append(time.perf_counter() - t)
    return min(times)


def main(n=1000):
    rng = np.random.default_rng(0)
    x, y = sample_sines(n, rng), sample_sines(n, rng)
    print(f"metrics on {n} samples of length {x.shape[1]} (best of 5, seconds)")
    print(f"  fit_sines          {best_of(metrics.fit_sines, x):.4f}")
    print(f"  mmd2               {best_of(metrics.mmd2, x, y):.4f}")
    print(f"  nn1_accuracy       {best_of(metrics.nn1_accuracy, x, y):.4f}")

    metrics._FLOOR_CACHE.clear()
    t = time.perf_counter()
    report = metrics.evaluate(x)
    cold = time.perf_counter() - t
    print(f"  evaluate, cold     {cold:.4f}   (includes mmd2_floor: {metrics.FLOOR_REPEATS} real-vs-real pairs)")
    print(f"  evaluate, cached   {best_of(metrics.evaluate, x):.4f}")
    print()
    print("real vs real:")
    print(metrics.format_report(report))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
