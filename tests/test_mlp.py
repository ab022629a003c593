"""gan_core.mlp (and the dense layers inside it): backward agrees with central finite differences."""
import numpy as np
import pytest

import gan_core
from gan_core.gradcheck import check_generator_through_discriminator, check_network

TOL = 1e-6


@pytest.fixture
def rng():
    return np.random.default_rng(2024)


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
