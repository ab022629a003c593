"""Tests for the helpers behind notebooks 00-03: gan_core.games and the exercise checks."""
import math

import numpy as np
import pytest

import gan_core
from gan_core import games
from gan_core.exercises import activations as ex_act
from gan_core.exercises import backprop as ex_bp
from gan_core.exercises import intro as ex_intro
from gan_core.exercises import math_background as ex_math
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


# ----------------------------------------------------------------------------- exercise checks

def test_intro_checks(capsys):
    assert ex_intro.check_parameter_counts(240, 231)
    assert not ex_intro.check_parameter_counts(230, 231)
    assert not ex_intro.check_parameter_counts(240, 220)
    assert ex_intro.check_sine(lambda x0, f, m: m * np.sin(x0 + f * np.arange(10)))
    assert not ex_intro.check_sine(lambda x0, f, m: m * np.cos(x0 + f * np.arange(10)))
    assert not ex_intro.check_sine(lambda x0, f, m: m * np.sin(x0 + f * np.arange(9)))
    assert not ex_intro.check_sine(lambda x0, f, m: 1 / 0)
    assert ex_intro.check_dimensions(1, 10, 10, 1)
    assert not ex_intro.check_dimensions(10, 1, 1, 10)
    out = capsys.readouterr().out
    assert out.count("Correct:") == 3 and out.count("Not yet:") == 6


def test_math_background_checks(capsys):
    assert ex_math.check_optimal_discriminator(lambda a, b: a / (a + b))
    assert not ex_math.check_optimal_discriminator(lambda a, b: b / (a + b))
    assert not ex_math.check_optimal_discriminator(lambda a, b: None)
    js = games.js_divergence(np.array(ex_math.JS_P), np.array(ex_math.JS_Q))
    assert js == pytest.approx(0.0906, abs=1e-4)
    assert ex_math.check_js(js)
    assert not ex_math.check_js(js / math.log(2))   # bits, not nats
    assert not ex_math.check_js("a lot")
    assert ex_math.check_xy_radius(lambda r0, eta, n: r0 * (1 + eta ** 2) ** (n / 2))
    assert not ex_math.check_xy_radius(lambda r0, eta, n: r0 * (1 + eta ** 2) ** n)
    assert ex_math.check_critical_step(0.5)
    assert not ex_math.check_critical_step(0.25)
    assert not ex_math.check_critical_step(1.0)
    out = capsys.readouterr().out
    assert out.count("Correct:") == 4 and out.count("Not yet:") == 7


def test_activation_checks(capsys):
    assert ex_act.check_leaky_backward(lambda y, d, k: d * np.where(y >= 0, 1.0, k))
    assert not ex_act.check_leaky_backward(lambda y, d, k: d * np.where(y >= 0, 1.0, 0.2))  # k ignored
    assert not ex_act.check_leaky_backward(lambda y, d, k: np.where(y >= 0, 1.0, k))        # dout ignored
    sigmoid = gan_core.Sigmoid()
    assert ex_act.check_softplus_derivative(lambda z: 1 / (1 + np.exp(-z)))
    assert not ex_act.check_softplus_derivative(lambda z: sigmoid(np.log1p(np.exp(z))))     # on the output
    assert not ex_act.check_softplus_derivative(lambda z: np.exp(z))
    assert ex_act.check_elu_from_output(lambda y: np.where(y > 0, 1.0, y + 1.0))
    assert not ex_act.check_elu_from_output(lambda y: np.where(y > 0, 1.0, np.exp(y)))
    assert ex_act.check_wrong_sigmoid_range(0.197, 0.25)
    assert not ex_act.check_wrong_sigmoid_range(0.0, 0.25)
    out = capsys.readouterr().out
    assert out.count("Correct:") == 4 and out.count("Not yet:") == 6


def test_wrong_sigmoid_range_is_what_the_chapter_computes():
    s = gan_core.Sigmoid()
    z = np.linspace(-40, 40, 100001)
    wrong = s.derivative(s(z))
    assert wrong.min() == pytest.approx(s.derivative(1.0), abs=1e-6)
    assert wrong.max() == pytest.approx(0.25, abs=1e-6)


def test_backprop_checks(capsys):
    def dense_backward(x, W, b, dy):
        y = np.tanh(x @ W + b)
        dz = dy * (1 - y ** 2)
        return x.T @ dz, dz.sum(axis=0), dz @ W.T

    def dense_backward_forgot_tanh(x, W, b, dy):
        return x.T @ dy, dy.sum(axis=0), dy @ W.T

    assert ex_bp.check_dense_backward(dense_backward)
    assert not ex_bp.check_dense_backward(dense_backward_forgot_tanh)
    assert not ex_bp.check_dense_backward(lambda x, W, b, dy: 42)
    assert ex_bp.check_bce_logit_grad(lambda a, t: (1 / (1 + np.exp(-a)) - t) / len(a))
    assert not ex_bp.check_bce_logit_grad(lambda a, t: 1 / (1 + np.exp(-a)) - t)   # forgot 1/N

    def clip_copy(g, c):
        n = np.linalg.norm(g)
        return g * (c / n) if n > c else g

    def clip_in_place(g, c):
        n = np.linalg.norm(g)
        if n > c:
            g *= c / n
        return g

    assert ex_bp.check_clip_by_norm(clip_copy)
    assert not ex_bp.check_clip_by_norm(clip_in_place)
    assert not ex_bp.check_clip_by_norm(lambda g, c: np.clip(g, -c, c))   # that is weight clipping
    assert ex_bp.check_chapter_factor(lambda p: p * np.log(p))
    assert not ex_bp.check_chapter_factor(lambda p: -p * np.log(p))
    out = capsys.readouterr().out
    assert out.count("Correct:") == 4 and out.count("Not yet:") == 6


def test_chapter_generator_factor_is_p_log_p_on_real_networks():
    """The fact behind exercise 4 of notebook 03: handing D's backward -log p instead of -1/p
    multiplies G's one-sample gradient by p log p."""
    G, D = gan_core.Generator(seed=10), gan_core.Discriminator(seed=11)
    z = np.array([[0.3]])
    p = D.forward(G.forward(z))

    def g_grad(handed):
        G.forward(z)
        G.backward(D.backward(handed, param_grads=False))
        return G.grad.copy()

    right, chapter = g_grad(-1 / p), g_grad(-np.log(p))
    assert np.allclose(chapter, (p * np.log(p)).item() * right, rtol=1e-10, atol=1e-15)
