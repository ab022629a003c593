"""Train a setting, measure it, sweep a grid over seeds.

* :func:`measure` is :func:`gan_core.metrics.evaluate` plus ``box_cells``
  (:func:`box_coverage`): the share of the 64 cells of the real parameter box
  that the valid samples reach.
* :func:`run` trains one setting (a recipe plus overrides) for one seed, times
  it and measures the generated signals.
* :func:`sweep` does that for every combination of a few hyperparameter values
  and seeds, one ``Trainer`` after the other, and returns a :class:`Sweep`.
  :func:`gan_core.experiments.vectorised.parallel_sweep` does the same with all
  the runs side by side, for the settings that keep the networks' shapes.
"""
import itertools
import time
from dataclasses import dataclass, field

import numpy as np

from ..data import SINE_RANGES
from ..metrics import evaluate, fit_sines, valid_mask
from ..trainer import Trainer
from .reporting import LABELS, format_number, format_setting

#: The figures :meth:`Sweep.format` prints by default.
DEFAULT_KEYS = ("valid_fraction", "mmd2", "nn1_accuracy", "coverage_std_freq")


#: Shorthands accepted by :func:`sweep`, :func:`parallel_sweep` and :class:`ParallelRuns`:
#: each sets the same value for G and D.
ALIASES = {"step_size": ("step_size_G", "step_size_D"), "hidden": ("G_HIDDEN", "D_HIDDEN")}


def expand_aliases(settings):
    """Replace the shorthands of :data:`ALIASES` by the fields they stand for
    (``{"step_size": v}`` -> ``{"step_size_G": v, "step_size_D": v}``)."""
    s = dict(settings)
    for alias, fields in ALIASES.items():
        if alias in s:
            v = s.pop(alias)
            for f in fields:
                s.setdefault(f, v)
    return s


# --------------------------------------------------------------------------- measuring
def box_coverage(samples, cells=4, fit=None):
    """Share of the ``cells**3`` equal cells of the real parameter box (x0, freq, mult)
    that hold at least one valid generated sample.

    Real samples at n = 500 reach all 64 cells of the default 4 x 4 x 4 grid; a
    generator confined to a curve reaches only the cells along it, one confined
    to a surface more, and only a generator that varies all three parameters
    independently can reach them all.
    """
    fit = fit_sines(samples) if fit is None else fit
    ok = valid_mask(samples, fit=fit)
    idx = []
    for name in ("x0", "freq", "mult"):
        lo, hi = SINE_RANGES[name]
        idx.append(np.clip(np.floor((fit[name][ok] - lo) / (hi - lo) * cells), 0, cells - 1).astype(np.intp))
    if not ok.any():
        return 0.0
    flat = (idx[0] * cells + idx[1]) * cells + idx[2]
    return float(np.unique(flat).size / cells ** 3)


def measure(samples):
    """``gan_core.metrics.evaluate(samples)`` plus ``"box_cells"`` (:func:`box_coverage`) and
    ``"cell_distance"`` (:func:`gan_core.experiments.probes.box_cell_distance`), all from one
    ``fit_sines(samples)`` (the fit is most of the cost)."""
    from .probes import box_cell_distance
    fit = fit_sines(samples)
    report = evaluate(samples, fit=fit)
    report["box_cells"] = box_coverage(samples, fit=fit)
    report["cell_distance"] = box_cell_distance(samples, fit=fit)
    return report


# --------------------------------------------------------------------------- one run
@dataclass
class Result:
    """One trained setting: what was changed, how long it took, how good it is.

    ``report`` is the dict of :func:`measure` on ``n_eval`` samples; ``seconds`` the training time (wall clock, varies between machines).
    """

    settings: dict
    seed: int
    iterations: int
    seconds: float
    report: dict
    trainer: object = field(default=None, repr=False)

    @property
    def us_per_iteration(self):
        """Training time per iteration in microseconds."""
        return 1e6 * self.seconds / max(self.iterations, 1)

    def __getitem__(self, key):
        if key == "seconds":
            return self.seconds
        if key == "us_per_iteration":
            return self.us_per_iteration
        return self.report[key]


