"""Checks for the exercises of notebook 01 (math background).

Each check prints ``Correct: ...`` or ``Not yet: ...`` and returns a bool.
"""
import math

import numpy as np

from .. import games
from ._verdict import close, verdict

#: The two discrete distributions of the Jensen-Shannon exercise.
JS_P = (0.5, 0.3, 0.2)
JS_Q = (0.2, 0.2, 0.6)


def _call(fn, *args):
    try:
        return True, fn(*args)
    except Exception as exc:  # the reader's code may fail in any way
        return False, f"{type(exc).__name__}: {exc}"


def check_optimal_discriminator(d_star):
    """Check ``d_star(p_data, p_g)``: elementwise ``p_data / (p_data + p_g)`` on arrays
    of positive densities (compared with ``gan_core.games.optimal_discriminator``)."""
    rng = np.random.default_rng(1)
    p_data, p_g = rng.uniform(0.01, 2.0, 20), rng.uniform(0.01, 2.0, 20)
    ok, got = _call(d_star, p_data, p_g)
    if not ok:
        return verdict(False, "d_star raised an error", got)
    want = games.optimal_discriminator(p_data, p_g)
    if not close(got, want, 1e-9):
        return verdict(False, "d_star does not return p_data / (p_data + p_g)",
                       "it must work elementwise on arrays")
    return verdict(True, "D*(x) = p_data(x) / (p_data(x) + p_g(x))")


def check_js(js_value, p=JS_P, q=JS_Q):
    """Check a number against ``JS(p || q)`` (natural log) for the exercise's discrete
    distributions ``p = (0.5, 0.3, 0.2)`` and ``q = (0.2, 0.2, 0.6)`` (~0.0906 nats)."""
    want = games.js_divergence(np.array(p), np.array(q))
    try:
        got = float(js_value)
    except (TypeError, ValueError):
        return verdict(False, "give one number")
    if abs(got - want) <= 1e-4:
        return verdict(True, f"JS(p || q) = {want:.4f} nats; V(D*, G) = -log 4 + 2 JS = {-math.log(4) + 2 * want:.4f}")
    if abs(got - want / math.log(2)) <= 1e-4:
        return verdict(False, "that is JS in bits", "use the natural logarithm, np.log")
    return verdict(False, f"JS(p || q) is not {got:.4f}", "JS = KL(p || m)/2 + KL(q || m)/2 with m = (p + q)/2")


def check_xy_radius(radius_after):
    """Check ``radius_after(r0, step, n)``: the distance to (0, 0) after ``n``
    simultaneous gradient steps on ``x*y``, which is ``r0 * (1 + step**2) ** (n / 2)``
    (compared with the simulated game, ``gan_core.games.xy_game``)."""
    for r0, step, n in [(1.0, 0.1, 50), (2.0, 0.3, 10), (0.5, 0.05, 200)]:
        ok, got = _call(radius_after, r0, step, n)
        if not ok:
            return verdict(False, "radius_after raised an error", got)
        path = games.xy_game(r0, 0.0, step, n)
        want = float(np.hypot(*path[-1]))
        try:
            got = float(got)
        except (TypeError, ValueError):
            return verdict(False, "radius_after must return one number")
        if not math.isclose(got, want, rel_tol=1e-9):
            return verdict(False, f"radius_after({r0}, {step}, {n}) = {got:.4f}, the simulation gives {want:.4f}",
                           "how much does one step multiply x^2 + y^2?")
    return verdict(True, "r_n = r_0 (1 + step^2)^(n/2): the spiral grows geometrically")


def check_critical_step(step, a=4.0):
    """Check the largest step size for which gradient descent on ``f(x) = a x^2 / 2``
    converges: ``x <- (1 - step a) x`` shrinks iff ``|1 - step a| < 1``, so ``step < 2 / a``
    (0.5 for ``a = 4``)."""
    try:
        got = float(step)
    except (TypeError, ValueError):
        return verdict(False, "give one number")
    want = 2.0 / a
    if abs(got - want) <= 1e-6:
        return verdict(True, f"steps below 2/a = {want:g} converge; at 2/a the ball bounces forever")
    if abs(got - 1.0 / a) <= 1e-6:
        return verdict(False, f"{got:g} is the step that lands in the pit in one kick",
                       "larger steps overshoot but still converge while |1 - step a| < 1")
    return verdict(False, f"{got:g} is not the limit", "write one step as x <- (1 - step a) x")
