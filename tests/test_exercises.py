"""gan_core.exercises: every check answers anything a reader may hand it with one line.

A right answer (the ``solution_*`` functions, or the known value) prints one
``Correct:`` line. Anything else (junk where a number belongs, ``None``,
strings, NaN, wrong shapes, a function that raises or returns junk, too many
arguments) prints exactly one ``Not yet: ... (hint)`` line, returns False,
raises nothing, warns nothing and never prints the answer back.
"""
import importlib
import inspect
import pkgutil
import re
import warnings

import numpy as np
import pytest

import gan_core
import gan_core.exercises
from gan_core import games
from test_exercises_part1 import _deep_backward  # noqa: E402  (the right answer of 03-ex1)
from test_exercises_part2 import part2_right_arguments

SECRET = "ECHO-7f3a"  # must never show up in a verdict line
SECRET_NUMBER = 7.123456789


class Junk:
    """An object that is no number, no array, no network, and says so when printed."""

    theta = SECRET  # looks a bit like a network

    def __repr__(self):
        return SECRET

    __str__ = __repr__

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array here")

    def __float__(self):
        raise RuntimeError("no number here")

    def __iter__(self):
        raise RuntimeError("no items here")


def _raises(*args, **kwargs):
    raise ValueError("student bug\nsecond line of the message\n" + "x" * 5000)


def _raises_zero(*args, **kwargs):
    return 1 / 0


def _not_implemented(*args, **kwargs):
    raise NotImplementedError


def _returning(value):
    def student(*args, **kwargs):
        return value
    return student


#: Values a reader may put where a number, an array, a trainer or a function belongs.
BAD_VALUES = {
    "None": None, "str": SECRET, "empty str": "", "nan": float("nan"), "inf": float("inf"), "-1": -1,
    "0": 0, "True": True, "10**400": 10 ** 400, "list": [1, 2, 3], "ragged": [[1, 2], [3]],
    "str array": np.array([SECRET]), "array": np.array([1.0, 2.0]), "matrix": np.ones((3, 3)),
    "nan array": np.full((5, 10), np.nan), "complex": 1j, "dict": {"a": 1}, "junk object": Junk(),
    "secret number": SECRET_NUMBER,
}

#: Functions a reader may write: they raise, or return junk.
BAD_FUNCTIONS = {
    "raises ValueError": _raises, "raises ZeroDivisionError": _raises_zero,
    "raises NotImplementedError": _not_implemented,
    "takes no arguments": lambda: 0.0,
    "returns None": _returning(None), "returns a string": _returning(SECRET),
    "returns NaN": _returning(float("nan")), "returns a wrong-shape array": _returning(np.ones(3)),
    "returns a NaN array": _returning(np.full((16, 10), np.nan)),
    "returns a huge array": _returning(np.zeros((300, 300))),
    "returns a ragged list": _returning([[1, 2], [3]]), "returns a junk object": _returning(Junk()),
    "returns a tuple of junk": _returning((Junk(), SECRET, None)), "returns a pair of junk": _returning((Junk(), 1)),
    "returns a generator": _returning(i for i in range(3)), "returns a function": _returning(_raises),
    "returns a complex array": _returning(np.ones(10) * 1j), "returns a bool array": _returning(np.ones(10, bool)),
    "returns a dict": _returning({"G": 1, "D": 2}), "returns the secret number": _returning(SECRET_NUMBER),
}

BATTERY = {**BAD_VALUES, **BAD_FUNCTIONS}


