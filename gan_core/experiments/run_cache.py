"""A cache on disk for the runs several notebooks show, trained once per machine.

:func:`cached_checkpoints` trains a run through its checkpoints once and reads it back
afterwards; :func:`shared_run` gives the seed-0 runs of :data:`SHARED_RUNS` by name (the
chapter's ``"book"`` run, the ``"recommended"`` one, and notebook 05's ``"D too fast"``);
:func:`start_shared_runs` trains them in background processes, so that notebook 00 can
set them going while the reader (or the test suite) carries on.
A file lock per run makes a second process that asks for a run being trained wait for
it instead of training it again.
"""
import contextlib
import hashlib
import importlib
import json
import os
import subprocess
import sys
import time

import numpy as np

from .probes import checkpoints

#: The modules whose code decides what a run computes; a change to any of them invalidates the cache.
_RUN_SOURCES = ("activations", "config", "data", "errata", "layers", "losses", "mlp", "optim", "recipes", "trainer")

#: The seed-0 runs that notebooks 00, 04, 05 and 07 show, by name: the recipe, its changes, and the
#: iterations at which 500 samples are kept. "D too fast" is notebook 05's run that fails on purpose
#: (D's step size ten times the recommended one, G's a tenth of it, for 3,000 iterations).
SHARED_RUNS = {"book": ("book", {}, (0, 300, 1000, 3000, 10000, 30000, 50000)),
               "recommended": ("recommended", {}, (0, 100, 300, 1000, 2000, 3000, 5000, 10000, 20000)),
               "D too fast": ("recommended", {"ITER_NUM": 3000, "step_size_D": 0.02, "step_size_G": 0.0002}, (3000,))}


