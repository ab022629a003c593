"""Pool the figures that groups of a class measured, for the projector.

A class splits into groups; each group runs the same experiment with its own seed and reports a
figure (a 1-NN accuracy, a valid fraction, an MMD², ...). ``pool_groups`` turns the groups'
figures into one summary (median, range, mean and its standard error), ``format_pooled`` into one
line to read out, and ``pooled_figure`` into error bars, one point per group::

    from gan_core import classroom
    figures = {"A": 0.543, "B": 0.551, "C": [0.538, 0.547], "D": 0.612}
    print(classroom.format_pooled(classroom.pool_groups(figures), "1-NN accuracy"))
    # 1-NN accuracy: median 0.547, range 0.538 to 0.612, mean 0.558 +/- 0.014 (s.e.), n = 5 from 4 groups

NumPy only at import; ``pooled_figure`` imports matplotlib when called.
"""
import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from ._checks import is_real


class Pooled(NamedTuple):
    """The summary of every group's figures pooled (all floats except the counts)."""
    median: float
    low: float          # the smallest figure
    high: float         # the largest figure
    mean: float
    sem: float          # standard error of the mean, std (ddof=1) / sqrt(n); NaN when n == 1
    n: int              # how many figures
    groups: int         # how many groups gave them


def _group_values(name, group, value):
    """The figures of one group as a list of floats; ValueError naming ``name`` and the group."""
    if isinstance(value, np.ndarray):
        value = value.tolist() if value.ndim else value.item()
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    if not items:
        raise ValueError(f"{name}: group {group!r} gave no figure (an empty list)")
    out = []
    for item in items:
        if not is_real(item) or not math.isfinite(float(item)):
            shown = type(item).__name__ if not is_real(item) else repr(float(item))
            raise ValueError(f"{name}: group {group!r} gave {shown}; every figure must be a finite number")
        out.append(float(item))
    return out


def group_figures(figures, name="figures"):
    """The groups' figures as {group: [float, ...]}: ``figures`` is a mapping group -> a number or a
    list of numbers, or a list (or tuple) whose items (a number or a list each) are groups 1, 2, ...
    Raises ValueError naming ``name`` for anything else: no groups, an empty group, a figure that
    is not a finite number (bools, strings, None, NaN and inf are refused)."""
    if isinstance(figures, Mapping):
        pairs = list(figures.items())
    elif isinstance(figures, (list, tuple, np.ndarray)):
        pairs = [(i + 1, v) for i, v in enumerate(list(figures))]
    else:
        raise ValueError(f"{name} must be a mapping group -> figure(s) or a list of figures, "
                         f"got {type(figures).__name__}")
    if not pairs:
        raise ValueError(f"{name} must hold at least one group's figure, got none")
    return {group: _group_values(name, group, value) for group, value in pairs}


def pool_groups(figures):
    """Pool every figure of every group (see ``group_figures`` for what ``figures`` may be) and
    return a ``Pooled``: the median, the smallest and largest figure, the mean, the standard error of
    the mean (sample standard deviation with ddof=1 over sqrt(n); NaN for a single figure), the
    number of figures n and the number of groups. A group that gives several figures (several seeds)
    contributes each of them."""
    groups = group_figures(figures, "figures")
    values = np.array([v for vs in groups.values() for v in vs], dtype=float)
    n = values.size
    sem = float(values.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    return Pooled(median=float(np.median(values)), low=float(values.min()), high=float(values.max()),
                  mean=float(values.mean()), sem=sem, n=int(n), groups=len(groups))


def format_pooled(pooled, label="figure", digits=3):
    """One line for the projector from a ``Pooled`` (or from what ``pool_groups`` accepts):
    ``"label: median M, range L to H, mean A +/- S (s.e.), n = N from G groups"`` with ``digits``
    decimals; with a single figure the standard error is given as "(no s.e. from one figure)"."""
    if not isinstance(pooled, Pooled):
        pooled = pool_groups(pooled)
    if not isinstance(digits, int) or isinstance(digits, bool) or not 0 <= digits <= 12:
        raise ValueError(f"digits must be an integer in [0, 12], got {digits!r}")
    f = f"{{:.{digits}f}}".format
    sem = "(no s.e. from one figure)" if math.isnan(pooled.sem) else f"+/- {f(pooled.sem)} (s.e.)"
    groups = f"{pooled.groups} group{'' if pooled.groups == 1 else 's'}"
    return (f"{label}: median {f(pooled.median)}, range {f(pooled.low)} to {f(pooled.high)}, "
            f"mean {f(pooled.mean)} {sem}, n = {pooled.n} from {groups}")


def pooled_figure(figures, label="figure", reference=None, title=None):
    """A matplotlib figure of the groups' figures: one dot per figure in its group's column, and at
    the right the pooled mean with an error bar of 2 standard errors and the range as a thin line;
    ``reference`` (a number, e.g. the book's value) is drawn as a dashed line. Returns the Figure."""
    import matplotlib.pyplot as plt

    groups = group_figures(figures, "figures")
    pooled = pool_groups(groups)
    fig, ax = plt.subplots(figsize=(8, 3.5), constrained_layout=True)
    names = [str(g) for g in groups]
    for x, values in enumerate(groups.values()):
        ax.plot([x] * len(values), values, "o", color="tab:blue", alpha=0.8)
    x = len(names)
    ax.vlines(x, pooled.low, pooled.high, color="0.6", lw=1)
    if pooled.n > 1:
        ax.errorbar([x], [pooled.mean], yerr=[2 * pooled.sem], fmt="s", color="tab:red", capsize=6)
    else:
        ax.plot([x], [pooled.mean], "s", color="tab:red")
    if reference is not None:
        ax.axhline(float(reference), color="0.3", ls="--", lw=1, label=f"reference {float(reference):g}")
        ax.legend(loc="best")
    ax.set_xticks(range(len(names) + 1), names + ["pooled\n(mean +/- 2 s.e.)"])
    ax.set_xlabel("group")
    ax.set_ylabel(label)
    ax.set_title(title or f"{label}: {pooled.n} figures from {pooled.groups} groups")
    return fig
