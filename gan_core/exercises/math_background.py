"""Checks for the exercises of notebook 01 (math background).

Each check prints ``Correct: ...`` or ``Not yet: ...`` and returns a bool.
"""
import math

import numpy as np

from .. import games
from ._verdict import as_array, as_number, call, call_for_array, close, describe, guarded, off_by, verdict


@guarded
def check_lsgan_optimal_d(lsgan_d_star):
    """Check ``lsgan_d_star(p_data, p_g, a, b)``: the D that minimises the least-squares
    loss ``E_data[(D(x) - b)^2] + E_g[(D(x) - a)^2]`` pointwise, which is
    ``(b p_data + a p_g) / (p_data + p_g)``, elementwise on arrays of positive
    densities, for the targets ``(a, b) = (0, 1)``, ``(-1, 1)`` and ``(0.2, 0.9)``."""
    rng = np.random.default_rng(1)
    p_data, p_g = rng.uniform(0.01, 2.0, 20), rng.uniform(0.01, 2.0, 20)
    for a, b in ((-1.0, 1.0), (0.2, 0.9), (0.0, 1.0)):
        bad, got = call_for_array(lsgan_d_star, "lsgan_d_star", p_data.copy(), p_g.copy(), a, b)
        if bad:
            return verdict(False, bad, got)
        want = (b * p_data + a * p_g) / (p_data + p_g)
        if not close(got, want, 1e-9):
            if close(got, p_data / (p_data + p_g), 1e-9):
                hint = "that is the D* of the log loss; here the answer depends on the targets a and b"
            else:
                hint = "minimise p_data (y - b)^2 + p_g (y - a)^2 over y at each point"
            return verdict(False, f"lsgan_d_star is wrong for targets a = {a}, b = {b}", hint)
    return verdict(True, "D*(x) = (b p_data + a p_g) / (p_data + p_g): with a = 0 and b = 1 "
                         "it is the log loss's D* again")


def _random_pairs(rng, k, n):
    p, q = rng.dirichlet(np.ones(n), size=k), rng.dirichlet(np.ones(n), size=k)
    return p, q


@guarded
def check_js_function(js):
    """Check ``js(p, q)``: the Jensen-Shannon divergence in nats of two discrete
    distributions given as 1-D arrays, with ``0 log 0 = 0``. Compared with
    ``gan_core.games.js_divergence`` on random pairs, pairs with zeros, equal pairs
    (0) and pairs with disjoint supports (log 2); then the largest value over 500
    random pairs must not exceed log 2."""
    rng = np.random.default_rng(11)
    p, q = _random_pairs(rng, 500, 6)
    cases = [(p[i], q[i]) for i in range(5)]
    cases += [(np.array([0.5, 0.5, 0.0]), np.array([0.2, 0.3, 0.5])),
              (np.array([0.7, 0.3, 0.0, 0.0]), np.array([0.0, 0.0, 0.4, 0.6])),
              (np.array([0.25, 0.25, 0.5]), np.array([0.25, 0.25, 0.5]))]
    for pi, qi in cases:
        with np.errstate(all="ignore"):
            ok, out = call(js, "js", pi.copy(), qi.copy())
        if not ok:
            return verdict(False, "js raised an error" if callable(js) else "pass your function", out)
        got = as_number(out)
        if got is None:
            return verdict(False, "js must return one number", f"it returned {describe(out)}")
        want = games.js_divergence(pi, qi)
        if not abs(got - want) <= 1e-9:
            zeros = bool(np.any(pi == 0) or np.any(qi == 0))
            if math.isnan(got):
                hint = "a term with p = 0 must count as 0 (0 log 0 = 0), not NaN"
            elif abs(got - want / math.log(2)) <= 1e-9:
                hint = "that is in bits: use the natural logarithm"
            elif zeros:
                hint = "drop the terms where p (or q) is 0 instead of taking log 0"
            else:
                hint = f"{off_by(got, want)}; JS = KL(p || m)/2 + KL(q || m)/2 with m = (p + q)/2"
            return verdict(False, "js is wrong on a pair of distributions" + (" with zeros" if zeros else ""), hint)
    largest = -math.inf
    for pi, qi in zip(p, q):
        with np.errstate(all="ignore"):
            ok, out = call(js, "js", pi, qi)
        got = as_number(out) if ok else None
        if got is None or not abs(got - games.js_divergence(pi, qi)) <= 1e-9:
            return verdict(False, "js is wrong on one of 500 random pairs", "test it on random distributions")
        largest = max(largest, got)
    return verdict(True, f"js matches on every pair; over 500 random pairs its largest value is {largest:.4f}, "
                         f"below log 2 = {math.log(2):.4f}, which only disjoint supports reach")


@guarded
def check_right_pit_step(step):
    """Check the largest step size for which gradient descent started near the
    *right* pit of ``games.landscape`` still converges to it: ``2 / f''(x*)`` at the
    right pit (about 0.650; accepted to 1e-3)."""
    right = games.LANDSCAPE_STATIONARY[2]
    curv = float(games.landscape_curvature(right))
    want = 2.0 / curv
    got = as_number(step)
    if got is None:
        return verdict(False, "give one number", f"you passed {describe(step)}")
    if abs(got - want) <= 1e-3:
        return verdict(True, f"steps below 2 / f''(x*) = {want:.3f} settle in the right pit; "
                             "its flatter bottom tolerates larger kicks than the left pit")
    left = games.LANDSCAPE_STATIONARY[0]
    if abs(got - 2.0 / float(games.landscape_curvature(left))) <= 1e-3:
        return verdict(False, "that is the left pit's limit", "use the curvature f'' of the right pit")
    if abs(got - 1.0 / curv) <= 1e-3:
        return verdict(False, "that step lands in the pit in one kick",
                       "larger steps overshoot but still converge while |1 - step f''| < 1")
    return verdict(False, "that is not the limit", f"{off_by(got, want)}; one kick multiplies the distance by 1 - step f''")