def cache_directory():
    """Where :func:`cached_checkpoints` keeps its files: ``$GAN_BASICS_CACHE`` or ``~/.cache/gan_basics``."""
    return os.environ.get("GAN_BASICS_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "gan_basics")


def _run_key(recipe, seed, at, n, overrides):
    from ..recipes import get_recipe
    digest = hashlib.sha256()
    config = get_recipe(recipe).replace(**overrides).to_dict()
    digest.update(json.dumps([recipe, int(seed), [int(a) for a in at], int(n), config], sort_keys=True, default=str).encode())
    for name in _RUN_SOURCES:
        module = importlib.import_module(f"gan_core.{name}")
        with open(os.path.abspath(module.__file__), "rb") as f:
            digest.update(f.read())
    digest.update(np.__version__.encode())
    digest.update(_blas_kernels().encode())
    return f"{recipe}-seed{int(seed)}-{digest.hexdigest()[:16]}"


def _base(recipe, seed, at, n, overrides, directory=None):
    """The path, without its suffixes, of the cached files of that run (in ``directory``, default the cache)."""
    folder = cache_directory() if directory is None else directory
    return os.path.join(folder, _run_key(recipe, seed, at, n, overrides))


def _blas_kernels():
    """The BLAS libraries and the kernels they picked (``OPENBLAS_CORETYPE`` changes the
    latter, and with it the last digits of every product): part of a cached run's key."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return ""
    return ";".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')}" for i in threadpool_info()
                    if i.get("user_api") == "blas")


def other_blas_kernel():
    """The OpenBLAS kernel that notebook 04 compares this process's against: ``"Prescott"``
    (an old, generic x86 kernel), or ``"Sandybridge"`` when ``OPENBLAS_CORETYPE`` already is Prescott."""
    return "Sandybridge" if os.environ.get("OPENBLAS_CORETYPE", "").lower() == "prescott" else "Prescott"


@contextlib.contextmanager
def _training_lock(path):
    """Hold an exclusive lock on the file ``path`` (``fcntl.flock``, released when the
    process ends, however it ends) for the duration of the block. Where there is no
    ``fcntl`` (Windows) or the file cannot be created, the block runs unlocked."""
    try:
        import fcntl
        handle = open(path, "a")
    except (ImportError, OSError):
        handle = None
    if handle is None:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)   # waits while another process trains this run
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _load(base, at):
    """The run and checkpoints stored under ``base``, or None where they are missing, unreadable or others."""
    from ..persistence import RunFileError, load_run
    try:
        loaded = load_run(base + ".npz")
        with np.load(base + "-checkpoints.npz") as f:
            cp = {"iterations": f["iterations"], "samples": list(f["samples"]), "seconds": float(f["seconds"])}
    except (FileNotFoundError, RunFileError, OSError, KeyError, ValueError):
        return None
    if loaded.iteration == at[-1] and list(cp["iterations"]) == at:
        return loaded, cp
    return None


def cached_checkpoints(recipe="recommended", seed=0, at=None, n=500, directory=None, **overrides):
    """``(trainer, checkpoints)``: ``Trainer(recipe=recipe, seed=seed, **overrides)`` trained
    through :func:`~gan_core.experiments.probes.checkpoints` ``at`` the given iterations
    (default: its ``ITER_NUM``) with ``n`` samples each, computed once and then read back from disk.

    Notebooks 00, 04, 05 and 07 show the same runs; this trains each once and lets
    the later notebooks (and later executions) read it back. The file name holds a
    hash of the settings, of the code that trains, of NumPy's version and of the BLAS
    kernel (``OPENBLAS_CORETYPE``), so a change to any of them trains afresh. A loaded
    run continues exactly (``gan_core.persistence``), with its history. The
    checkpoints also hold ``"seconds"``: how long the training (with the checkpoints'
    sampling) took when it was done. While one process trains a run it holds a lock
    on ``<name>.lock``; another process asking for the same run waits, then reads it.
    A cache that cannot be written (a read-only home) is skipped silently.
    """
    from ..persistence import save_run
    from ..trainer import Trainer
    trainer = Trainer(recipe=recipe, seed=seed, **overrides)
    at = [trainer.config.ITER_NUM] if at is None else [int(a) for a in at]
    base = _base(recipe, seed, at, n, overrides, directory)
    found = _load(base, at)
    if found is not None:
        return found
    with contextlib.suppress(OSError):
        os.makedirs(os.path.dirname(base), exist_ok=True)
    with _training_lock(base + ".lock"):
        found = _load(base, at)           # trained by another process while this one waited
        if found is not None:
            return found
        start = time.perf_counter()
        cp = checkpoints(trainer, at, n=n)
        cp["seconds"] = time.perf_counter() - start
        try:
            save_run(trainer, base + ".npz")
            tmp = base + "-checkpoints.part.npz"
            np.savez(tmp, iterations=cp["iterations"], samples=np.stack(cp["samples"]), seconds=cp["seconds"])
            os.replace(tmp, base + "-checkpoints.npz")
        except OSError:
            pass
    return trainer, cp


def _shared(name):
    if name not in SHARED_RUNS:
        raise ValueError(f"name must be one of {', '.join(map(repr, SHARED_RUNS))}, got {name!r}")
    return SHARED_RUNS[name]


def shared_run(name):
    """The seed-0 run ``name`` of :data:`SHARED_RUNS` (``"book"``, ``"recommended"`` or
    ``"D too fast"``) that several notebooks show: ``cached_checkpoints(recipe, seed=0, at=at,
    n=500, **changes)`` with that entry's ``(recipe, changes, at)``, trained by the first
    notebook that asks for it and read back by the others."""
    recipe, changes, at = _shared(name)
    return cached_checkpoints(recipe, seed=0, at=at, n=500, **changes)


def is_cached(name):
    """Whether :func:`shared_run` ``(name)`` would find its run's files on disk in this process."""
    recipe, changes, at = _shared(name)
    base = _base(recipe, 0, at, 500, changes)
    return os.path.exists(base + ".npz") and os.path.exists(base + "-checkpoints.npz")


def train_in_background(names, niceness=5):
    """What each process of :func:`start_shared_runs` does: lower its own priority
    (``os.nice(niceness)``, where there is one), then ``shared_run(name)`` for each of ``names``."""
    if hasattr(os, "nice"):
        os.nice(niceness)
    for name in names:
        shared_run(name)


def start_shared_runs(other_kernel=True):
    """Start training the shared runs that are not yet cached, in background processes:
    ``shared_run`` of ``"recommended"``, ``"book"`` and ``"D too fast"`` (in the order the
    notebooks ask for them) in one, and (``other_kernel``) ``shared_run("book")`` under
    ``OPENBLAS_CORETYPE=other_blas_kernel()`` in a second (notebook 04 compares the two).
    Returns the started ``subprocess.Popen`` objects.

    Each process trains exactly what the notebook that shows the run would train, into
    the same cache; a notebook that asks for a run still in training waits for it (the
    lock of :func:`cached_checkpoints`). The processes run at a lower priority (``nice``
    5, and 15 for the second, whose run is needed last), in their own session, so they
    finish even if this kernel stops;
    their error output goes to ``background.log`` in the cache. With every run of this
    kernel cached and ``other_kernel`` False, or with a cache folder that cannot be
    written (where nothing trained could be kept), nothing is started. On a machine's first
    execution of the book this is about 40 s of CPU; on later ones almost none (the second
    process only finds its run cached).
    """
    todo = [name for name in ("recommended", "book", "D too fast") if not is_cached(name)]
    jobs = [(todo, {}, 5)] if todo else []
    if other_kernel:
        jobs.append((["book"], {"OPENBLAS_CORETYPE": other_blas_kernel()}, 15))
    if not jobs:
        return []
    folder = cache_directory()
    with contextlib.suppress(OSError):
        os.makedirs(folder, exist_ok=True)
    try:
        log = open(os.path.join(folder, "background.log"), "ab")
    except OSError:  # a cache that cannot be written keeps nothing: training in the background would be wasted
        return []
    package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)
    started = []
    for names, env, niceness in jobs:
        code = f"from gan_core.experiments.run_cache import train_in_background; train_in_background({names!r}, {niceness})"
        started.append(subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": path, **env},
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                                        start_new_session=True))
    log.close()
    return started
