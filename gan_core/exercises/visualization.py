"""Checks for the exercises of notebook 05 (visualization)."""
import numpy as np

from ..data import sample_sines, sine_signals
from ..trainer import Trainer
from ._verdict import as_array, as_whole, call, call_for_array, describe, guarded, verdict


def _interpolate(trainer, z_a, z_b, steps):
    """``G`` along the segment from ``z_a`` to ``z_b`` (what exercise 1 asks for)."""
    t = np.linspace(0.0, 1.0, steps)[:, None]
    z = (1 - t) * np.asarray(z_a, float)[None, :] + t * np.asarray(z_b, float)[None, :]
    return trainer.generate(z)


@guarded
def check_interpolation(interpolate, steps=7):
    """Exercise 1: ``interpolate(trainer, z_a, z_b, steps)`` on a small recommended-style
    trainer must equal ``G((1 - t) z_a + t z_b)`` for ``t = 0, 1/(steps-1), ..., 1``
    (``steps`` a whole number in [2, 1000])."""
    what = "your interpolation follows the straight line from z_a to z_b"
    steps_ = as_whole(steps, 2, 1000)
    if steps_ is None:
        return verdict(False, what, "steps must be a whole number in [2, 1000]; leave it out to use 7")
    steps = steps_
    trainer = Trainer(recipe="recommended", seed=0, Z_DIM=3, G_HIDDEN=(8, 8), D_HIDDEN=(8, 8))
    rng = np.random.default_rng(11)
    z_a, z_b = rng.standard_normal(3), rng.standard_normal(3)
    expected = _interpolate(trainer, z_a, z_b, steps)
    bad, out = call_for_array(interpolate, "interpolate", trainer, z_a, z_b, steps)
    if bad:
        return verdict(False, bad, out)
    got = as_array(out)
    if got.shape != expected.shape:
        return verdict(False, what, f"expected shape {expected.shape}, got {got.shape}")
    if not np.allclose(got[[0, -1]], expected[[0, -1]], atol=1e-10):
        return verdict(False, what, "the first and last rows must be G(z_a) and G(z_b)")
    with np.errstate(all="ignore"):
        gap = float(np.abs(got - expected).max())
    if not np.isfinite(gap):
        return verdict(False, what, "some rows hold NaN or inf")
    return verdict(gap <= 1e-10, what, f"largest difference {gap:.2e}; are the points evenly spaced?")


def _test_sets():
    rng = np.random.default_rng(5)
    real = sample_sines(400, rng)
    one = np.repeat(sine_signals(0.5, 1.35, 0.65), 400, axis=0)
    narrow = sine_signals(rng.uniform(0, 1, 400), rng.uniform(1.33, 1.37, 400), rng.uniform(0.5, 0.8, 400))
    noise = rng.uniform(-0.8, 0.8, (400, 10))
    wide_but_half = np.concatenate([real[:150], noise[:250]])
    return [("real samples", real, False), ("one repeated sine", one, True),
            ("valid sines, frequencies in [1.33, 1.37]", narrow, True),
            ("mostly noise", wide_but_half, True)]


def _as_bool(value):
    """``value`` as a bool when it is ``True``/``False`` (Python, NumPy, or a one-element
    bool array), else ``None``: a detector answers yes or no."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, np.ndarray) and value.dtype == bool and value.size == 1:
        return bool(value.reshape(()))
    return None


@guarded
def check_collapse_detector(collapsed):
    """Exercise 2: ``collapsed(samples)`` must say False for real samples and True for
    one repeated sine, for sines of a narrow frequency band, and for a set that is
    mostly not sines."""
    wrong = []
    for name, samples, expected in _test_sets():
        ok, out = call(collapsed, "collapsed", samples.copy())
        if not ok:
            return verdict(False, "your detector", f"on {name}: {out}")
        got = _as_bool(out)
        if got is None:
            return verdict(False, "your detector must return True or False", f"on {name} it returned {describe(out)}")
        if got != expected:
            wrong.append(f"{name}: should be {expected}")
    return verdict(not wrong, "your detector tells collapsed sets from real ones", "; ".join(wrong))
