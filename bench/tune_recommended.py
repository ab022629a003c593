"""Sweep hyperparameters around the ``recommended`` recipe (how the recipe was tuned).

Each configuration is trained for every seed, then 1000 samples are scored with
``gan_core.metrics.evaluate``. One line per configuration shows the medians over
the seeds (wall and CPU seconds, valid fraction, MMD2, median sine-fit RMSE,
1-NN accuracy), the per-seed 1-NN accuracies, and "nn1 mean of averages": the
mean over seeds of each run's 1-NN accuracy averaged over 4 fresh (generated,
real) draws. Rank close configurations by that last figure: a single 1-NN
draw at n = 1000 scatters by about +-0.01, and seeds by about as much again.
Run from the repository root::

    python bench/tune_recommended.py --vary D_HIDDEN 64,64 80,80 128,128 --seeds 0 1 2 3 4
    python bench/tune_recommended.py --set D_HIDDEN=80,80 --vary ITER_NUM 16000 20000 24000
    python bench/tune_recommended.py --base book --vary Z_DIM 1 3 --log /tmp/tune.jsonl

``--vary NAME V1 V2 ...`` (repeatable) sweeps the Cartesian product of the
values; ``--set NAME=VALUE`` (repeatable) fixes a value for every run. Values:
``none`` -> None, ``64,64`` -> a tuple of ints (one layer: ``256,``; a bare
``256`` is an int, which ``Config`` reads as two layers of 256), then int,
float, or a string. ``--log FILE`` appends one JSON object per (configuration,
seed) for later analysis. ``--workers 2`` trains two runs at a time (faster
sweeps, noisier wall times; compare CPU seconds). The quality figures do not
depend on the number of workers: a run is fully determined by its config and
seed.

This script pins OpenBLAS to one thread, so its timings are single-thread
figures. The CLI does not: a configuration whose matrix products are large
enough for OpenBLAS to multithread (with batch 64, D layers of 96 units and
more) can run several times slower on a busy machine. Check a new candidate
with ``bench/bench_recommended.py``, which runs as the CLI does.

What to look at (targets for ``recommended``, medians over seeds 0, 1, 2):
valid >= 0.90, MMD2 <= 0.002 (the real-vs-real floor at n = 1000), and the
1-NN two-sample accuracy as close to 0.5 as possible (real vs real gives
0.50-0.52), with each run well under 60 s on a 2-core machine.

How the current recipe was found, in order (each step kept what won): D's
width (32 -> 64 -> 128 at 10,000-20,000 iterations: the big gain), the number
of iterations, step sizes and Adam's betas, EMA decay, Z_DIM, G's width, depth
and activation, batch size at equal time, D's LeakyReLU slope, then the
cheapest D width that matched 128 units (80) and the fewest iterations that
kept 1-NN near 0.535 (20,000). The figures are in ``gan_core/recipes.py``.
"""
import argparse
import itertools
import json
import os
import sys
import time

# Small matrices: one BLAS thread is faster and steadier than several on a busy
# machine (see the recipe's docstring). Must be set before NumPy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from gan_core import Trainer, metrics  # noqa: E402
from gan_core.data import sample_sines  # noqa: E402


def parse_value(text):
    """``none`` -> None, ``a,b`` -> tuple of ints, then int, float, str."""
    t = text.strip()
    if t.lower() in ("none", "off"):
        return None
    if "," in t:
        return tuple(int(w) for w in t.split(",") if w)
    for kind in (int, float):
        try:
            return kind(t)
        except ValueError:
            pass
    return t


def run_one(base, overrides, seed, n=1000, repeats=4):
    """Train one run and score it; returns a flat dict (config, seed, time, metrics).

    Besides ``evaluate`` (the figures the benchmarks report), ``nn1_avg`` is the
    1-NN accuracy averaged over ``repeats`` fresh pairs of (generated, real) sets
    of ``n`` rows: a single 1-NN figure at n = 1000 scatters by about +-0.01
    around the model's true value, enough to reorder close configurations.
    """
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    tr = Trainer(recipe=base, seed=seed, **overrides)
    tr.train()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    x = tr.sample(n)
    report = metrics.evaluate(x)
    fit = metrics.fit_sines(x)
    rng = np.random.default_rng(10_000 + seed)
    nn1 = [metrics.nn1_accuracy(tr.sample(n, rng=rng), sample_sines(n, rng)) for _ in range(repeats)]
    return {"base": base, "overrides": {k: list(v) if isinstance(v, tuple) else v for k, v in overrides.items()},
            "seed": seed, "seconds": seconds, "cpu_seconds": cpu, "median_rmse": float(np.median(fit["rmse"])),
            "nn1_avg": float(np.mean(nn1)), **report}


def _run_star(args):
    return run_one(*args)


def summarize(overrides, results):
    """One table line: medians over seeds of time, CPU time, valid fraction, MMD2,
    median fit RMSE and 1-NN accuracy, the per-seed 1-NN accuracies, and the mean
    over seeds of ``nn1_avg`` (the steadiest single figure for ranking)."""
    med = {k: float(np.median([r[k] for r in results]))
           for k in ("seconds", "cpu_seconds", "valid_fraction", "mmd2", "nn1_accuracy", "median_rmse")}
    nn1_avg = float(np.mean([r["nn1_avg"] for r in results]))
    desc = " ".join(f"{k}={_fmt(v)}" for k, v in overrides.items()) or "(recipe as is)"
    per_seed = " ".join(f"{r['nn1_accuracy']:.3f}" for r in results)
    return (f"{med['seconds']:5.1f}s (cpu {med['cpu_seconds']:4.1f}s)  valid {med['valid_fraction']:.3f}  "
            f"mmd2 {med['mmd2']:+.5f}  rmse {med['median_rmse']:.4f}  nn1 {med['nn1_accuracy']:.3f} "
            f"[{per_seed}]  nn1 mean of averages {nn1_avg:.3f}  {desc}")


def _fmt(v):
    return ",".join(map(str, v)) if isinstance(v, tuple) else str(v)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base", default="recommended", help="recipe to start from (default: recommended)")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--set", dest="fixed", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--vary", nargs="+", action="append", default=[], metavar=("NAME", "VALUE"))
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--log", default=None, help="append JSON lines here")
    args = p.parse_args(argv)

    fixed = {}
    for item in args.fixed:
        name, _, value = item.partition("=")
        fixed[name] = parse_value(value)
    names = [v[0] for v in args.vary]
    grids = [[parse_value(x) for x in v[1:]] for v in args.vary]
    configs = [{**fixed, **dict(zip(names, combo))} for combo in itertools.product(*grids)]
    pool = None
    if args.workers > 1:
        from multiprocessing import Pool
        pool = Pool(args.workers)
    try:
        for cfg in configs:
            jobs = [(args.base, cfg, seed) for seed in args.seeds]
            results = pool.map(_run_star, jobs, chunksize=1) if pool else [run_one(*j) for j in jobs]
            if args.log:
                with open(args.log, "a") as f:
                    for r in results:
                        f.write(json.dumps(r) + "\n")
            print(summarize(cfg, results), flush=True)
    finally:
        if pool:
            pool.close()

if __name__ == "__main__":
    main()
