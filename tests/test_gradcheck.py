"""gan_core.gradcheck: the finite-difference tools are right, and refuse bad arguments
with a ValueError naming the parameter and its allowed range."""
import math

import numpy as np
import pytest

import gan_core
from gan_core.gradcheck import (check_activation, check_generator_through_discriminator, check_network,
                                elementwise_derivative, numerical_gradient, relative_error)


def test_numerical_gradient_of_a_quadratic_is_exact_and_restores_x():
    """For ``f = sum(c * x**2)`` the central difference is exact: ``2 c x``."""
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    c = np.array([[1.0, 2.0], [3.0, 4.0]])
    keep = x.copy()
    grad = numerical_gradient(lambda: float(np.sum(c * x ** 2)), x)
    assert np.allclose(grad, 2 * c * keep, atol=1e-7)
    assert np.array_equal(x, keep)


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.array([1.0, 2.0])

    def f():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        numerical_gradient(f, x)
    assert np.array_equal(x, [1.0, 2.0])


def test_relative_error_is_0_for_equal_and_1_for_opposite():
    a = np.array([1.0, -2.0, 3.0])
    assert relative_error(a, a) == 0.0
    assert math.isclose(relative_error(a, -a), 1.0)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([1, 2], [1, 2]) == 0.0  # lists are fine for a comparison


def test_elementwise_derivative_of_sin_is_cos():
    z = np.linspace(-3, 3, 13)
    assert np.allclose(elementwise_derivative(np.sin, z), np.cos(z), atol=1e-8)


BAD_H = [0, 0.0, -1e-6, -1, float("nan"), float("inf"), -float("inf"), True, False, "1e-6", None,
         10 ** 400, 2.0, [1e-6], np.array([1e-6, 1e-6]), complex(1e-6, 0)]


def _h_callers():
    """One call per public function, with every other argument fine; ``h`` is left to the caller."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 2))
    return {
        "numerical_gradient": lambda h: numerical_gradient(lambda: float(np.sum(x ** 2)), x, h=h),
        "elementwise_derivative": lambda h: elementwise_derivative(np.tanh, np.ones(4), h=h),
        "check_network": lambda h: check_network(gan_core.MLP((2, 3), ["tanh"], seed=0), x, h=h),
        "check_generator_through_discriminator": lambda h: check_generator_through_discriminator(
            gan_core.Generator(seed=1), gan_core.Discriminator(seed=2), rng.normal(size=(2, 1)), h=h),
        "check_activation": lambda h: check_activation(gan_core.Tanh(), np.ones(4), h=h),
    }


@pytest.mark.parametrize("fn", list(_h_callers()))
@pytest.mark.parametrize("h", BAD_H, ids=lambda h: repr(h)[:20])
def test_bad_h_names_h_and_its_range(fn, h):
    with pytest.raises(ValueError) as info:
        _h_callers()[fn](h)
    message = str(info.value)
    assert message.startswith("h must be a number in (0, 1]"), message
    assert len(message) < 200  # 10**400 is not printed in full


@pytest.mark.parametrize("fn", list(_h_callers()))
def test_good_h_is_accepted(fn):
    for h in (1e-6, np.float32(1e-4), 1e-3, 1):
        _h_callers()[fn](h)


BAD_ARRAYS = [("a string", "abc"), ("a list of strings", ["a", "b"]), ("a ragged list", [[1.0, 2.0], [3.0]]),
              ("None", None), ("a dict", {"x": 1}), ("an object array", np.array([1, "a"], dtype=object))]


@pytest.mark.parametrize("label,bad", BAD_ARRAYS, ids=[b[0] for b in BAD_ARRAYS])
def test_bad_arrays_name_the_parameter(label, bad):
    G, D = gan_core.Generator(seed=1), gan_core.Discriminator(seed=2)
    calls = [
        ("a", lambda: relative_error(bad, np.ones(2))),
        ("b", lambda: relative_error(np.ones(2), bad)),
        ("x", lambda: numerical_gradient(lambda: 0.0, bad)),
        ("z", lambda: elementwise_derivative(np.tanh, bad)),
        ("x", lambda: check_network(G, bad)),
        ("z", lambda: check_generator_through_discriminator(G, D, bad)),
        ("z", lambda: check_activation(gan_core.Tanh(), bad)),
    ]
    for name, call in calls:
        with pytest.raises(ValueError, match=rf"^{name} must be"):
            call()


def test_numerical_gradient_refuses_what_it_cannot_perturb():
    with pytest.raises(ValueError, match=r"^x must be a float NumPy array"):
        numerical_gradient(lambda: 0.0, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"^x must be a float NumPy array.*int64"):
        numerical_gradient(lambda: 0.0, np.array([1, 2]))
    ro = np.ones(3)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match=r"^x must be a writeable array"):
        numerical_gradient(lambda: 0.0, ro)
    with pytest.raises(ValueError, match=r"^f must be a function"):
        numerical_gradient("not a function", np.ones(2))
    with pytest.raises(ValueError, match=r"^f must return one number"):
        numerical_gradient(lambda: np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match=r"^f must return one number"):
        numerical_gradient(lambda: "high", np.ones(2))


def test_network_checks_name_shape_kind_and_rng():
    G, D = gan_core.Generator(seed=1), gan_core.Discriminator(seed=2)
    with pytest.raises(ValueError, match=r"^x must have shape \(n, 1\)"):
        check_network(G, np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"^x must be a 2-D array"):
        check_network(G, np.ones(3))
    with pytest.raises(ValueError, match=r"^x must hold only finite numbers"):
        check_network(G, np.array([[np.nan]]))
    with pytest.raises(ValueError, match=r"^rng must be a numpy.random.Generator"):
        check_network(G, np.ones((2, 1)), rng=3)
    with pytest.raises(ValueError, match=r"^kind must be one of 'non_saturating', 'saturating'"):
        check_generator_through_discriminator(G, D, np.ones((2, 1)), kind="wasserstein")
    with pytest.raises(ValueError, match=r"^act must be a function"):
        check_activation(None, np.ones(3))


def test_finite_differences_refuse_float32_networks_and_arrays():
    """float32 keeps about 7 digits: a step of 1e-6 would be measured in rounding, so it is refused."""
    G32, D32 = gan_core.Generator(seed=1, dtype="float32"), gan_core.Discriminator(seed=2, dtype="float32")
    G, D = gan_core.Generator(seed=1), gan_core.Discriminator(seed=2)
    with pytest.raises(ValueError, match=r"^net must be a float64 network for finite differences, got dtype float32"):
        check_network(G32, np.ones((2, 1)))
    with pytest.raises(ValueError, match=r"^G must be a float64 network.*dtype='float64'"):
        check_generator_through_discriminator(G32, D, np.ones((2, 1)))
    with pytest.raises(ValueError, match=r"^D must be a float64 network"):
        check_generator_through_discriminator(G, D32, np.ones((2, 1)))
    with pytest.raises(ValueError, match=r"^x must be a float64 array.*got dtype float32"):
        numerical_gradient(lambda: 0.0, np.ones(3, dtype=np.float32))
    assert max(check_network(G, np.ones((2, 1))).values()) < 1e-6  # the float64 twin checks as before