def _checks():
    """Every public ``check_*`` function of every module in gan_core.exercises."""
    found = {}
    for info in pkgutil.iter_modules(gan_core.exercises.__path__, "gan_core.exercises."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if name.startswith("check_") and inspect.isfunction(fn) and fn.__module__ == module.__name__:
                found[f"{info.name.rsplit('.', 1)[-1]}.{name}"] = fn
    return found


CHECKS = _checks()


@pytest.fixture(scope="module")
def runs():
    """Small trained runs for the checks that take one."""
    return {"book": gan_core.Trainer(recipe="book", seed=0).train(300),
            "recommended": gan_core.Trainer(recipe="recommended", seed=0).train(1000)}


def _right_arguments(key, runs):
    """The arguments that make the check print ``Correct:`` (all required parameters)."""
    sig = gan_core.Sigmoid()
    right = {
        "intro.check_count_parameters": (_count_parameters,),
        "intro.check_sine": (lambda x0, f, m: m * np.sin(x0 + f * np.arange(10)),),
        "intro.check_real_sampler": (_draw_real,),
        "math_background.check_lsgan_optimal_d": (lambda p, q, a, b: (b * p + a * q) / (p + q),),
        "math_background.check_js_function": (_js,),
        "math_background.check_right_pit_step": (2 / games.landscape_curvature(games.LANDSCAPE_STATIONARY[2]),),
        "activations.check_swish_derivative": (lambda z: sig(z) * (1 + z * (1 - sig(z))),),
        "activations.check_elu_backward": (lambda y, d: d * np.where(y > 0, 1.0, y + 1),),
        "activations.check_derivative_error": (_derivative_error,),
        "backprop.check_deep_backward": (_deep_backward,),
        "backprop.check_saturating_dx": (_saturating_dx,),
        "backprop.check_no_aliasing": (lambda d, y: d * y * (1 - y),),
        **part2_right_arguments(runs),  # notebooks 04-07: tests/test_exercises_part2.py
    }
    return right[key]


def _count_parameters(sizes):
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def _draw_real(n, rng):
    x0, freq, mult = (rng.uniform(lo, hi, (n, 1)) for lo, hi in gan_core.SINE_RANGES.values())
    return mult * np.sin(x0 + freq * np.arange(10))


def _js(p, q):
    m = (p + q) / 2
    kl = lambda a: np.sum(a[a > 0] * np.log(a[a > 0] / m[a > 0]))
    return 0.5 * kl(p) + 0.5 * kl(q)


def _derivative_error(f, df, z, h=1e-6):
    num = (f(z + h) - f(z - h)) / (2 * h)
    a = df(z)
    return np.linalg.norm(a - num) / (np.linalg.norm(a) + np.linalg.norm(num))


def _saturating_dx(D, x):
    p = D.forward(x)
    return D.backward_preactivation(-p / len(x), param_grads=False)


def _one_line(capsys, fn, *args, **kwargs):
    """Run ``fn``; return its result and its one printed line (failing on more, on an exception or a warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = fn(*args, **kwargs)
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 1, out[:500]
    return result, lines[0]


def test_every_check_has_right_arguments_listed(runs):
    for key in CHECKS:
        _right_arguments(key, runs)  # KeyError: a new check without an entry above
    assert len(CHECKS) >= 19


@pytest.mark.parametrize("key", sorted(CHECKS))
def test_right_answer_is_correct(key, runs, capsys):
    result, line = _one_line(capsys, CHECKS[key], *_right_arguments(key, runs))
    assert line.startswith("Correct: "), line
    assert result is True


@pytest.mark.parametrize("key", sorted(CHECKS))
def test_bad_arguments_get_one_not_yet_line(key, runs, capsys):
    """Each parameter in turn, required or not, gets every item of the battery while
    the others keep their right values; then too few and too many arguments."""
    check = CHECKS[key]
    right = _right_arguments(key, runs)
    params = list(inspect.signature(check).parameters.values())
    tried = 0
    for i, param in enumerate(params):
        for label, bad in BATTERY.items():
            if i < len(right):
                args, kwargs = list(right), {}
                args[i] = bad
            else:
                args, kwargs = list(right), {param.name: bad}
            if i < len(right) and right[i] is bad:
                continue
            result, line = _one_line(capsys, check, *args, **kwargs)
            where = f"{key}: {param.name} = {label}"
            assert SECRET not in line and "7.12" not in line, f"{where}: echoes the answer: {line}"
            assert "second line" not in line and len(line) < 400, f"{where}: {line}"
            tried += 1
            if param.default is not inspect.Parameter.empty and line.startswith("Correct: "):
                continue  # a battery value that is a fine setting (seed=0, noise=7.12)
            assert line.startswith("Not yet: "), f"{where}: {line}"
            assert re.search(r" \(.+\)$", line), f"{where}: no hint in {line!r}"
            assert result is False, where
    for args in [(), tuple(right) + (None, None, None, None, None)]:
        result, line = _one_line(capsys, check, *args)
        assert line.startswith("Not yet: ") and result is False, f"{key}{args!r}: {line}"
        tried += 1
    print(f"{key}: {tried} bad calls")


def test_a_raising_student_function_names_its_error(runs, capsys):
    """The hint of a function that raises names the error (first line only)."""
    tested = 0
    for key, check in CHECKS.items():
        right = list(_right_arguments(key, runs))
        if not (callable(right[0]) and not isinstance(right[0], gan_core.Trainer)):
            continue
        right[0] = _raises
        _, line = _one_line(capsys, check, *right)
        assert line.startswith("Not yet: ") and "raised ValueError: student bug" in line, f"{key}: {line}"
        tested += 1
    assert tested >= 14


def test_wrong_numbers_get_hints_without_the_number(capsys):
    from gan_core.exercises import experiments, math_background
    for fn, args in [(math_background.check_right_pit_step, (0.417,)), (math_background.check_right_pit_step, (0.325,)),
                     (math_background.check_right_pit_step, (3.0,)),
                     (experiments.check_cells_on_a_line, (11,)), (experiments.check_cells_on_a_line, (10.5,))]:
        result, line = _one_line(capsys, fn, *args)
        assert line.startswith("Not yet: ") and result is False, line
    _, line = _one_line(capsys, math_background.check_right_pit_step, 0.417)
    assert "left pit" in line
