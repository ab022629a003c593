"""gan_core.losses: the BCE and generator-loss gradients agree with central finite differences."""
import numpy as np
import pytest

import gan_core
from gan_core import losses
from gan_core.gradcheck import numerical_gradient, relative_error

TOL = 1e-6


@pytest.fixture
def rng():
    return np.random.default_rng(2024)


def test_bce_gradient_and_fused_sigmoid_gradient(rng):
    a = rng.normal(size=(7, 1))
    sig = gan_core.Sigmoid()
    for t in (0.0, 1.0, 0.3):
        p = sig(a)
        num_p = numerical_gradient(lambda: losses.bce(p, t), p)
        assert relative_error(losses.bce_grad(p, t), num_p) < TOL
        num_a = numerical_gradient(lambda: losses.bce(sig(a), t), a)
        assert relative_error(losses.sigmoid_bce_grad(sig(a), t), num_a) < TOL


@pytest.mark.parametrize("kind", ["non_saturating", "saturating"])
def test_generator_logit_gradient(kind, rng):
    a = rng.normal(size=(5, 1))
    sig = gan_core.Sigmoid()
    num = numerical_gradient(lambda: losses.generator_loss(sig(a), kind), a)
    assert relative_error(losses.generator_logit_grad(sig(a), kind), num) < TOL


def test_bce_clamps_without_touching_its_input():
    p = np.array([[0.0], [1.0]])
    assert np.isfinite(losses.bce(p, 1))
    assert np.array_equal(p, [[0.0], [1.0]])


def test_one_small_step_descends_the_discriminator_loss(rng):
    """One SGD step with a tiny step size along D's BCE gradient lowers D's loss on its batch."""
    t = gan_core.Trainer(recipe="book", seed=3, GRADIENT_CLIP=None, WEIGHT_CLIP=None, step_size_D=1e-3)
    x = gan_core.sample_sines(1, rng)
    before = losses.bce(t.D.forward(x), 1)
    t.D.backward_preactivation(losses.sigmoid_bce_grad(t.D.forward(x), 1.0))
    t.D.theta -= 1e-3 * t.D.grad
    assert losses.bce(t.D.forward(x), 1) < before


def test_bce_takes_an_array_of_targets():
    from gan_core.losses import bce
    p = np.array([[0.2], [0.7], [0.9]])
    t = np.array([[1.0], [0.0], [1.0]])
    want = -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
    assert bce(p, t) == pytest.approx(want, rel=1e-12)
    assert bce(p, 1) == pytest.approx(-np.mean(np.log(p)), rel=1e-12)
    assert bce(p, 0) == pytest.approx(-np.mean(np.log(1 - p)), rel=1e-12)