def run(recipe="recommended", seed=0, iterations=None, n_eval=500, keep=True, **overrides):
    """Train ``recipe`` with ``overrides`` for ``iterations`` (default its ``ITER_NUM``),
    time the training, and measure ``n_eval`` samples with ``evaluate``.

    Returns a :class:`Result`; its ``trainer`` is kept unless ``keep=False``.
    """
    trainer = Trainer(recipe=recipe, seed=seed, **expand_aliases(overrides))
    if iterations is None:
        iterations = trainer.config.ITER_NUM
    start = time.perf_counter()
    trainer.train(iterations)
    seconds = time.perf_counter() - start
    report = measure(trainer.sample(n_eval))
    return Result(dict(overrides), seed, int(iterations), seconds, report, trainer if keep else None)


class Sweep:
    """The results of :func:`sweep`: one :class:`Result` per (combination, seed).

    ``axes`` maps each swept hyperparameter to its values, in the order given.
    """

    def __init__(self, axes, results, seeds):
        self.axes = dict(axes)
        self.results = list(results)
        self.seeds = tuple(seeds)

    @property
    def shape(self):
        return tuple(len(v) for v in self.axes.values())

    def combinations(self):
        """Every combination of the axes' values, as dicts, in sweep order."""
        names = list(self.axes)
        return [dict(zip(names, combo)) for combo in itertools.product(*self.axes.values())]

    def values(self, key, reduce=np.mean):
        """``key`` (a figure of ``evaluate``, ``"seconds"`` or ``"us_per_iteration"``)
        for every combination, reduced over seeds (mean by default), shaped like
        the grid: ``(len(axis_1), len(axis_2), ...)``."""
        k = len(self.seeds)
        flat = np.array([r[key] for r in self.results], dtype=float).reshape(-1, k)
        return reduce(flat, axis=1).reshape(self.shape)

    def format(self, keys=DEFAULT_KEYS, digits=2, approx=False, time=True):
        """A text table: one line per combination, seed means of ``keys`` with
        ``digits`` significant digits (``approx=True`` prefixes them with ``≈``),
        and the time per iteration if ``time``."""
        names = list(self.axes)
        heads = names + [LABELS.get(k, k) for k in keys] + (["us/it"] if time else [])
        cols = {k: self.values(k).ravel() for k in keys}
        us = self.values("us_per_iteration").ravel()
        lines = []
        for i, combo in enumerate(self.combinations()):
            cells = [format_setting(combo[n]) for n in names]
            cells += [("≈" if approx else "") + format_number(cols[k][i], digits) for k in keys]
            if time:
                cells.append(f"{us[i]:.0f}")
            lines.append(cells)
        widths = [max(len(h), *(len(row[j]) for row in lines)) for j, h in enumerate(heads)]
        out = ["  ".join(h.rjust(w) for h, w in zip(heads, widths))]
        out += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in lines]
        return "\n".join(out)

    def __repr__(self):
        return f"Sweep(axes={self.axes}, seeds={self.seeds}, runs={len(self.results)})"


def sweep(axes, recipe="recommended", iterations=None, seeds=(0,), n_eval=500, keep=False, **fixed):
    """Train every combination of ``axes`` (a dict: hyperparameter -> list of values)
    for every seed, on top of ``recipe`` and the ``fixed`` overrides, and measure each.

    Example: ``sweep({"Z_DIM": [1, 3, 5]}, iterations=3000, ITER_NUM=3000)``. The
    shorthands ``"step_size"`` and ``"hidden"`` set G's and D's value together.
    Runs one after the other; the cost is ``len(seeds) * prod(len(values))`` runs.
    """
    if not axes:
        raise ValueError("axes must name at least one hyperparameter to sweep")
    names = list(axes)
    results = []
    for combo in itertools.product(*axes.values()):
        settings = expand_aliases({**fixed, **dict(zip(names, combo))})
        for seed in seeds:
            results.append(run(recipe, seed=seed, iterations=iterations, n_eval=n_eval, keep=keep, **settings))
    return Sweep(axes, results, seeds)


