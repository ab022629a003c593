"""The exercise checks of notebooks 00-03 (gan_core.exercises.intro, math_background,
activations, backprop): each says Correct for the right answer, Not yet for the
answer cell's stub (a function whose body is ``...``, which returns None) and Not
yet for one plausible mistake; plus the facts the exercises and their text rely on.
(tests/test_exercises.py runs every check through a battery of bad inputs.)"""
import math

import numpy as np
import pytest

import gan_core
from gan_core import games
from gan_core.exercises import activations as ex_act
from gan_core.exercises import backprop as ex_bp
from gan_core.exercises import intro as ex_intro
from gan_core.exercises import math_background as ex_math

sig = gan_core.Sigmoid()


def stub(*args, **kwargs):
    ...  # the answer cell as a reader finds it


def _count(sizes):
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def _draw_real(n, rng):
    x0, freq, mult = (rng.uniform(lo, hi, (n, 1)) for lo, hi in gan_core.SINE_RANGES.values())
    return mult * np.sin(x0 + freq * np.arange(10))


def _draw_one_set(n, rng):   # one set of parameters for the whole batch
    x0, freq, mult = (rng.uniform(lo, hi) for lo, hi in gan_core.SINE_RANGES.values())
    return np.tile(mult * np.sin(x0 + freq * np.arange(10)), (n, 1))


def _js(p, q):
    m = (p + q) / 2
    kl = lambda a: np.sum(a[a > 0] * np.log(a[a > 0] / m[a > 0]))
    return 0.5 * kl(p) + 0.5 * kl(q)


def _js_naive(p, q):   # log 0 where a distribution has a zero
    m = (p + q) / 2
    return 0.5 * np.sum(p * np.log(p / m)) + 0.5 * np.sum(q * np.log(q / m))


def _derivative_error(f, df, z, h=1e-6):
    num = (f(z + h) - f(z - h)) / (2 * h)
    a = df(z)
    return np.linalg.norm(a - num) / (np.linalg.norm(a) + np.linalg.norm(num))


def _derivative_error_no_2(f, df, z, h=1e-6):   # forgot the 2 in 2h
    num = (f(z + h) - f(z - h)) / h
    a = df(z)
    return np.linalg.norm(a - num) / (np.linalg.norm(a) + np.linalg.norm(num))


def _deep_backward(Ws, bs, x, dout, hidden_slope=True):
    ys = [x]
    for i, (W, b) in enumerate(zip(Ws, bs)):
        s = ys[-1] @ W + b
        ys.append(np.tanh(s) if i < len(Ws) - 1 else s)
    dWs, dbs = [None] * len(Ws), [None] * len(Ws)
    delta = dout
    for i in range(len(Ws) - 1, -1, -1):
        dWs[i], dbs[i] = ys[i].T @ delta, delta.sum(axis=0)
        if i > 0:
            delta = delta @ Ws[i].T
            if hidden_slope:
                delta = delta * (1 - ys[i] ** 2)
    return dWs, dbs


def _saturating_dx(D, x):
    p = D.forward(x)
    return D.backward_preactivation(-p / len(x), param_grads=False)


def _non_saturating_dx(D, x):
    p = D.forward(x)
    return D.backward_preactivation((p - 1) / len(x), param_grads=False)


def _aliasing(dout, y):   # the listing of notebook 03's exercise, unfixed
    delta = dout
    delta *= y * (1 - y)
    return delta


RIGHT_PIT = 2 / games.landscape_curvature(games.LANDSCAPE_STATIONARY[2])

