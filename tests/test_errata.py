"""Tests for gan_core.errata: the chapter's five gradient errors as switches of the real trainer."""
import os
import sys

import numpy as np
import pytest

import gan_core
from gan_core import errata as ER
from gan_core.activations import ReLU, Tanh

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, "bench"))
from chapter_reference import ChapterGAN  # noqa: E402


def test_names_are_checked_and_put_in_canonical_order():
    assert ER.check_errata("all") == ER.ERRATA
    assert ER.check_errata(["D_ascends", "dReLU"]) == ("dReLU", "D_ascends")
    assert ER.check_errata(()) == () == ER.check_errata(None)
    for bad in (["dRelu"], "nope", [1], 5):
        with pytest.raises(ValueError, match="errata must"):
            gan_core.Config(errata=bad)


def test_the_chapters_derivatives_against_its_formulas():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(6, 4))
    dout = rng.normal(size=(6, 4))
    y = ReLU()(z)
    assert np.array_equal(ER.ChapterReLU().backward(y, dout), dout * np.maximum(z, 0))
    y = Tanh()(z)
    assert np.allclose(ER.ChapterTanh().backward(y, dout), dout * (1 - np.tanh(np.tanh(z)) ** 2), atol=1e-15)
    p = np.linspace(1e-9, 1 - 1e-9, 101)[:, None]
    slope = ER.sigmoid_slope_on_output(p)
    assert slope.min() > 0.196 and slope.max() <= 0.25


@pytest.mark.parametrize("names", [(), ("dSigmoid",), ("G_gets_loss_value",), ("dSigmoid", "G_gets_loss_value")])
def test_output_gradients_against_the_chain_rule(names):
    p = np.array([[0.1], [0.6], [0.95]])
    n = 3
    slope = ER.sigmoid_slope_on_output(p) if "dSigmoid" in names else p * (1 - p)
    d_real = (-1 / p) / n * slope
    assert np.allclose(ER.discriminator_logit_grad(p, 1.0, names), d_real if "dSigmoid" in names else (p - 1) / n)
    g_p = (-np.log(p) if "G_gets_loss_value" in names else -1 / p) / n
    assert np.allclose(ER.generator_output_grad(p, "non_saturating", names), g_p * slope)


def _chapter_twin(trainer):
    """The chapter's own code (bench/chapter_reference.py) started from the trainer's weights."""
    cg = ChapterGAN(0, fixed=False)
    for k in range(3):
        cg.gw[k] = trainer.G.params[f"W{k + 1}"].copy()
        cg.gb[k] = trainer.G.params[f"b{k + 1}"].reshape(1, -1).copy()
        cg.dw[k] = trainer.D.params[f"W{k + 1}"].copy()
        cg.db[k] = trainer.D.params[f"b{k + 1}"].reshape(1, -1).copy()
    return cg


class _Fixed:
    def __init__(self):
        self.value = None

    def standard_normal(self, size):
        return self.value.reshape(size)


def test_every_error_on_is_the_chapters_code_step_for_step():
    """Trainer(errata="all") and the chapter's listing, fed the same samples and
    noise from the same weights, stay equal to rounding over 200 iterations."""
    t = gan_core.Trainer(recipe="book", seed=3, errata="all")
    cg = _chapter_twin(t)
    seen = {}
    real_take, noise_take = t._real.take, t._noise.take
    t._real.take = lambda n: seen.__setitem__("x", real_take(n)) or seen["x"]
    t._noise.take = lambda n: seen.__setitem__("z", noise_take(n)) or seen["z"]
    cg.rng = _Fixed()
    for _ in range(200):
        t.step()
        cg.real_sample = lambda: seen["x"][0]
        cg.rng.value = seen["z"][0]
        cg.iteration()
    for k in range(3):
        assert np.max(np.abs(cg.gw[k] - t.G.params[f"W{k + 1}"])) < 1e-12
        assert np.max(np.abs(cg.dw[k] - t.D.params[f"W{k + 1}"])) < 1e-12
        assert np.max(np.abs(cg.db[k][0] - t.D.params[f"b{k + 1}"])) < 1e-12


@pytest.mark.parametrize("recipe", ["book", "recommended"])
def test_no_errata_is_the_exact_run_bit_for_bit(recipe):
    a = gan_core.Trainer(recipe=recipe, seed=2).train(200)
    b = gan_core.Trainer(recipe=recipe, seed=2, errata=()).train(200)
    assert np.array_equal(a.G.theta, b.G.theta) and np.array_equal(a.history.to_array(), b.history.to_array())


def test_errata_switch_live_between_two_steps():
    a = gan_core.Trainer(recipe="book", seed=0).train(50)
    b = gan_core.Trainer(recipe="book", seed=0).train(50)
    b.set(errata=("D_ascends",))
    a.train(1)
    b.train(1)
    assert not np.array_equal(a.D.theta, b.D.theta)
    b.set(errata=())
    assert isinstance(b.G.layers[0].activation, ReLU)
    with pytest.raises(ValueError, match="errata"):
        b.set(errata=("dReLU", "typo"))
    assert b.config.errata == ()


def test_with_every_error_on_it_behaves_as_the_chapters_code_did():
    """Measured on the chapter's code over 8 seeds: D(real) < D(fake) on average over the
    first 1,000 iterations in 8 of 8, and the peak amplitude sinks to 0.29-0.52 by 3,000."""
    swapped, peaks = 0, []
    for seed in range(8):
        t = gan_core.Trainer(recipe="book", seed=seed, errata="all").train(3000)
        swapped += t.history["D_real"][:1000].mean() < t.history["D_fake"][:1000].mean()
        peaks.append(np.median(np.abs(t.sample(500)).max(axis=1)))
    assert swapped == 8
    assert 0.25 < min(peaks) and max(peaks) < 0.55
