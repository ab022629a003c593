"""Time the quality metrics on 1000 samples and print the fixed bandwidth, the null bands
and how often real data passes the verdict (a script, not a test).

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
    print(f"  evaluate, cold     {cold:.4f}   (includes null_bands: {metrics.FLOOR_REPEATS} real-vs-real pairs)")
    print(f"  evaluate, cached   {best_of(metrics.evaluate, x):.4f}")
    print()
    bands = metrics.null_bands(n)
    print(f"MMD2 bandwidth (fixed, from {metrics.BANDWIDTH_SAMPLES} real samples, seed {metrics.BANDWIDTH_SEED}): "
          f"{metrics.REAL_BANDWIDTH}")
    print(f"null bands at n = {n} ({bands['repeats']} real-vs-real pairs, 5th-95th percentile):")
    print(f"  MMD2  [{bands['mmd2_low']:.6f}, {bands['mmd2_high']:.6f}]   mean {bands['mmd2_mean']:.6f}, "
          f"max {bands['mmd2_max']:.6f}")
    print(f"  1-NN  [{bands['nn1_low']:.4f}, {bands['nn1_high']:.4f}]   mean {bands['nn1_mean']:.4f}, "
          f"max {bands['nn1_max']:.4f}")
    print()
    print("real vs real:")
    print(metrics.format_report(report))
    print()
    k = 100
    reports = [metrics.evaluate(sample_sines(n, np.random.default_rng(1000 + s))) for s in range(k)]
    mmd_in = sum(r["mmd2"] <= r["mmd2_null_high"] for r in reports)
    nn1_in = sum(r["nn1_accuracy"] <= r["nn1_null_high"] for r in reports)
    both = sum(r["indistinguishable"] for r in reports)
    print(f"{k} fresh real samples vs the reference: MMD2 inside its band {mmd_in}, 1-NN inside {nn1_in}, "
          f"indistinguishable {both} (the false-alarm rate of the verdict is {k - both}%)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
