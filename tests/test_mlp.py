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


# --------------------------------------------------------------------------- dtype
@pytest.mark.parametrize("make", [
    lambda dt: gan_core.Generator(5, (32, 32), 10, seed=3, dtype=dt),
    lambda dt: gan_core.Discriminator(10, (80, 80), seed=3, leaky_slope=0.1, dtype=dt),
    lambda dt: gan_core.MLP((4, 7, 2), ["relu", "identity"], seed=3, dtype=dt),
])
def test_a_float32_network_is_the_float64_draw_rounded_and_computes_in_float32(make):
    wide, narrow = make("float64"), make("float32")
    assert wide.dtype == np.float64 and narrow.dtype == np.float32
    assert narrow.theta.dtype == narrow.grad.dtype == np.float32
    assert all(v.dtype == np.float32 and np.shares_memory(v, narrow.theta) for v in narrow.params.values())
    assert np.array_equal(narrow.theta, wide.theta.astype(np.float32))  # same draw, then rounded
    x = np.random.default_rng(0).standard_normal((6, narrow.n_in))
    y = narrow.forward(x)  # a float64 input is converted on the way in
    assert y.dtype == np.float32 and all(layer.y.dtype == np.float32 for layer in narrow.layers)
    assert np.allclose(y, wide.forward(x), rtol=1e-4, atol=1e-5)
    dx = narrow.backward(np.ones((6, narrow.n_out)))  # so is a float64 dL/d(output)
    assert dx.dtype == np.float32 and narrow.grad.dtype == np.float32
    twin = narrow.copy()
    assert twin.dtype == np.float32 and twin.theta.dtype == np.float32 and np.array_equal(twin.theta, narrow.theta)
    assert "dtype=float32" in repr(narrow) and "dtype" not in repr(wide)


def test_networks_refuse_other_dtypes():
    for bad in ("float16", "int32", None, "complex128", True):
        with pytest.raises(ValueError, match=r"^dtype must be one of 'float64', 'float32'"):
            gan_core.Generator(dtype=bad)
    assert gan_core.Discriminator(dtype=np.float32).dtype == np.float32
