"""The one number formatter of the book, and claims stated as sentences.

Chaotic runs. Training with mini-batches and Adam is chaotic: a difference in
the 16th digit of one weight (which is what another CPU's arithmetic, or
another BLAS kernel, produces) grows to about 0.1 within a few thousand
iterations. Such a run ends in a different place on another machine, with
quality figures that differ in the second digit. The book prints them with
:func:`approx` (``"≈0.88"``) in cells whose output is not compared, and checks
the conclusions drawn from them with :func:`confirm`, whose margins are wide
enough to hold on any machine.
"""
import numpy as np

#: Short column titles for the figures of ``gan_core.metrics.evaluate``.
LABELS = {
    "valid_fraction": "valid", "mmd2": "MMD2", "nn1_accuracy": "1-NN",
    "coverage_std_x0": "std x0", "coverage_std_freq": "std freq", "coverage_std_mult": "std mult",
    "coverage_bins_x0": "bins x0", "coverage_bins_freq": "bins freq", "coverage_bins_mult": "bins mult",
    "mean_rmse": "fit RMSE", "seconds": "seconds", "us_per_iteration": "us/it", "box_cells": "box cells",
    "cell_distance": "cell dist.",
}


def format_number(x, digits=2):
    """``x`` rounded to ``digits`` significant digits, in plain notation between
    1e-4 and 1e5 and in ``%g`` notation outside (``0.8812 -> "0.88"``,
    ``0.0004123 -> "0.00041"``, ``123456 -> "1.2e+05"``); trailing zeros dropped."""
    x = float(x)
    if x == 0 or not np.isfinite(x):
        return "0" if x == 0 else str(x)
    if 1e-4 <= abs(x) < 1e5:
        decimals = digits - 1 - int(np.floor(np.log10(abs(x))))
        if decimals <= 0:
            return str(int(round(x, decimals)))
        text = f"{round(x, decimals):.{decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{x:.{digits}g}"


def approx(x, digits=2):
    """``"≈0.88"``: a figure of a chaotic run, to ``digits`` significant digits."""
    return "≈" + format_number(x, digits)


def confirm(statement, condition):
    """Print ``statement`` as a sentence if ``condition`` holds; raise ``AssertionError`` if not.

    The book states its conclusions about chaotic runs this way, with margins
    wide enough that they hold on any machine. Nothing but the sentence is printed.
    """
    if not bool(condition):
        raise AssertionError(f"claim does not hold: {statement}")
    print(statement[0].upper() + statement[1:] + ("" if statement.endswith((".", "!", "?")) else "."))


def format_setting(v):
    """A hyperparameter value as a table shows it: ``(32, 32) -> "32,32"``, ``None -> "off"``."""
    if isinstance(v, tuple):
        return ",".join(str(w) for w in v)
    if v is None:
        return "off"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)
