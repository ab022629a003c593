"""Checks for the exercises of notebook 07 (what GANs can do)."""
import numpy as np

from ..data import sample_sines
from ._verdict import as_array, as_number, as_whole, call_for_array, describe, guarded, verdict


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
    bad, got = call_for_array(denoise, "denoise", trainer, noisy.copy())
    if bad:
        return verdict(False, bad, got)
    out = as_array(got)
    if out.shape != clean.shape:
        return verdict(False, what, f"expected shape {clean.shape}, got {out.shape}")
    before = float(np.sqrt(np.mean((noisy - clean) ** 2)))
    with np.errstate(all="ignore"):
        after = float(np.sqrt(np.mean((out - clean) ** 2)))
    if not np.isfinite(after):
        return verdict(False, what, "your signals hold NaN or inf")
    return verdict(after <= 0.8 * before, what,
                   f"RMSE to the clean signals {after:.3f}, the noisy ones' {before:.3f}")


@guarded
def check_frequency_control(find_z, trainer, targets=(1.25, 1.35, 1.45), tol=0.02):
    """Exercise 07.2: ``find_z(trainer, freq)`` returns one noise vector ``z`` (shape
    ``(Z_DIM,)``) for which ``trainer.generate(z[None])`` is a sine (fit RMSE below
    0.05) whose fitted frequency lies within ``tol`` of ``freq``, for every target
    in ``targets`` (each in [1.2, 1.5], the real range; ``tol`` in (0, 0.1])."""
    from ..metrics import fit_sines

    what = "your noise vectors steer G to the frequencies asked for"
    z_dim = as_whole(getattr(getattr(trainer, "config", None), "Z_DIM", None), 1, 10**6)
    if z_dim is None or not callable(getattr(trainer, "generate", None)):
        return verdict(False, "pass the run you trained as the second argument",
                       f"trainer must be a gan_core.Trainer such as run, got {describe(trainer)}")
    tol_ = as_number(tol)
    goals = as_array(targets)
    if tol_ is None or not 0 < tol_ <= 0.1 or goals is None or goals.ndim != 1 or not 1 <= goals.size <= 10 \
            or not np.all((goals >= 1.2) & (goals <= 1.5)):
        return verdict(False, what, "targets must be 1 to 10 frequencies in [1.2, 1.5] and tol a number in "
                                    "(0, 0.1]; leave them out to use (1.25, 1.35, 1.45) and 0.02")
    worst = 0.0
    for goal in goals:
        bad, got = call_for_array(find_z, "find_z", trainer, float(goal))
        if bad:
            return verdict(False, bad, got)
        z = as_array(got)
        if z.size != z_dim or not np.isfinite(z).all():
            return verdict(False, what, f"return one finite noise vector of {z_dim} numbers, got {describe(got)}")
        fit = fit_sines(trainer.generate(z.reshape(1, z_dim)))
        if fit["rmse"][0] >= 0.05:
            return verdict(False, what, f"for {goal:g} the generated signal is not a sine (fit RMSE "
                                        f"{fit['rmse'][0]:.3f}); search among G's outputs that fit a sine")
        worst = max(worst, abs(float(fit["freq"][0]) - goal))
    return verdict(worst <= tol_, f"{what} (largest miss {worst:.3f}, allowed {tol_:g})",
                   "draw many noise vectors, fit a sine to each output and keep the closest")
