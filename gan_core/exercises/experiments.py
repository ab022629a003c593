"""Checks for the exercises of notebook 06 (experiments)."""
import numpy as np

from ..data import sample_sines, sine_signals
from ..experiments import box_coverage
from ._verdict import as_array, as_number, as_whole, call, close, describe, guarded, verdict


# --------------------------------------------------------------------------- notebook 06
def _coverage_sets():
    rng = np.random.default_rng(21)
    t = rng.uniform(0, 1, 300)
    line = sine_signals(t, 1.2 + 0.3 * t, 0.5 + 0.3 * t)
    corner = sine_signals(rng.uniform(0, 0.2, 300), rng.uniform(1.2, 1.26, 300), rng.uniform(0.5, 0.56, 300))
    wild = sine_signals(rng.uniform(-1, 2, 300), rng.uniform(1.0, 1.7, 300), rng.uniform(0.3, 1.0, 300))
    return [("500 real samples", sample_sines(500, rng)), ("sines along a diagonal", line),
            ("sines in one corner", corner), ("sines partly outside the ranges", wild),
            ("noise, no sines at all", rng.uniform(-1, 1, (200, 10)))]


@guarded
def check_cells_reached(cells_reached):
    """Exercise 06.1: ``cells_reached(samples, cells=4)`` must equal
    ``gan_core.experiments.box_coverage`` on five test sets (and for ``cells=2``)."""
    wrong = []
    for name, samples in _coverage_sets():
        for cells in (4, 2):
            ok, out = call(cells_reached, "cells_reached", samples.copy(), cells=cells)
            if not ok:
                return verdict(False, "your cells_reached", f"on {name}: {out}")
            got = as_number(out)
            if got is None:
                return verdict(False, "your cells_reached must return one number (a share in [0, 1])",
                               f"on {name} it returned {describe(out)}")
            want = box_coverage(samples, cells=cells)
            if not close(got, want, 1e-12):
                wrong.append(f"{name}, cells={cells}: expected {want:.4f}")
    return verdict(not wrong, "your cells_reached agrees with box_coverage", "; ".join(wrong[:2]))


@guarded
def check_cells_on_a_line(answer, cells=4):
    """Exercise 06.3: the largest number of cells of a ``cells x cells x cells`` grid that
    one straight segment can pass through (``3 * (cells - 1) + 1``: it enters a new
    cell only when it crosses one of the ``cells - 1`` inner planes of an axis)."""
    cells_ = as_whole(cells, 1, 10**6)
    if cells_ is None:
        return verdict(False, "cells on a line", "cells must be a whole number in [1, 1000000]; leave it out to use 4")
    cells = cells_
    expected = 3 * (cells - 1) + 1
    number = as_number(answer)
    if number is None or not number.is_integer():
        return verdict(False, "cells on a line", f"expected a whole number, got {describe(answer)}")
    value = int(number)
    if value == expected:
        return verdict(True, f"a straight segment passes through at most {expected} of the {cells ** 3} cells")
    return verdict(False, "cells on a line", "count the inner planes a segment can cross along each axis")



def _adam_ratio(g_big, n_big, g_small, n_small, beta1, beta2):
    """The last step of :class:`gan_core.optim.Adam` on one parameter, divided by the step size."""
    from ..optim import Adam
    opt = Adam(1, beta1, beta2)
    theta = np.zeros(1)
    for g in [g_big] * n_big + [g_small] * n_small:
        before = theta.copy()
        opt.step(theta, np.array([g], dtype=float), 1.0)
    return float(abs(theta[0] - before[0]))


#: (g_big, n_big, g_small, n_small, beta1, beta2) cases of exercise 06.2.
STEP_RATIO_CASES = [(1.0, 100, 0.01, 200, 0.5, 0.999), (1.0, 100, 0.01, 200, 0.5, 0.9),
                    (0.3, 300, 0.001, 1, 0.5, 0.999), (2.0, 10, 2.0, 10, 0.9, 0.999),
                    (5.0, 50, -0.05, 500, 0.5, 0.999)]


@guarded
def check_step_ratio(step_ratio):
    """Exercise 06.2: ``step_ratio(g_big, n_big, g_small, n_small, beta1, beta2)`` must
    give the length of Adam's last step over the step size, to a relative 1e-4, in
    the cases of :data:`STEP_RATIO_CASES` (Adam simulated with ``gan_core.optim.Adam``)."""
    what = "your step_ratio matches Adam's steps"
    for case in STEP_RATIO_CASES:
        ok, out = call(step_ratio, "step_ratio", *case)
        if not ok:
            return verdict(False, what, out)
        got = as_number(out)
        if got is None:
            return verdict(False, what, f"return one number (a ratio); it returned {describe(out)}")
        want = _adam_ratio(*case)
        if not abs(got - want) <= 1e-4 * max(want, 1e-6):
            g_big, n_big, g_small, n_small, b1, b2 = case
            hint = ("remember the bias correction sqrt(1 - beta2**t) / (1 - beta1**t), with t counting every step"
                    if abs(got) > 0 and np.isfinite(got) else "the ratio is a positive number")
            return verdict(False, what, f"for {n_big} steps of {g_big} then {n_small} of {g_small} "
                                        f"(beta1 {b1}, beta2 {b2}) yours is too {'high' if got > want else 'low'}; {hint}")
    return verdict(True, f"{what}: after 100 gradients of 1, 200 gradients of 0.01 move a parameter by only "
                         "a few hundredths of the step size, because v still remembers the large ones")