#: check, its right answer, a plausible mistake (the stub is tried for every check).
CASES = {
    "count_parameters": (ex_intro.check_count_parameters, _count,
                         lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))),
    "real_sampler": (ex_intro.check_real_sampler, _draw_real, _draw_one_set),
    "lsgan_optimal_d": (ex_math.check_lsgan_optimal_d, lambda p, q, a, b: (b * p + a * q) / (p + q),
                        lambda p, q, a, b: p / (p + q)),
    "js_function": (ex_math.check_js_function, _js, _js_naive),
    "right_pit_step": (ex_math.check_right_pit_step, RIGHT_PIT,
                       2 / games.landscape_curvature(games.LANDSCAPE_STATIONARY[0])),
    "swish_derivative": (ex_act.check_swish_derivative, lambda z: sig(z) * (1 + z * (1 - sig(z))),
                         lambda z: sig(z) * (1 - sig(z))),
    "elu_backward": (ex_act.check_elu_backward, lambda y, d: d * np.where(y > 0, 1.0, y + 1),
                     lambda y, d: d * np.where(y > 0, 1.0, np.exp(y))),
    "derivative_error": (ex_act.check_derivative_error, _derivative_error, _derivative_error_no_2),
    "deep_backward": (ex_bp.check_deep_backward, _deep_backward,
                      lambda Ws, bs, x, d: _deep_backward(Ws, bs, x, d, hidden_slope=False)),
    "saturating_dx": (ex_bp.check_saturating_dx, _saturating_dx, _non_saturating_dx),
    "no_aliasing": (ex_bp.check_no_aliasing, lambda d, y: d * y * (1 - y), _aliasing),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_right_stub_and_mistake(name, capsys):
    check, right, mistake = CASES[name]
    stub_answer = None if not callable(right) else stub
    assert check(right) is True
    assert check(stub_answer) is False
    assert check(mistake) is False
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("Correct: ")
    assert all(line.startswith("Not yet: ") and line.endswith(")") for line in lines[1:]), lines


def test_the_mistakes_get_their_own_hints(capsys):
    ex_intro.check_count_parameters(CASES["count_parameters"][2])
    ex_intro.check_real_sampler(_draw_one_set)
    ex_math.check_js_function(_js_naive)
    ex_math.check_right_pit_step(CASES["right_pit_step"][2])
    ex_bp.check_saturating_dx(_non_saturating_dx)
    ex_bp.check_no_aliasing(_aliasing)
    hints = capsys.readouterr().out.splitlines()
    for line, word in zip(hints, ["biases", "every sample", "0 log 0", "left pit", "non-saturating", "copy"]):
        assert word in line, line


def test_sine_check_still_answers(capsys):
    """check_sine is no longer used by a notebook, but tests/test_student.py builds a synthetic chapter on it."""
    assert ex_intro.check_sine(lambda x0, f, m: m * np.sin(x0 + f * np.arange(10)))
    assert not ex_intro.check_sine(lambda x0, f, m: m * np.cos(x0 + f * np.arange(10)))


def test_the_js_check_reports_a_maximum_below_log_2(capsys):
    ex_math.check_js_function(_js)
    line = capsys.readouterr().out
    largest = float(line.split("largest value is ")[1].split(",")[0])
    assert 0 < largest < math.log(2)


def test_wrong_sigmoid_range_is_what_the_chapter_computes():
    """Notebook 02: the chapter's dSigmoid(sigmoid(z)) stays between sigma'(1) and 1/4."""
    s = gan_core.Sigmoid()
    z = np.linspace(-40, 40, 100001)
    wrong = s.derivative(s(z))
    assert wrong.min() == pytest.approx(s.derivative(1.0), abs=1e-6)
    assert wrong.max() == pytest.approx(0.25, abs=1e-6)


def test_chapter_generator_factor_is_p_log_p_on_real_networks():
    """Notebook 03, error 2: handing D's backward -log p instead of -1/p multiplies
    G's one-sample gradient by p log p."""
    G, D = gan_core.Generator(seed=10), gan_core.Discriminator(seed=11)
    z = np.array([[0.3]])
    p = D.forward(G.forward(z))

    def g_grad(handed):
        G.forward(z)
        G.backward(D.backward(handed, param_grads=False))
        return G.grad.copy()

    right, chapter = g_grad(-1 / p), g_grad(-np.log(p))
    assert np.allclose(chapter, (p * np.log(p)).item() * right, rtol=1e-10, atol=1e-15)
