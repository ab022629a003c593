"""One BLAS thread while a run trains.

Our matrices are tiny: a batch of at most a few hundred rows through layers of
tens of units. OpenBLAS splits a product across threads once it passes a size
threshold (with batch 64, hidden widths above about 96; and stacked products
of ``gan_core.experiments.vectorised`` sooner), and on a shared 2-core machine
those threads wait for each other: such steps ran 4-9x slower than with one
thread (``bench/bench_vectorised.py`` shows the stacked case: a
``(3, 64, 80) @ (3, 80, 80)`` product took 164 us with OpenBLAS's threads and
67 us with one). At these sizes one thread is never slower, so ``Trainer.train``
and ``ParallelRuns.train`` run inside :func:`one_blas_thread`.

The quality figures' products are no bigger in the dimension that threads
could share (``(500, 10) @ (10, 2400)`` in the sine fit, distance blocks with
an inner size of 10), so ``metrics.fit_sines`` and the two-sample statistics
run with one thread too (:func:`with_one_blas_thread`): ``metrics.evaluate`` of
500 samples took 131 ms with OpenBLAS's threads and 55 ms with one, while a
second program kept both cores busy (the same bits either way).

``threadpoolctl`` does the limiting; without it the context does nothing.
It changes no result, only the speed.
"""
import contextlib
import functools

_CONTROLLER = []


def one_blas_thread():
    """A context manager that limits the BLAS libraries NumPy uses to one thread
    (``threadpoolctl``'s ``limit(limits=1, user_api="blas")``), or does nothing
    if ``threadpoolctl`` is not installed. Costs about 30 us to enter."""
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController
            _CONTROLLER.append(ThreadpoolController())
        except ImportError:  # pragma: no cover - threadpoolctl is a dependency
            _CONTROLLER.append(None)
    controller = _CONTROLLER[0]
    return contextlib.nullcontext() if controller is None else controller.limit(limits=1, user_api="blas")


def with_one_blas_thread(function):
    """``function``, run inside :func:`one_blas_thread` on every call (a decorator)."""
    @functools.wraps(function)
    def single_threaded(*args, **kwargs):
        with one_blas_thread():
            return function(*args, **kwargs)
    return single_threaded
