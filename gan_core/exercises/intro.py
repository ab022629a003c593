"""Checks for the exercises of notebook 00 (introduction).

Each check prints ``Correct: ...`` or ``Not yet: ...`` and returns a bool.
"""
import numpy as np

from ..data import SINE_RANGES, sine_signals
from ..metrics import fit_sines
from ._verdict import as_array, as_number, call, call_for_array, close, describe, guarded, verdict

#: Layer sizes the parameter-count check tries: the chapter's G and D, the
#: recommended G and D, and two shapes a reader has not seen.
COUNT_CASES = ((1, 10, 10, 10), (10, 10, 10, 1), (5, 32, 32, 10), (10, 80, 80, 1), (3, 7), (4, 6, 5, 3, 2))


def _dense_count(sizes, biases=True):
    return sum(a * b + (b if biases else 0) for a, b in zip(sizes[:-1], sizes[1:]))


@guarded
def check_count_parameters(count_parameters):
    """Check ``count_parameters(sizes)``: the number of weights and biases of a dense
    network with layer sizes ``sizes`` (a tuple such as ``(1, 10, 10, 10)``), which is
    the sum over consecutive pairs of ``n_in * n_out + n_out``. Tried on the chapter's
    G and D, the recommended G and D and two other shapes."""
    for sizes in COUNT_CASES:
        ok, got = call(count_parameters, "count_parameters", sizes)
        if not ok:
            return verdict(False, "count_parameters raised an error" if callable(count_parameters)
                           else "pass your function", got)
        n = as_number(got)
        if n is None:
            return verdict(False, "count_parameters must return one whole number", f"it returned {describe(got)}")
        want = _dense_count(sizes)
        if n != want:
            if n == _dense_count(sizes, biases=False):
                hint = "you counted the weights only: every layer also has n_out biases"
            else:
                hint = "add n_in * n_out weights and n_out biases for each pair of consecutive sizes"
            return verdict(False, f"count_parameters{sizes} is off", hint)
    return verdict(True, "count_parameters gives the right total for all six networks, "
                         "the chapter's G (240) and D (231) included")


@guarded
def check_sine(my_sine):
    """Check ``my_sine(x0, freq, mult)``: it must return the 10 values
    ``mult * sin(x0 + freq * i)`` for ``i = 0 .. 9`` (a real sample's formula),
    compared with ``gan_core.sine_signals`` on several parameter sets."""
    cases = [(0.0, 1.2, 0.5), (0.5, 1.35, 0.65), (1.0, 1.5, 0.8), (0.0, 0.2, 1.0)]
    for x0, freq, mult in cases:
        ok, out = call(my_sine, "my_sine", x0, freq, mult)
        if not ok:
            return verdict(False, "my_sine raised an error" if callable(my_sine) else "pass your function", out)
        got = as_array(out)
        if got is None:
            return verdict(False, "my_sine must return 10 numbers", f"it returned {describe(out)}")
        got = got.ravel()
        want = sine_signals(x0, freq, mult)[0]
        if got.shape != want.shape:
            return verdict(False, "my_sine must return 10 numbers", f"got shape {got.shape}")
        if not close(got, want, 1e-9):
            return verdict(False, f"my_sine{(x0, freq, mult)} differs from mult * sin(x0 + freq * i)",
                           f"the first value should be {want[0]:.4f}; i runs over 0 .. 9")
    return verdict(True, "my_sine draws the same curves as gan_core.sine_signals")


@guarded
def check_real_sampler(draw_real):
    """Check ``draw_real(n, rng)``: ``n`` real samples as an ``(n, 10)`` array, each row
    ``mult * sin(x0 + freq * i)`` with its own ``x0``, ``freq`` and ``mult`` drawn
    uniformly from ``gan_core.SINE_RANGES`` with ``rng``. Tested on 2,000 rows: every row
    must be such a sine (fit residual below 1e-6), its fitted parameters inside the
    ranges, and each parameter must spread over its range (standard deviation at
    least 70% of a uniform's)."""
    n = 2000
    bad, got = call_for_array(draw_real, "draw_real", n, np.random.default_rng(0))
    if bad:
        return verdict(False, bad, got)
    x = as_array(got)
    if x.shape != (n, 10):
        return verdict(False, "draw_real(n, rng) must return an array of shape (n, 10)",
                       f"draw_real(2000, rng) gave shape {x.shape}")
    if not np.all(np.isfinite(x)):
        return verdict(False, "draw_real returned NaN or infinite values", "every entry must be a number")
    fit = fit_sines(x)
    if np.max(fit["rmse"]) > 1e-6:
        return verdict(False, "some rows are not of the form mult * sin(x0 + freq * i)",
                       "use i = 0 .. 9 and the sine, not the cosine")
    for name, (lo, hi) in SINE_RANGES.items():
        values = fit[name]
        if values.min() < lo - 1e-6 or values.max() > hi + 1e-6:
            return verdict(False, f"some values of {name} fall outside its range",
                           f"draw {name} uniformly between {lo} and {hi}")
        if values.std() < 0.7 * (hi - lo) / np.sqrt(12):
            return verdict(False, f"{name} hardly varies from row to row",
                           "draw new parameters for every sample, not one set for the whole batch")
    return verdict(True, "every row is a sine with its own phase, frequency and amplitude, "
                         "spread over the real ranges")
