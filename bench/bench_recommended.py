"""Train the ``recommended`` recipe for a few seeds and report its quality and speed.

For every seed the script trains ``Trainer(recipe="recommended", seed=s)`` to
``ITER_NUM`` and prints the training time, then scores 1000 samples with
``gan_core.metrics.evaluate``: the share of valid sines, MMD2 beside the
real-vs-real floor (its maximum over 50 real-vs-real draws), the 1-nearest-
neighbour two-sample accuracy and the parameter coverage (std of the fitted
x0, freq and mult over the real std). A callback checks the samples every
1000 iterations and records the *time to the quality bar*: the first
checkpoint with valid >= 0.9 and MMD2 <= the floor's maximum (training time
only; the checks themselves are not counted). Medians over the seeds follow,
with issue 2's criterion #2. Like the CLI, the script leaves NumPy's BLAS
threads as they are (no OPENBLAS_NUM_THREADS). Run from the repository root::

    python bench/bench_recommended.py            # seeds 0 1 2
    python bench/bench_recommended.py 0 1 2 3 4  # any seeds
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from gan_core import Trainer, metrics  # noqa: E402

N = 1000            # samples scored, as in the CLI's samples.npy
CHECK_EVERY = 1000  # iterations between quality-bar checks


def run(seed, check_every=CHECK_EVERY, n=N):
    """Train one seed; return its figures (training time excludes the bar checks)."""
    trainer = Trainer(recipe="recommended", seed=seed)
    floor_max = metrics.mmd2_floor(n)["max"]
    bar = {"iteration": None, "seconds": None}
    check_seconds = 0.0
    t0 = time.perf_counter()

    def check(tr):
        nonlocal check_seconds
        if bar["iteration"] is not None:
            return
        t = time.perf_counter()
        r = metrics.evaluate(tr.sample(n))
        if r["valid_fraction"] >= 0.9 and r["mmd2"] <= floor_max:
            bar["iteration"] = tr.iteration
            bar["seconds"] = t - t0 - check_seconds
        check_seconds += time.perf_counter() - t

    trainer.train(callback=check, callback_every=check_every)
    seconds = time.perf_counter() - t0 - check_seconds
    report = trainer.evaluate(n)
    return {"seed": seed, "seconds": seconds, "iterations": trainer.iteration,
            "bar_iteration": bar["iteration"], "bar_seconds": bar["seconds"], **report}


def _bar(r):
    if r["bar_iteration"] is None:
        return "not reached"
    return f"{r['bar_iteration']:>6d} it {r['bar_seconds']:5.1f} s"


def main(argv=None):
    p = argparse.ArgumentParser(description="quality and speed of the recommended recipe")
    p.add_argument("seeds", type=int, nargs="*", default=[0, 1, 2])
    args = p.parse_args(argv)

    cfg = Trainer(recipe="recommended").config
    print("recommended:", ", ".join(f"{k}={v}" for k, v in cfg.to_dict().items()))
    metrics.mmd2_floor(N)   # fill the floor cache outside the timings
    print(f"n = {N} samples; bar = valid >= 0.9 and MMD2 <= real-vs-real floor max, checked every "
          f"{CHECK_EVERY} iterations\n")
    head = (f"{'seed':>4s} {'train s':>8s} {'valid':>6s} {'MMD2':>9s} {'floor':>7s} {'1-NN':>6s} "
            f"{'cov x0':>6s} {'freq':>5s} {'mult':>5s}   time to bar")
    print(head)
    results = []
    for seed in args.seeds:
        r = run(seed)
        results.append(r)
        print(f"{seed:4d} {r['seconds']:8.1f} {r['valid_fraction']:6.3f} {r['mmd2']:9.5f} "
              f"{r['mmd2_floor_max']:7.4f} {r['nn1_accuracy']:6.3f} {r['coverage_std_x0']:6.2f} "
              f"{r['coverage_std_freq']:5.2f} {r['coverage_std_mult']:5.2f}   {_bar(r)}", flush=True)

    def med(key):
        return statistics.median(r[key] for r in results)

    bars = [r["bar_seconds"] for r in results if r["bar_seconds"] is not None]
    bar_its = [r["bar_iteration"] for r in results if r["bar_iteration"] is not None]
    print(f"{'med':>4s} {med('seconds'):8.1f} {med('valid_fraction'):6.3f} {med('mmd2'):9.5f} "
          f"{med('mmd2_floor_max'):7.4f} {med('nn1_accuracy'):6.3f} {med('coverage_std_x0'):6.2f} "
          f"{med('coverage_std_freq'):5.2f} {med('coverage_std_mult'):5.2f}   "
          + (f"{statistics.median(bar_its):>6.0f} it {statistics.median(bars):5.1f} s"
             if len(bars) == len(results) else f"reached by {len(bars)} of {len(results)} seeds"))
    ok = (med("valid_fraction") >= 0.9 and med("mmd2") <= 0.002
          and max(r["seconds"] for r in results) < 60)
    print(f"\ncriterion #2 (median valid >= 0.90, median MMD2 <= 0.002, every run < 60 s): "
          f"{'PASS' if ok else 'FAIL'}")
    nn1 = med("nn1_accuracy")
    print(f"stretch target (median 1-NN accuracy <= 0.55; real vs real gives 0.50-0.52): "
          f"{'PASS' if nn1 <= 0.55 else 'not reached'} ({nn1:.3f})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
