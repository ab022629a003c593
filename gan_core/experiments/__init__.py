"""Helpers for the book's experiments (notebooks 04-07), one idea a module:

* :mod:`.sweeps`: :func:`run` one setting, :func:`sweep` a grid over seeds
  (one ``Trainer`` after another), :func:`measure` and :func:`box_coverage`;
* :mod:`.vectorised`: :class:`ParallelRuns`, K runs side by side in stacked
  arrays through the same optimizer, clips, decay and weight averaging as
  ``Trainer``; :func:`parallel_sweep` and :func:`seeds_side_by_side`;
* :mod:`.probes`: :func:`checkpoints`, :func:`mmd_curve`, :func:`latent_walk`,
  :func:`discriminator_scores`;
* :mod:`.run_cache`: :func:`shared_run`, the cached seed-0 runs that several
  notebooks show, :func:`cached_checkpoints` and :func:`start_shared_runs`;
* :mod:`.processes`: :func:`train_in_processes` and :func:`call_in_processes`,
  independent experiments on several CPU cores, with the same numbers, and
  :class:`WorkerPool`, the same in the background;
* :mod:`.reporting`: the one number formatter (:func:`format_number`),
  :func:`approx` and :func:`confirm` for figures of chaotic runs.
"""
from .processes import WorkerPool, call_in_processes, train_in_processes
from .probes import checkpoints, discriminator_scores, latent_walk, mmd_curve
from .run_cache import cached_checkpoints, shared_run, start_shared_runs
from .reporting import LABELS, approx, confirm, format_number, format_setting
from .sweeps import ALIASES, DEFAULT_KEYS, Result, Sweep, box_coverage, expand_aliases, measure, run, sweep
from .vectorised import PARALLEL_FIELDS, ParallelRuns, StackedNet, parallel_sweep, seeds_side_by_side

__all__ = [
    "ALIASES", "DEFAULT_KEYS", "WorkerPool", "call_in_processes", "train_in_processes", "LABELS", "PARALLEL_FIELDS", "ParallelRuns", "Result", "StackedNet", "Sweep",
    "approx", "box_coverage", "checkpoints", "confirm", "discriminator_scores", "expand_aliases",
    "format_number", "format_setting", "latent_walk", "measure", "mmd_curve", "parallel_sweep", "run",
    "seeds_side_by_side", "shared_run", "start_shared_runs", "sweep", "cached_checkpoints",
]
