"""Independent experiments on several CPU cores at once: the same numbers, sooner.

A run's numbers depend only on its settings and seeds, not on the process that
computes them: the same code, NumPy and BLAS kernel give the same bits. So
independent experiments can share out the machine's cores. Each of our runs
keeps BLAS to one thread (``gan_core._blas``), so on a 2-core machine one
notebook process leaves a core idle; two worker processes use both.

* :func:`call_in_processes` computes ``[f(**kwargs), ...]`` for a list of calls;
* :func:`train_in_processes` trains a list of untrained ``ParallelRuns`` (or
  ``Trainer``) objects, each for its own number of iterations, and returns them
  trained, exactly as ``runs.train(iterations)`` in this process would have.

The workers are *spawned* (a fresh interpreter that imports ``gan_core``), not
forked, so the functions must live in an importable module (not in a notebook
cell), arguments and results travel by pickle, and a script that uses them must
keep its top-level work under ``if __name__ == "__main__":`` (a spawned worker imports
the script; notebooks need nothing of the kind). Starting a worker costs about
a second, so this pays only for calls that take several seconds each.
"""
import concurrent.futures
import multiprocessing
import os

from .._checks import check_callable, check_int

#: The most worker processes one call starts.
MAX_WORKERS = 64


def default_workers():
    """The number of CPU cores this process may use (``os.sched_getaffinity``, else ``os.cpu_count()``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _call(job):
    function, kwargs = job
    return function(**kwargs)


def call_in_processes(calls, workers=None):
    """``[function(**kwargs) for function, kwargs in calls]``, computed in up to ``workers``
    processes (default :func:`default_workers`), results in the order of ``calls``.

    With one worker, or one call, everything runs here, in this process. ``function``
    must be importable by name (defined in a module, not in ``__main__`` or a notebook).
    """
    calls = list(calls)
    for k, call in enumerate(calls):
        if not (isinstance(call, tuple) and len(call) == 2 and isinstance(call[1], dict)):
            raise ValueError(f"calls[{k}] must be a pair (function, dict of keyword arguments), got {call!r:.80}")
        function = check_callable(f"calls[{k}][0]", call[0], allow_none=False)
        module = getattr(function, "__module__", None)
        if module in (None, "__main__") or "<locals>" in getattr(function, "__qualname__", "<locals>"):
            raise ValueError(f"calls[{k}][0] must be a function defined at the top of an importable module "
                             f"(a worker process cannot see {getattr(function, '__qualname__', function)!r} "
                             f"of {module!r})")
    workers = default_workers() if workers is None else check_int("workers", workers, 1, MAX_WORKERS)
    workers = min(workers, len(calls))
    if workers <= 1:
        return [_call(call) for call in calls]
    context = multiprocessing.get_context("spawn")  # a fork would copy this process's threads and locks
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        return list(pool.map(_call, calls))


def train_runs(runs, iterations):
    """``runs.train(iterations)``: what a worker of :func:`train_in_processes` does."""
    return runs.train(iterations)


def train_in_processes(jobs, workers=None):
    """Train every ``(runs, iterations)`` of ``jobs`` (``runs`` a ``ParallelRuns`` or a
    ``Trainer``) in up to ``workers`` processes; returns the trained objects in order.

    Use the returned objects: from worker processes they are trained copies (the
    objects passed in stay untrained), with one worker the objects themselves. Either
    way they equal, bit for bit, what ``runs.train(iterations)`` gives here.
    """
    calls = []
    for k, job in enumerate(jobs):
        if not (isinstance(job, tuple) and len(job) == 2):
            raise ValueError(f"jobs[{k}] must be a pair (runs, iterations), got {job!r:.80}")
        runs, iterations = job
        if not callable(getattr(runs, "train", None)):
            raise ValueError(f"jobs[{k}][0] must be a ParallelRuns or a Trainer, got {type(runs).__name__}")
        calls.append((train_runs, {"runs": runs, "iterations": check_int(f"jobs[{k}][1]", iterations, 0, 10**9)}))
    return call_in_processes(calls, workers)
