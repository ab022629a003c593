"""Independent experiments on several CPU cores at once: the same numbers, sooner.

A run's numbers depend only on its settings and seeds, not on the process that
computes them: the same code, NumPy and BLAS kernel give the same bits. So
independent experiments can share out the machine's cores. Each of our runs
keeps BLAS to one thread (``gan_core._blas``), so on a 2-core machine one
notebook process leaves a core idle; two worker processes use both.

* :func:`call_in_processes` computes ``[f(**kwargs), ...]`` for a list of calls;
* :func:`train_in_processes` trains a list of untrained ``ParallelRuns`` (or
  ``Trainer``) objects, each for its own number of iterations, and returns them
  trained, exactly as ``runs.train(iterations)`` in this process would have;
* :class:`WorkerPool` does either *in the background*: ``pool.train(jobs)`` and
  ``pool.call(calls)`` return a :class:`Pending` at once, this process goes on
  (measuring, drawing), and ``pending.result()`` waits for the results where they
  are needed. A notebook can start a later section's training early this way, so
  that the workers train while the notebook's own process draws.

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


def _checked_calls(calls):
    """``calls`` as a list of ``(function, kwargs)`` pairs a worker can run; else ``ValueError``."""
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
    return calls


def train_runs(runs, iterations):
    """``runs.train(iterations)``: what a worker of :func:`train_in_processes` does."""
    return runs.train(iterations)


def _training_calls(jobs):
    """``jobs``, pairs ``(runs, iterations)``, as calls of :func:`train_runs`; else ``ValueError``."""
    calls = []
    for k, job in enumerate(jobs):
        if not (isinstance(job, tuple) and len(job) == 2):
            raise ValueError(f"jobs[{k}] must be a pair (runs, iterations), got {job!r:.80}")
        runs, iterations = job
        if not callable(getattr(runs, "train", None)):
            raise ValueError(f"jobs[{k}][0] must be a ParallelRuns or a Trainer, got {type(runs).__name__}")
        calls.append((train_runs, {"runs": runs, "iterations": check_int(f"jobs[{k}][1]", iterations, 0, 10**9)}))
    return calls


class Pending:
    """Work handed to a :class:`WorkerPool`, computing while this process goes on.

    ``result()`` waits until all of it is done and returns the results in the order
    the work was given (an error in a worker is raised here); ``each()`` yields the
    same results one by one, each as soon as it is done, so that this process can
    use the first while the workers finish the rest; ``done()`` tells without
    waiting whether all of it has finished.
    """

    def __init__(self, futures):
        self._futures = futures
        self._results = None

    def done(self):
        return all(f.done() for f in self._futures)

    def each(self):
        for f in self._futures:
            yield f.result()

    def result(self):
        if self._results is None:
            self._results = list(self.each())
        return self._results


class WorkerPool:
    """``workers`` spawned worker processes (default :func:`default_workers`, one per core)
    that compute in the background.

    ``call(calls)`` and ``train(jobs)`` take what :func:`call_in_processes` and
    :func:`train_in_processes` take, hand it to the workers in that order and return
    a :class:`Pending` at once. The workers start with the first piece of work and
    stop at ``close()`` (or at the end of a ``with`` block, or of this process). The
    numbers are those of the same work done here, bit for bit.
    """

    def __init__(self, workers=None):
        self.workers = default_workers() if workers is None else check_int("workers", workers, 1, MAX_WORKERS)
        self._pool = None

    def _submit(self, calls):
        if self._pool is None:
            context = multiprocessing.get_context("spawn")  # a fork would copy this process's threads and locks
            self._pool = concurrent.futures.ProcessPoolExecutor(self.workers, mp_context=context)
        return Pending([self._pool.submit(_call, call) for call in calls])

    def call(self, calls):
        """Start ``[function(**kwargs) for function, kwargs in calls]``; a :class:`Pending` of the results."""
        return self._submit(_checked_calls(calls))

    def train(self, jobs):
        """Start training every ``(runs, iterations)`` of ``jobs``; a :class:`Pending` of the
        trained copies (the objects passed in stay untrained)."""
        return self._submit(_training_calls(jobs))

    def close(self):
        """Wait for the work handed out so far, then stop the workers."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def call_in_processes(calls, workers=None):
    """``[function(**kwargs) for function, kwargs in calls]``, computed in up to ``workers``
    processes (default :func:`default_workers`), results in the order of ``calls``.
    With one worker, or one call, everything runs here, in this process. ``function``
    must be importable by name (defined in a module, not in ``__main__`` or a notebook).
    """
    calls = _checked_calls(calls)
    workers = default_workers() if workers is None else check_int("workers", workers, 1, MAX_WORKERS)
    workers = min(workers, len(calls))
    if workers <= 1:
        return [_call(call) for call in calls]
    with WorkerPool(workers) as pool:
        return pool.call(calls).result()


def train_in_processes(jobs, workers=None):
    """Train every ``(runs, iterations)`` of ``jobs`` (``runs`` a ``ParallelRuns`` or a
    ``Trainer``) in up to ``workers`` processes; returns the trained objects in order.

    Use the returned objects: from worker processes they are trained copies (the
    objects passed in stay untrained), with one worker the objects themselves. Either
    way they equal, bit for bit, what ``runs.train(iterations)`` gives here.
    """
    return call_in_processes(_training_calls(jobs), workers)
