"""Checks for the exercises of notebooks 06 (experiments) and 07 (what GANs can do)."""
import numpy as np

from ..data import SINE_RANGES, sample_sines, sine_signals
from ..experiments import box_coverage
from ._verdict import as_array, as_number, as_whole, call, close, describe, guarded, verdict


# --------------------------------------------------------------------------- notebook 06
def solution_cells_reached(samples, cells=4):
    """Reference solution of exercise 06.1: the share of the ``cells**3`` cells of the
    real parameter box that hold at least one valid sample."""
    from ..metrics import fit_sines, valid_mask

    fit = fit_sines(samples)
    ok = valid_mask(samples, fit=fit)
    if not ok.any():
        return 0.0
    index = np.zeros(int(ok.sum()), dtype=int)
    for name in ("x0", "freq", "mult"):
        lo, hi = SINE_RANGES[name]
        k = np.clip(np.floor((fit[name][ok] - lo) / (hi - lo) * cells), 0, cells - 1).astype(int)
        index = index * cells + k
    return len(np.unique(index)) / cells ** 3


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
    """Exercise 06.2: the largest number of cells of a ``cells x cells x cells`` grid that
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


# --------------------------------------------------------------------------- notebook 07
def solution_denoise(trainer, noisy, starts=8, steps=200, step_size=0.05, prior=0.01, seed=0):
    """Reference solution of exercise 07.1: project each noisy signal onto the
    generator's outputs. For every row, gradient descent with Adam on ``z`` (from
    ``starts`` random starting points) minimises ``mean_i (G(z)_i - y_i)^2 + prior ||z||^2``;
    the best start's ``G(z)`` is returned."""
    G = trainer.sampler
    z_dim = trainer.config.Z_DIM
    y = np.repeat(np.asarray(noisy, dtype=float), starts, axis=0)
    z = np.random.default_rng(seed).standard_normal((y.shape[0], z_dim))
    m, v = np.zeros_like(z), np.zeros_like(z)
    for t in range(1, steps + 1):
        x = G.forward(z)
        grad_z = G.backward(2.0 * (x - y) / y.shape[1]) + 2.0 * prior * z
        m = 0.9 * m + 0.1 * grad_z
        v = 0.999 * v + 0.001 * grad_z * grad_z
        z -= step_size * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    x = G.forward(z)
    loss = ((x - y) ** 2).mean(axis=1).reshape(-1, starts)
    best = np.arange(loss.shape[0]) * starts + loss.argmin(axis=1)
    return x[best]


@guarded
def check_denoiser(denoise, trainer, noise=0.15, n=16):
    """Exercise 07.1: ``denoise(trainer, noisy)`` on ``n`` real sines with Gaussian
    noise of standard deviation ``noise`` must land at least 20% closer (RMSE) to
    the clean signals than the noisy ones are: ``RMSE(out) <= 0.8 RMSE(noisy)``
    (``noise`` in (0, 10], ``n`` a whole number in [1, 10000])."""
    what = "your denoiser removes at least 20% of the noise"
    x_dim = as_whole(getattr(getattr(trainer, "config", None), "X_DIM", None), 1, 10**6)
    if x_dim is None or getattr(trainer, "sampler", None) is None:
        return verdict(False, "pass the run you trained as the second argument",
                       f"trainer must be a gan_core.Trainer such as run, got {describe(trainer)}")
    noise_, n_ = as_number(noise), as_whole(n, 1, 10**4)
    if noise_ is None or not 0 < noise_ <= 10 or n_ is None:
        return verdict(False, what, "noise must be a number in (0, 10] and n a whole number in [1, 10000]; "
                                    "leave them out to use 0.15 and 16")
    noise, n = noise_, n_
    rng = np.random.default_rng(99)
    clean = sample_sines(n, rng, x_dim=x_dim)
    noisy = clean + noise * rng.standard_normal(clean.shape)
    ok, got = call(denoise, "denoise", trainer, noisy.copy())
    if not ok:
        return verdict(False, what, got)
    out = as_array(got)
    if out is None:
        return verdict(False, what, f"return the denoised signals as an array; it returned {describe(got)}")
    if out.shape != clean.shape:
        return verdict(False, what, f"expected shape {clean.shape}, got {out.shape}")
    before = float(np.sqrt(np.mean((noisy - clean) ** 2)))
    with np.errstate(all="ignore"):
        after = float(np.sqrt(np.mean((out - clean) ** 2)))
    if not np.isfinite(after):
        return verdict(False, what, "your signals hold NaN or inf")
    return verdict(after <= 0.8 * before, what,
                   f"RMSE to the clean signals {after:.3f}, the noisy ones' {before:.3f}")
