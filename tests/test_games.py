"""Tests for gan_core.games: the densities, divergences, landscapes and toy games of notebook 01."""
import math

import numpy as np
import pytest

import gan_core
from gan_core import games
from gan_core.gradcheck import numerical_gradient, relative_error

GRID = np.linspace(-20, 20, 20001)


# ----------------------------------------------------------------------------- densities and divergences

def test_normal_pdf_and_mixture_integrate_to_one():
    assert games.integrate(games.normal_pdf(GRID, 0.5, 0.7), GRID) == pytest.approx(1.0, abs=1e-9)
    mix = games.mixture_pdf(GRID, [-2.0, 1.0], [0.5, 1.0], [0.3, 0.7])
    assert games.integrate(mix, GRID) == pytest.approx(1.0, abs=1e-9)
    assert games.normal_pdf(0.0) == pytest.approx(1 / math.sqrt(2 * math.pi))
    with pytest.raises(ValueError):
        games.normal_pdf(GRID, 0.0, 0.0)
    with pytest.raises(ValueError):
        games.mixture_pdf(GRID, [0.0, 1.0], 1.0, [0.5, 0.6])


def test_integrate_is_exact_for_a_straight_line():
    x = np.linspace(0.0, 2.0, 7)
    assert games.integrate(3 * x + 1, x) == pytest.approx(8.0, abs=1e-12)   # int_0^2 (3x + 1) dx = 8


def test_optimal_discriminator_formula():
    d = games.optimal_discriminator([0.3, 0.0, 2.0, 0.0], [0.1, 0.4, 0.0, 0.0])
    assert np.allclose(d, [0.75, 0.0, 1.0, 0.5])   # p_data/(p_data + p_g); 1/2 where both vanish


@pytest.mark.parametrize("mu, s", [(0.0, 1.0), (1.5, 0.8), (-3.0, 2.0), (6.0, 0.5)])
def test_value_at_optimum_is_minus_log4_plus_twice_js(mu, s):
    p_data, p_g = games.normal_pdf(GRID), games.normal_pdf(GRID, mu, s)
    v_star = games.optimal_value(p_data, p_g, GRID)
    js = games.js_divergence(p_data, p_g, GRID)
    assert v_star == pytest.approx(-math.log(4) + 2 * js, abs=1e-9)
    assert -math.log(4) - 1e-9 <= v_star <= 1e-9
    assert 0 <= js <= math.log(2) + 1e-12


def test_value_of_optimal_discriminator_matches_optimal_value_where_finite():
    p_data, p_g = games.normal_pdf(GRID), games.normal_pdf(GRID, 1.0, 1.2)
    d_star = games.optimal_discriminator(p_data, p_g)
    assert games.value(d_star, p_data, p_g, GRID) == pytest.approx(games.optimal_value(p_data, p_g, GRID), abs=1e-9)


def test_optimal_discriminator_beats_perturbed_ones():
    p_data, p_g = games.normal_pdf(GRID), games.normal_pdf(GRID, 1.5, 0.8)
    best = games.optimal_value(p_data, p_g, GRID)
    d_star = games.optimal_discriminator(p_data, p_g)
    for bump in (0.05 * np.sin(GRID), -0.05 * np.cos(GRID), 0.1 * np.ones_like(GRID)):
        other = np.clip(d_star + bump, 1e-9, 1 - 1e-9)
        assert games.value(other, p_data, p_g, GRID) < best


def test_value_of_coin_flip_is_minus_log4():
    p_data, p_g = games.normal_pdf(GRID), games.normal_pdf(GRID, 2.0)
    assert games.value(np.full_like(GRID, 0.5), p_data, p_g, GRID) == pytest.approx(-math.log(4), abs=1e-9)


def test_divergences_on_discrete_distributions():
    p, q = np.array([0.5, 0.3, 0.2]), np.array([0.2, 0.2, 0.6])
    m = (p + q) / 2
    js = 0.5 * np.sum(p * np.log(p / m)) + 0.5 * np.sum(q * np.log(q / m))
    assert games.js_divergence(p, q) == pytest.approx(js, abs=1e-15)
    assert games.js_divergence(p, q) == pytest.approx(games.js_divergence(q, p), abs=1e-15)
    assert games.js_divergence(p, p) == 0.0
    assert games.js_divergence([1.0, 0.0], [0.0, 1.0]) == pytest.approx(math.log(2))   # disjoint
    assert games.kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert games.kl_divergence(p, q) == pytest.approx(np.sum(p * np.log(p / q)))
    assert games.optimal_value(p, q) == pytest.approx(-math.log(4) + 2 * js, abs=1e-12)


# ----------------------------------------------------------------------------- the sticky ball

