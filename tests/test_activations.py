"""gan_core.activations: every derivative agrees with central finite differences (float64)."""
import numpy as np
import pytest

import gan_core
from gan_core.gradcheck import check_activation

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
