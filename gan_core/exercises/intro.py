"""Checks for the exercises of notebook 00 (introduction).

Each check prints ``Correct: ...`` or ``Not yet: ...`` and returns a bool.
"""
import numpy as np

from ..data import sine_signals
from ..mlp import Discriminator, Generator
from ._verdict import as_array, as_number, call, close, describe, guarded, verdict


@guarded
def check_parameter_counts(n_G, n_D):
    """Check the number of parameters (weights and biases) of the chapter's two networks.

    The generator is 1 -> 10 -> 10 -> 10 and the discriminator 10 -> 10 -> 10 -> 1;
    a dense layer from ``n_in`` to ``n_out`` units has ``n_in * n_out`` weights and
    ``n_out`` biases. The right answer is ``theta.size`` of ``Generator()`` and
    ``Discriminator()``: 240 and 231.
    """
    want_G, want_D = Generator().theta.size, Discriminator().theta.size
    got_G, got_D = as_number(n_G), as_number(n_D)
    if got_G is None or got_D is None:
        bad = [f"{name} is {describe(given)}" for name, got, given in (("n_G", got_G, n_G), ("n_D", got_D, n_D))
               if got is None]
        return verdict(False, "give each count as one whole number", ", ".join(bad))
    ok_G, ok_D = got_G == want_G, got_D == want_D
    if ok_G and ok_D:
        return verdict(True, f"G has {want_G} parameters and D has {want_D}")
    wrong = [name for name, ok in (("G", ok_G), ("D", ok_D)) if not ok]
    return verdict(False, f"the count for {' and '.join(wrong)} is off",
                   "count n_in * n_out weights plus n_out biases for every layer")


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
def check_dimensions(G_in, G_out, D_in, D_out):
    """Check the input and output sizes of the chapter's G and D:
    G maps 1 number to a 10-point signal, D maps a 10-point signal to 1 number."""
    G, D = Generator(), Discriminator()
    want = (G.n_in, G.n_out, D.n_in, D.n_out)
    got = tuple(as_number(v) for v in (G_in, G_out, D_in, D_out))
    if None in got:
        names = [n for n, g in zip(("G_in", "G_out", "D_in", "D_out"), got) if g is None]
        return verdict(False, "give each size as one whole number", f"check {', '.join(names)}")
    if got == want:
        return verdict(True, "G goes from 1 to 10 dimensions (generation), D from 10 to 1 (classification)")
    return verdict(False, "some sizes are off", "G's output and D's input are both one signal")
