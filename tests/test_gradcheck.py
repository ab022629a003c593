"""Every analytic derivative in gan_core agrees with central finite differences (float64)."""
import numpy as np
import pytest

import gan_core
from gan_core import losses
from gan_core.gradcheck import (check_activation, check_generator_through_discriminator, check_network,
                                numerical_gradient, relative_error)

TOL = 1e-6


@pytest.fixture
def rng():
    return np.random.default_rng(2024)


@pytest.mark.parametrize("act", [gan_core.ReLU(), gan_core.LeakyReLU(0.2), gan_core.LeakyReLU(0.05),
                                 gan_core.Tanh(), gan_core.Sigmoid(), gan_core.Identity()], ids=repr)
def test_activation_derivatives_match_finite_differences(act, rng):
    z = rng.uniform(-3, 3, 200)
    z = z[np.abs(z) > 1e-3]  # keep clear of ReLU's kink, where no derivative exists
    errors = check_activation(act, z)
    assert errors["derivative"] < TOL
    assert errors["backward"] < TOL


def test_output_form_shortcuts_equal_preactivation_form(rng):
    z = rng.normal(size=50)
    assert np.allclose(gan_core.Tanh().derivative_from_output(np.tanh(z)), 1 - np.tanh(z) ** 2)
    s = gan_core.Sigmoid()
    assert np.allclose(s.derivative_from_output(s(z)), s.derivative(z))


def test_relu_derivative_is_a_step_not_relu_itself():
    z = np.array([-2.0, -0.5, 0.5, 2.0])
    assert np.array_equal(gan_core.ReLU().derivative(z), [0, 0, 1, 1])


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


def test_dense_layer_gradients(rng):
    net = gan_core.MLP((4, 3), ["tanh"], rng=rng)
    errors = check_network(net, rng.normal(size=(6, 4)))
    assert max(errors.values()) < TOL


@pytest.mark.parametrize("batch", [1, 8])
def test_chapter_generator_gradients(batch, rng):
    errors = check_network(gan_core.Generator(), rng.normal(size=(batch, 1)))
    assert set(errors) == {"W1", "b1", "W2", "b2", "W3", "b3", "input"}
    assert max(errors.values()) < TOL


@pytest.mark.parametrize("batch", [1, 8])
def test_chapter_discriminator_gradients(batch, rng):
    x = gan_core.sample_sines(batch, rng)
    errors = check_network(gan_core.Discriminator(), x)
    assert max(errors.values()) < TOL


def test_deeper_wider_networks(rng):
    G = gan_core.Generator(z_dim=3, hidden=(16, 8, 12), x_dim=7, rng=rng)
    D = gan_core.Discriminator(x_dim=7, hidden=(5, 9, 6), rng=rng)
    assert max(check_network(G, rng.normal(size=(4, 3))).values()) < TOL
    assert max(check_network(D, rng.normal(size=(4, 7))).values()) < TOL


@pytest.mark.parametrize("kind", ["non_saturating", "saturating"])
def test_generator_gradient_through_frozen_discriminator(kind, rng):
    G, D = gan_core.Generator(seed=1), gan_core.Discriminator(seed=2)
    D_before = D.theta.copy()
    errors = check_generator_through_discriminator(G, D, rng.normal(size=(6, 1)), kind)
    assert max(errors.values()) < TOL
    assert np.array_equal(D.theta, D_before)


def test_trainer_updates_descend_each_loss(rng):
    """One SGD step with a tiny step size lowers D's loss on its batch and G's loss."""
    t = gan_core.Trainer(recipe="book", seed=3, GRADIENT_CLIP=None, WEIGHT_CLIP=None, step_size_D=1e-3)
    x = gan_core.sample_sines(1, rng)
    before = losses.bce(t.D.forward(x), 1)
    t.D.backward_preactivation(losses.sigmoid_bce_grad(t.D.forward(x), 1.0))
    t.D.theta -= 1e-3 * t.D.grad
    assert losses.bce(t.D.forward(x), 1) < before
