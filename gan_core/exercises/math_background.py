"""Checks for the exercises of notebook 01 (math background).

Each check prints ``Correct: ...`` or ``Not yet: ...`` and returns a bool.
"""
import math

import numpy as np

from .. import games
from ._verdict import as_array, as_number, call, close, describe, guarded, off_by, verdict

#: The two discrete distributions of the Jensen-Shannon exercise.
JS_P = (0.5, 0.3, 0.2)
JS_Q = (0.2, 0.2, 0.6)


def _distribution(value):
    """``value`` as a 1-D array of non-negative numbers summing to 1 (to 1e-9), else ``None``."""
    arr = as_array(value)
    if arr is None or arr.ndim != 1 or arr.size < 1 or not np.all(np.isfinite(arr)) or np.any(arr < 0):
        return None
    return arr if abs(arr.sum() - 1.0) <= 1e-9 else None


@guarded
def check_optimal_discriminator(d_star):
    """Check ``d_star(p_data, p_g)``: elementwise ``p_data / (p_data + p_g)`` on arrays
    of positive densities (compared with ``gan_core.games.optimal_discriminator``)."""
    rng = np.random.default_rng(1)
    p_data, p_g = rng.uniform(0.01, 2.0, 20), rng.uniform(0.01, 2.0, 20)
    ok, got = call(d_star, "d_star", p_data, p_g)
    if not ok:
        return verdict(False, "d_star raised an error" if callable(d_star) else "pass your function", got)
    want = games.optimal_discriminator(p_data, p_g)
    if as_array(got) is None:
        return verdict(False, "d_star must return an array of numbers", f"it returned {describe(got)}")
    if not close(got, want, 1e-9):
        return verdict(False, "d_star does not return p_data / (p_data + p_g)",
                       "it must work elementwise on arrays and return one value per point")
    return verdict(True, "D*(x) = p_data(x) / (p_data(x) + p_g(x))")


@guarded
def check_js(js_value, p=JS_P, q=JS_Q):
    """Check a number against ``JS(p || q)`` (natural log) for the exercise's discrete
    distributions ``p = (0.5, 0.3, 0.2)`` and ``q = (0.2, 0.2, 0.6)`` (~0.0906 nats)."""
    p_arr, q_arr = _distribution(p), _distribution(q)
    if p_arr is None or q_arr is None or p_arr.shape != q_arr.shape:
        return verdict(False, "p and q must be two discrete distributions of the same length",
                       "leave them out to check the exercise's p = (0.5, 0.3, 0.2) and q = (0.2, 0.2, 0.6)")
    want = games.js_divergence(p_arr, q_arr)
    got = as_number(js_value)
    if got is None:
        return verdict(False, "give one number", f"you passed {describe(js_value)}")
    if abs(got - want) <= 1e-4:
        return verdict(True, f"JS(p || q) = {want:.4f} nats; V(D*, G) = -log 4 + 2 JS = {-math.log(4) + 2 * want:.4f}")
    if abs(got - want / math.log(2)) <= 1e-4:
        return verdict(False, "that is JS in bits", "use the natural logarithm, np.log")
    return verdict(False, "that is not JS(p || q)",
                   f"{off_by(got, want)}; JS = KL(p || m)/2 + KL(q || m)/2 with m = (p + q)/2")


@guarded
def check_xy_radius(radius_after):
    """Check ``radius_after(r0, step, n)``: the distance to (0, 0) after ``n``
    simultaneous gradient steps on ``x*y``, which is ``r0 * (1 + step**2) ** (n / 2)``
    (compared with the simulated game, ``gan_core.games.xy_game``)."""
    for r0, step, n in [(1.0, 0.1, 50), (2.0, 0.3, 10), (0.5, 0.05, 200)]:
        ok, out = call(radius_after, "radius_after", r0, step, n)
        if not ok:
            return verdict(False, "radius_after raised an error" if callable(radius_after) else "pass your function",
                           out)
        path = games.xy_game(r0, 0.0, step, n)
        want = float(np.hypot(*path[-1]))
        got = as_number(out)
        if got is None:
            return verdict(False, "radius_after must return one number", f"it returned {describe(out)}")
        if not math.isclose(got, want, rel_tol=1e-9):
            return verdict(False, f"radius_after({r0}, {step}, {n}) differs from the simulation's {want:.4f}",
                           f"{off_by(got, want)}; how much does one step multiply x^2 + y^2?")
    return verdict(True, "r_n = r_0 (1 + step^2)^(n/2): the spiral grows geometrically")


@guarded
def check_critical_step(step, a=4.0):
    """Check the largest step size for which gradient descent on ``f(x) = a x^2 / 2``
    converges: ``x <- (1 - step a) x`` shrinks iff ``|1 - step a| < 1``, so ``step < 2 / a``
    (0.5 for ``a = 4``)."""
    a = as_number(a)
    if a is None or not 0 < a < math.inf:
        return verdict(False, "a must be a positive number", "leave it out to check the exercise's a = 4")
    got = as_number(step)
    if got is None:
        return verdict(False, "give one number", f"you passed {describe(step)}")
    want = 2.0 / a
    if abs(got - want) <= 1e-6:
        return verdict(True, f"steps below 2/a = {want:g} converge; at 2/a the ball bounces forever")
    if abs(got - 1.0 / a) <= 1e-6:
        return verdict(False, "that is the step that lands in the pit in one kick",
                       "larger steps overshoot but still converge while |1 - step a| < 1")
    return verdict(False, "that is not the limit", f"{off_by(got, want)}; write one step as x <- (1 - step a) x")
