"""Microseconds per iteration: gan_core's ``book`` recipe beside the chapter's own code.

Three contenders run the chapter's setup (one sample a step, SGD, gradient and
weight clipping, 10-unit layers):

* ``gan_core book``: ``Trainer(recipe="book").train(k)``, history recording included;
* ``chapter code``: ``bench/chapter_reference.py``, ``ChapterGAN(seed, fixed=False)``,
  a reconstruction of the chapter's listing with its gradient errors;
* ``chapter, fixed``: the same with the gradients corrected (``fixed=True``).

They are measured side by side in one process, interleaved in rounds (each
round times ``k`` iterations of each contender, in a rotating order), so a
busy machine slows all three alike. The script prints every contender's
median over the rounds and the speed ratio chapter / gan_core.
Issue 2 asks for a ratio of at least 2. Run from the repository root::

    python bench/bench_book_speed.py [--rounds 7] [--iterations 4000] [--seed 0]
"""
import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

from chapter_reference import ChapterGAN  # noqa: E402
from gan_core import Trainer  # noqa: E402


def contenders(seed):
    """name -> function(k) that runs k more iterations of that contender."""
    ours = Trainer(recipe="book", seed=seed)
    chapter = ChapterGAN(seed, fixed=False)
    fixed = ChapterGAN(seed, fixed=True)

    def run_chapter(gan):
        def run(k):
            it = gan.iteration
            for _ in range(k):
                it()
        return run

    return {
        "gan_core book": lambda k: ours.train(k),
        "chapter code": run_chapter(chapter),
        "chapter, fixed": run_chapter(fixed),
    }


def measure(rounds, iterations, seed):
    """Per contender, the list of microseconds per iteration, one value per round."""
    runs = contenders(seed)
    names = list(runs)
    for name in names:                      # warm-up: imports, caches, first allocations
        runs[name](min(500, iterations))
    times = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]   # rotate who goes first
        for name in order:
            t0 = time.perf_counter()
            runs[name](iterations)
            times[name].append((time.perf_counter() - t0) / iterations * 1e6)
    return times


def main(argv=None):
    p = argparse.ArgumentParser(description="book recipe vs the chapter's code, microseconds per iteration")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--iterations", type=int, default=4000, help="iterations per contender per round")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    times = measure(args.rounds, args.iterations, args.seed)
    print(f"one iteration = D on real, D on fake, G through D; batch 1, SGD, both clips "
          f"({args.rounds} rounds x {args.iterations} iterations each, interleaved; NumPy {np.__version__})")
    print(f"{'':16s} {'median us/it':>12s} {'min':>8s} {'max':>8s}")
    med = {}
    for name, ts in times.items():
        med[name] = statistics.median(ts)
        print(f"{name:16s} {med[name]:12.1f} {min(ts):8.1f} {max(ts):8.1f}")
    ours = med["gan_core book"]
    for name in ("chapter code", "chapter, fixed"):
        print(f"speed-up over {name}: {med[name] / ours:.2f}x")
    ratio = med["chapter code"] / ours
    print(f"criterion (at least 2x faster than the chapter's code): {'PASS' if ratio >= 2 else 'FAIL'} ({ratio:.2f}x)")
    return 0 if ratio >= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
