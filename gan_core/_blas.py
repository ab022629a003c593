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

``threadpoolctl`` does the limiting; without it the context does nothing.
It changes no result, only the speed.
"""
import contextlib

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
