"""How long the book takes to execute: every notebook, top to bottom, in a fresh kernel.

Each notebook is executed with nbclient (as ``jupyter nbconvert --execute`` does) into a
temporary copy, so the stored notebooks are not touched. Two passes:

* **cold**: with an empty run cache (``GAN_BASICS_CACHE`` pointing to a new folder), as on
  a machine that has never run the book: the first notebook that shows the shared book
  and recommended runs (``gan_core.experiments.shared_run``) trains them;
* **warm**: the same again with the cache the cold pass filled, as on every later
  execution (and in the nbval tests).

For every notebook it prints the wall time (kernel start included) and its three
slowest cells. The shared machine's speed drifts (the same book took 120 s and 140 s a
quarter of an hour apart), so the pass is bracketed by a yardstick: the time of one
``book`` iteration (the median of 5 x 1,000), taken before and after. Compare passes by
their yardsticks. Issue 10's target: the whole book in about 60 s on a 2-core machine,
never above 120 s. Run from the repository root::

    python bench/bench_notebooks.py             # cold and warm
    python bench/bench_notebooks.py --warm      # warm only, with your usual cache
    python bench/bench_notebooks.py 04 06       # only these notebooks
"""
import argparse
import glob
import os
import sys
import tempfile
import time

import nbformat

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, os.pardir))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from notebook_client import RepollingNotebookClient  # noqa: E402  (nbclient, without its lost-reply stall)
TARGET_SECONDS, LIMIT_SECONDS = 60, 120
CELL_TIMEOUT = 240   # seconds a cell may take (see execute)


def execute(path):
    """Execute the notebook at ``path`` in a fresh kernel: (wall seconds, [(cell seconds, index, first line)]).

    The client is ``scripts/notebook_client.py``'s, which does not lose a cell's reply at an
    ``interact`` cell (plain nbclient does, now and then: see that module). A cell that runs
    longer than ``CELL_TIMEOUT`` seconds raises nbclient's ``CellTimeoutError`` (the book's
    slowest cell, 00's first training of the recommended run, takes about 25 s).
    """
    nb = nbformat.read(path, as_version=4)
    client = RepollingNotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": os.path.dirname(path)}})
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    cells = []
    for i, cell in enumerate(nb.cells):
        t = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in t and "shell.execute_reply" in t:
            from datetime import datetime
            a, b = (datetime.fromisoformat(t[k].replace("Z", "+00:00")) for k in ("iopub.execute_input", "shell.execute_reply"))
            first = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else ""
            cells.append(((b - a).total_seconds(), i, first))
    return wall, sorted(cells, reverse=True)


def yardstick():
    """Microseconds per iteration of ``Trainer(recipe="book")``: the median of 5 rounds of 1,000."""
    import statistics
    import gan_core
    trainer, rounds = gan_core.Trainer(recipe="book", seed=0), []
    trainer.train(200)
    for _ in range(5):
        start = time.perf_counter()
        trainer.train(1000)
        rounds.append((time.perf_counter() - start) * 1e3)
    return statistics.median(rounds)


def book_pass(label, paths, cache):
    os.environ["GAN_BASICS_CACHE"] = cache
    print(f"{label} (run cache {cache}):")
    total = 0.0
    for path in paths:
        wall, cells = execute(path)
        total += wall
        slow = "; ".join(f"c{i} {s:.1f} s ({first})" for s, i, first in cells[:3])
        print(f"  {os.path.basename(path):<34} {wall:6.1f} s   slowest: {slow}", flush=True)
    verdict = "about the target" if total <= TARGET_SECONDS * 1.25 else "within the limit" if total <= LIMIT_SECONDS else "ABOVE THE LIMIT"
    print(f"  {'the whole book':<34} {total:6.1f} s   ({verdict}: target ~{TARGET_SECONDS} s, limit {LIMIT_SECONDS} s)")
    return total


def main(argv=None):
    p = argparse.ArgumentParser(description="execution time of every notebook, cold and warm")
    p.add_argument("notebooks", nargs="*", help="two-digit prefixes (default: all)")
    p.add_argument("--warm", action="store_true", help="only the warm pass, with the usual cache")
    args = p.parse_args(argv)
    paths = sorted(glob.glob(os.path.join(ROOT, "notebooks", "[0-9][0-9]_*.ipynb")))
    if args.notebooks:
        paths = [q for q in paths if os.path.basename(q)[:2] in args.notebooks]
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start; "
          f"yardstick {yardstick():.0f} us per book iteration")
    if args.warm:
        from gan_core.experiments.run_cache import cache_directory
        book_pass("warm", paths, cache_directory())
    else:
        with tempfile.TemporaryDirectory() as cache:
            cold = book_pass("cold", paths, cache)
            warm = book_pass("warm", paths, cache)
        print(f"cold {cold:.0f} s, warm {warm:.0f} s")
    print(f"load average at the end {os.getloadavg()[0]:.2f}; yardstick {yardstick():.0f} us per book iteration")
    return 0


if __name__ == "__main__":
    sys.exit(main())