def test_landscape_stationary_points_and_derivatives():
    pts = np.array(games.LANDSCAPE_STATIONARY)
    assert np.allclose(games.landscape_grad(pts), 0, atol=1e-12)
    left, top, right = pts
    assert games.landscape(left) < games.landscape(right) < games.landscape(top)   # deep pit, shallow pit, hill
    x = np.linspace(-2, 2, 9)
    h = 1e-6
    assert np.allclose(games.landscape_grad(x), (games.landscape(x + h) - games.landscape(x - h)) / (2 * h), atol=1e-7)
    assert np.allclose(games.landscape_curvature(x),
                       (games.landscape_grad(x + h) - games.landscape_grad(x - h)) / (2 * h), atol=1e-6)


def test_gradient_descent_converges_below_two_over_curvature_and_not_above():
    left = games.LANDSCAPE_STATIONARY[0]
    limit = 2 / games.landscape_curvature(left)
    below = games.gradient_descent(games.landscape_grad, left + 0.05, limit - 0.01, 500)
    above = games.gradient_descent(games.landscape_grad, left + 0.05, limit + 0.01, 500)
    assert abs(below[-1] - left) < 1e-8
    assert abs(above[-1] - left) > 0.05


def test_gradient_descent_stops_when_it_diverges():
    path = games.gradient_descent(games.landscape_grad, -2.4, 0.6, 50)
    assert len(path) < 51 and abs(path[-1]) > 1e6


def test_gradient_descent_on_a_bowl_is_geometric():
    path = games.gradient_descent(lambda x: 4 * x, 1.0, 0.1, 10)   # f = 2 x^2: x <- (1 - 0.4) x
    assert np.allclose(path, 0.6 ** np.arange(11))


# ----------------------------------------------------------------------------- mini-batches

def test_line_gradient_matches_finite_differences():
    u, v = games.line_data(50, np.random.default_rng(0))
    w = np.array([0.3, -0.7])
    num = numerical_gradient(lambda: float(games.line_loss(w, u, v)), w)
    assert relative_error(games.line_grad(w, u, v), num) < 1e-8


def test_full_batch_path_is_deterministic_gradient_descent():
    u, v = games.line_data(40, np.random.default_rng(1))
    path = games.minibatch_path(u, v, (0.0, 0.0), 0.3, 40, 25, np.random.default_rng(2))
    w = np.zeros(2)
    for _ in range(25):
        w = w - 0.3 * games.line_grad(w, u, v)
    assert np.allclose(path[-1], w)
    w_best = np.linalg.lstsq(np.c_[u, np.ones_like(u)], v, rcond=None)[0]
    long = games.minibatch_path(u, v, (0.0, 0.0), 0.3, 40, 400, np.random.default_rng(2))
    assert np.allclose(long[-1], w_best, atol=1e-6)
    with pytest.raises(ValueError):
        games.minibatch_path(u, v, (0.0, 0.0), 0.3, 41, 1, np.random.default_rng(2))


def test_minibatch_gradient_error_shrinks_like_one_over_sqrt_m():
    rng = np.random.default_rng(3)
    u, v = games.line_data(20000, rng)
    w = np.array([0.0, 0.0])
    full = games.line_grad(w, u, v)
    rms = {}
    for m in (1, 16):
        errs = [np.linalg.norm(games.line_grad(w, u[i], v[i]) - full)
                for i in (rng.integers(0, len(u), m) for _ in range(2000))]
        rms[m] = np.sqrt(np.mean(np.square(errs)))
    assert rms[1] / rms[16] == pytest.approx(4.0, rel=0.1)


# ----------------------------------------------------------------------------- the x*y game

@pytest.mark.parametrize("eta", [0.05, 0.1, 0.3])
def test_simultaneous_steps_spiral_out_by_sqrt_one_plus_eta_squared(eta):
    path = games.xy_game(1.0, 0.5, eta, 200)
    r = np.hypot(path[:, 0], path[:, 1])
    assert np.allclose(r[1:] / r[:-1], math.sqrt(1 + eta ** 2), rtol=1e-12)
    assert r[-1] == pytest.approx(r[0] * (1 + eta ** 2) ** 100, rel=1e-10)


def test_alternating_steps_orbit_on_an_ellipse():
    eta = 0.2
    path = games.xy_game(1.0, 0.0, eta, 1000, mode="alternating")
    q = path[:, 0] ** 2 + path[:, 1] ** 2 - eta * path[:, 0] * path[:, 1]
    assert np.allclose(q, q[0], rtol=1e-10)
    assert np.abs(path[:, :].mean(axis=0)).max() < 0.02   # the orbit's average sits at the solution
    with pytest.raises(ValueError):
        games.xy_game(1.0, 0.0, eta, 10, mode="sideways")
