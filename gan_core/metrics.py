"""Quality metrics for generated sine signals (NumPy only, float64, vectorised).

A real sample is ``x_i = mult * sin(x0 + freq * i)`` for ``i = 0 .. x_dim-1``
with parameters drawn from :data:`gan_core.data.SINE_RANGES`. The metrics:

* :func:`fit_sines` - least-squares sine fit of every sample (x0, freq, mult, rmse).
* :func:`valid_mask` / :func:`valid_fraction` - is a sample a clean sine with
  parameters inside the real ranges?
* :func:`mmd2` - unbiased squared maximum mean discrepancy, Gaussian kernel,
  and :func:`mmd2_floor`, its real-vs-real noise floor at the same sample size.
* :func:`nn1_accuracy` - the 1-nearest-neighbour two-sample test.
* :func:`coverage` - spread of the fitted parameters versus the real spread.
* :func:`evaluate` - all of the above in one flat, JSON-ready dict, and
  :func:`format_report` to print it.
"""
import functools
import math

import numpy as np

from .data import SINE_RANGES, sample_sines

__all__ = [
    "PARAM_NAMES",
    "DEFAULT_RMSE_TOL",
    "FLOOR_SEED",
    "FLOOR_REPEATS",
    "REFERENCE_SEED",
    "fit_sines",
    "valid_mask",
    "valid_fraction",
    "median_distance",
    "mmd2",
    "mmd2_floor",
    "nn1_accuracy",
    "coverage",
    "evaluate",
    "format_report",
]

#: The three sine parameters, in the order the data module draws them.
PARAM_NAMES = ("x0", "freq", "mult")
#: A sample counts as a sine when its fit RMSE is below this.
DEFAULT_RMSE_TOL = 0.05
#: Slack on the range check so a real sample fitted to 1e-15 never fails it.
RANGE_SLACK = 1e-9
#: Default seed of the real-vs-real MMD2 floor draws.
FLOOR_SEED = 12345
#: Default number of real-vs-real pairs behind the MMD2 floor. The floor max is an
#: extreme value: with 20 pairs it ranged 0.0005-0.0038 over seeds at n = 1000, with 50
#: pairs 0.0018-0.0038.
FLOOR_REPEATS = 50
#: Default seed of the real reference set drawn by :func:`evaluate`.
REFERENCE_SEED = 2017
#: Number of grid frequencies in (0, pi) used to start the sine fit.
FREQ_GRID_SIZE = 1200
#: Levenberg-Marquardt refinement steps after the grid search.
REFINE_STEPS = 10
#: Largest pooled set whose full pairwise-distance matrix is used for the median bandwidth.
MEDIAN_MAX_POINTS = 4000
#: Rows of a pairwise-distance block (bounds memory to about BLOCK_ROWS * N floats).
BLOCK_ROWS = 1024

_EPS = np.finfo(np.float64).eps
_FLOOR_CACHE = {}


# ---------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------
def _as_samples(name, value, min_n=1, min_dim=1):
    """Return ``value`` as a finite float64 array of shape (n, x_dim), or raise ValueError."""
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be a 2-D array of real numbers, got dtype {arr.dtype}")
    arr = arr.astype(np.float64, copy=False)
    if arr.ndim != 2 or arr.shape[0] < min_n or arr.shape[1] < min_dim:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n, x_dim) with n >= {min_n} and "
            f"x_dim >= {min_dim}, got shape {arr.shape}"
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(
            f"{name} must contain only finite values, found {int(bad.sum())} NaN/inf entries"
        )
    return arr


def _check_int(name, value, minimum):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_positive(name, value):
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return v


def _resolve_seed(name, rng, default_seed):
    """Map rng (None, int seed or Generator) to (generator, seed or None)."""
    if rng is None:
        return np.random.default_rng(default_seed), default_seed
    if isinstance(rng, np.random.Generator):
        return rng, None
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_)) and rng >= 0:
        return np.random.default_rng(int(rng)), int(rng)
    raise ValueError(
        f"{name} must be None, a non-negative integer seed or a numpy.random.Generator, got {rng!r}"
    )


def _check_fit(fit, n):
    """Check that ``fit`` looks like fit_sines' output for n samples."""
    if not hasattr(fit, "keys"):
        raise ValueError(f"fit must be the dict returned by fit_sines(samples), got {type(fit).__name__}")
    out = {}
    for key in PARAM_NAMES + ("rmse",):
        if key not in fit:
            raise ValueError(f"fit must be the dict returned by fit_sines(samples); key {key!r} is missing")
        arr = np.asarray(fit[key], dtype=np.float64)
        if arr.shape != (n,):
            raise ValueError(
                f"fit[{key!r}] must have shape ({n},) to match samples, got shape {arr.shape}"
            )
        out[key] = arr
    return out


# ---------------------------------------------------------------------------
# sine fit
# ---------------------------------------------------------------------------
@functools.lru_cache(maxsize=16)
def _freq_grid(x_dim, size):
    """Grid frequencies, the stacked basis [sin(w i); cos(w i)] and the 2x2 Gram inverses."""
    w = np.pi * (np.arange(size) + 0.5) / size          # midpoints: never exactly 0 or pi
    phase = np.outer(w, np.arange(x_dim, dtype=np.float64))
    s, c = np.sin(phase), np.cos(phase)                  # (size, x_dim) each
    g_ss, g_cc, g_sc = (s * s).sum(1), (c * c).sum(1), (s * c).sum(1)
    det = g_ss * g_cc - g_sc ** 2
    inv = (g_cc / det, -g_sc / det, g_ss / det)          # [[i_ss, i_sc], [i_sc, i_cc]]
    basis = np.ascontiguousarray(np.concatenate([s, c]).T)  # (x_dim, 2 * size)
    for arr in (w, basis) + inv:
        arr.setflags(write=False)
    return w, basis, inv


def _sine_residual(x, a, b, freq, i):
    phase = freq[:, None] * i
    s, c = np.sin(phase), np.cos(phase)
    res = x - (a[:, None] * s + b[:, None] * c)
    return res, s, c


def fit_sines(samples):
    """Least-squares fit of ``x_i = mult * sin(x0 + freq * i)``, i = 0..d-1, to every sample.

    Minimises ``SSE = sum_i (x_i - mult * sin(x0 + freq * i))**2`` per row with
    ``mult >= 0``, ``freq`` in (0, pi) and ``x0`` wrapped to [-pi, pi). With unit
    spacing these ranges make the answer unique (freq and 2*pi - freq alias).

    Method. Writing ``a = mult cos x0`` and ``b = mult sin x0`` turns the model into
    ``a sin(freq i) + b cos(freq i)``, linear in (a, b). For each of
    ``FREQ_GRID_SIZE`` grid frequencies the normal equations
    ``[a, b] = G^-1 [<x, sin>, <x, cos>]`` (G the 2x2 Gram matrix of the basis) give
    the best (a, b); the explained energy ``a <x, sin> + b <x, cos>`` picks the best
    grid frequency of each sample (one matrix product for all samples and all
    frequencies). Then (a, b, freq) are refined jointly by ``REFINE_STEPS``
    vectorised Gauss-Newton steps with Levenberg-Marquardt damping (a step is kept
    only if it lowers the SSE and keeps freq in (0, pi)). Finally
    ``mult = hypot(a, b)``, ``x0 = atan2(b, a)`` wrapped to [-pi, pi). Refining in
    (a, b) rather than (x0, mult) is the same model but stays well-posed when
    mult -> 0: a flat all-zero sample gets mult = 0 and rmse = 0, never NaN.

    Parameters
    ----------
    samples : array of shape (n, x_dim), n >= 1, x_dim >= 4, finite values.

    Returns
    -------
    dict with float64 arrays of shape (n,): ``x0``, ``freq``, ``mult`` and
    ``rmse = sqrt(SSE / x_dim)``.
    """
    x = _as_samples("samples", samples, min_n=1, min_dim=4)
    n, d = x.shape
    i = np.arange(d, dtype=np.float64)
    w, basis, (i_ss, i_sc, i_cc) = _freq_grid(d, FREQ_GRID_SIZE)
    k_grid = w.size

    # 1. grid search: projections on sin/cos for every grid frequency at once
    proj = x @ basis                                      # (n, 2K)
    p_s, p_c = proj[:, :k_grid], proj[:, k_grid:]
    # explained energy p^T G^-1 p; SSE = ||x||^2 - energy
    energy = i_ss * p_s * p_s + 2.0 * i_sc * p_s * p_c + i_cc * p_c * p_c
    best = np.argmax(energy, axis=1)
    rows = np.arange(n)
    ps, pc = p_s[rows, best], p_c[rows, best]
    a = i_ss[best] * ps + i_sc[best] * pc
    b = i_sc[best] * ps + i_cc[best] * pc
    freq = w[best].copy()

    # 2. joint refinement of (a, b, freq): damped Gauss-Newton (Levenberg-Marquardt)
    res, s, c = _sine_residual(x, a, b, freq, i)
    sse = np.einsum("nd,nd->n", res, res)
    lam = np.full(n, 1e-6)
    eye = np.eye(3)
    for _ in range(REFINE_STEPS):
        # Jacobian of the model a sin(f i) + b cos(f i) w.r.t. (a, b, f): (n, d, 3)
        jac = np.stack([s, c, i * (a[:, None] * c - b[:, None] * s)], axis=2)
        jtj = np.einsum("ndj,ndk->njk", jac, jac)
        jtr = np.einsum("ndj,nd->nj", jac, res)
        diag = np.einsum("njj->nj", jtj)
        # Marquardt scaling, plus a tiny floor so the freq column never makes it singular
        damp = lam[:, None] * diag
        damp[:, 2] += 1e-14 * diag[:, 0] + 1e-300
        step = np.linalg.solve(jtj + damp[:, :, None] * eye, jtr[:, :, None])[:, :, 0]
        a_new, b_new, f_new = a + step[:, 0], b + step[:, 1], freq + step[:, 2]
        res_new, s_new, c_new = _sine_residual(x, a_new, b_new, f_new, i)
        sse_new = np.einsum("nd,nd->n", res_new, res_new)
        keep = (sse_new < sse) & (f_new > 0.0) & (f_new < np.pi)
        lam = np.where(keep, np.maximum(lam * 0.1, 1e-12), np.minimum(lam * 10.0, 1e12))
        a, b, freq = np.where(keep, a_new, a), np.where(keep, b_new, b), np.where(keep, f_new, freq)
        sse = np.where(keep, sse_new, sse)
        k2 = keep[:, None]
        res, s, c = np.where(k2, res_new, res), np.where(k2, s_new, s), np.where(k2, c_new, c)

    mult = np.hypot(a, b)
    x0 = np.mod(np.arctan2(b, a) + np.pi, 2.0 * np.pi) - np.pi
    x0 = np.where(x0 >= np.pi, -np.pi, x0)               # guard the rounding edge of mod
    rmse = np.sqrt(np.maximum(sse, 0.0) / d)
    return {"x0": x0, "freq": freq, "mult": mult, "rmse": rmse}


# ---------------------------------------------------------------------------
# validity
# ---------------------------------------------------------------------------
def valid_mask(samples, fit=None, rmse_tol=DEFAULT_RMSE_TOL):
    """Boolean array (n,): which samples are real-looking sines.

    ``valid_k = (rmse_k < rmse_tol) and lo_p - 1e-9 <= p_k <= hi_p + 1e-9`` for every
    parameter p in (x0, freq, mult), with [lo_p, hi_p] from ``SINE_RANGES`` and p_k the
    fitted value from :func:`fit_sines` (pass ``fit`` to reuse a fit you already have).

    Parameters
    ----------
    samples : array of shape (n, x_dim), n >= 1, x_dim >= 4.
    fit : dict from ``fit_sines(samples)`` or None (then it is computed).
    rmse_tol : positive float, default 0.05.
    """
    x = _as_samples("samples", samples, min_n=1, min_dim=4)
    rmse_tol = _check_positive("rmse_tol", rmse_tol)
    fit = fit_sines(x) if fit is None else _check_fit(fit, x.shape[0])
    ok = fit["rmse"] < rmse_tol
    for name in PARAM_NAMES:
        lo, hi = SINE_RANGES[name]
        ok &= (fit[name] >= lo - RANGE_SLACK) & (fit[name] <= hi + RANGE_SLACK)
    return ok


def valid_fraction(samples, fit=None, rmse_tol=DEFAULT_RMSE_TOL):
    """Share of valid samples: ``mean_k valid_k`` (see :func:`valid_mask`), a float in [0, 1]."""
    return float(np.mean(valid_mask(samples, fit=fit, rmse_tol=rmse_tol)))


# ---------------------------------------------------------------------------
# pairwise distances
# ---------------------------------------------------------------------------
def _sqdist_blocks(z, block=None):
    """Yield (r0, r1, D2, sq): D2[j, l] = ||z[r0 + j] - z[l]||^2, clamped at 0, with D2[j, r0 + j] = 0.

    Uses ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b on centred data (less cancellation);
    ``sq`` holds the squared norms of the centred rows.
    """
    z = z - z.mean(axis=0)
    sq = np.einsum("nd,nd->n", z, z)
    n = z.shape[0]
    block = BLOCK_ROWS if block is None else block
    for r0 in range(0, n, block):
        r1 = min(n, r0 + block)
        d2 = z[r0:r1] @ z.T
        d2 *= -2.0
        d2 += sq[r0:r1, None]
        d2 += sq[None, :]
        np.maximum(d2, 0.0, out=d2)
        d2[np.arange(r1 - r0), np.arange(r0, r1)] = 0.0
        yield r0, r1, d2, sq


def _full_sqdist(z):
    (_, _, d2, _), = _sqdist_blocks(z, block=z.shape[0])
    return d2


def _median_of_upper(d2):
    """Median of sqrt(d2[j, l]) over j < l, for a square matrix d2."""
    n = d2.shape[0]
    upper = np.concatenate([d2[j, j + 1:] for j in range(n - 1)])
    k = upper.size // 2
    if upper.size % 2:
        return math.sqrt(np.partition(upper, k)[k])
    part = np.partition(upper, (k - 1, k))
    return 0.5 * (math.sqrt(part[k - 1]) + math.sqrt(part[k]))


def median_distance(samples):
    """Median Euclidean distance over all pairs (j < l) of rows: ``median ||z_j - z_l||``.

    Zero distances of a point to itself (the diagonal) are excluded; zero distances
    between distinct duplicate rows are kept. For more than ``MEDIAN_MAX_POINTS`` rows
    the median is taken over that many evenly spaced rows. Needs n >= 2.
    """
    z = _as_samples("samples", samples, min_n=2)
    return float(_median_distance(z))


def _median_distance(z):
    n = z.shape[0]
    if n > MEDIAN_MAX_POINTS:
        z = z[np.linspace(0, n - 1, MEDIAN_MAX_POINTS).round().astype(np.intp)]
    return _median_of_upper(_full_sqdist(z))


def _mean_distance(z):
    total, count = 0.0, z.shape[0] * (z.shape[0] - 1)
    for _, _, d2, _ in _sqdist_blocks(z):
        total += np.sqrt(d2).sum()
    return total / count


# ---------------------------------------------------------------------------
# MMD
# ---------------------------------------------------------------------------
def mmd2(x, y, bandwidth=None):
    """Unbiased squared MMD between samples x (n rows) and y (m rows), Gaussian kernel.

    ``k(a, b) = exp(-||a - b||^2 / (2 sigma^2))`` and

        MMD2_u = 1/(n(n-1)) sum_{j != l} k(x_j, x_l) + 1/(m(m-1)) sum_{j != l} k(y_j, y_l)
                 - 2/(n m) sum_{j, l} k(x_j, y_l)

    (Gretton et al. 2012, eq. 3). ``sigma = bandwidth`` if given, else the median
    pairwise distance of the pooled samples (:func:`median_distance`; if that is 0,
    the mean pairwise distance, and 1.0 if all points coincide). The estimate is
    unbiased, so for two samples of one distribution it scatters around 0 and can
    be slightly negative.

    Parameters
    ----------
    x : array (n, x_dim), n >= 2.  y : array (m, x_dim), m >= 2, same x_dim.
    bandwidth : positive float or None.

    Returns
    -------
    float
    """
    x = _as_samples("x", x, min_n=2)
    y = _as_samples("y", y, min_n=2)
    if y.shape[1] != x.shape[1]:
        raise ValueError(
            f"y must have the same number of columns as x ({x.shape[1]}), got shape {y.shape}"
        )
    sigma = None if bandwidth is None else _check_positive("bandwidth", bandwidth)
    n, m = x.shape[0], y.shape[0]
    z = np.concatenate([x, y])
    if n + m <= MEDIAN_MAX_POINTS:
        # one distance matrix serves both the median and the kernel
        d2_full = _full_sqdist(z)
        if sigma is None:
            sigma = _median_of_upper(d2_full)
        blocks = [(0, n + m, d2_full)]
    else:
        if sigma is None:
            sigma = _median_distance(z)
        blocks = ((r0, r1, d2) for r0, r1, d2, _ in _sqdist_blocks(z))
    if sigma == 0.0:
        sigma = _mean_distance(z) or 1.0
    scale = -0.5 / sigma ** 2
    k_to_x = np.empty(n + m)                              # row sums of k against the x block
    k_to_y = np.empty(n + m)                              # ... and against the y block
    for r0, r1, d2 in blocks:
        d2 *= scale
        kb = np.exp(d2, out=d2)
        k_to_x[r0:r1] = kb[:, :n].sum(axis=1)
        k_to_y[r0:r1] = kb[:, n:].sum(axis=1)
    s_xx = k_to_x[:n].sum() - n                           # minus the diagonal, k(a, a) = 1
    s_yy = k_to_y[n:].sum() - m
    s_xy = 0.5 * (k_to_y[:n].sum() + k_to_x[n:].sum())
    return float(s_xx / (n * (n - 1)) + s_yy / (m * (m - 1)) - 2.0 * s_xy / (n * m))


def mmd2_floor(n, rng=None, repeats=FLOOR_REPEATS, m=None, x_dim=10):
    """Real-vs-real noise floor of :func:`mmd2` at sample sizes (n, m).

    Draws ``repeats`` pairs of independent real sets X ~ real (n rows), Y ~ real
    (m rows, default m = n) with ``sample_sines`` and returns statistics of
    ``MMD2_u(X, Y)`` (median bandwidth, as in :func:`evaluate`). An MMD2 below
    ``max`` cannot be told apart from sampling noise at this n.

    Parameters
    ----------
    n : int >= 2.  m : int >= 2 or None (= n).  repeats : int >= 1.
    rng : None (seed ``FLOOR_SEED``), an int seed, or a numpy Generator.
        With None or an int the result is deterministic and cached per
        (n, m, repeats, seed, x_dim); a Generator is used as is and not cached.
    x_dim : int >= 4, the signal length.

    Returns
    -------
    dict: ``mean``, ``std``, ``min``, ``max`` (floats), ``values`` (list of floats),
    ``n``, ``m``, ``repeats`` (ints).
    """
    n = _check_int("n", n, 2)
    m = n if m is None else _check_int("m", m, 2)
    repeats = _check_int("repeats", repeats, 1)
    x_dim = _check_int("x_dim", x_dim, 4)
    gen, seed = _resolve_seed("rng", rng, FLOOR_SEED)
    key = (n, m, repeats, seed, x_dim)
    if seed is not None and key in _FLOOR_CACHE:
        return _copy_floor(_FLOOR_CACHE[key])
    values = [mmd2(sample_sines(n, gen, x_dim=x_dim), sample_sines(m, gen, x_dim=x_dim))
              for _ in range(repeats)]
    arr = np.asarray(values)
    result = {
        "mean": float(arr.mean()), "std": float(arr.std()),
        "min": float(arr.min()), "max": float(arr.max()),
        "values": [float(v) for v in values], "n": n, "m": m, "repeats": repeats,
    }
    if seed is not None:
        _FLOOR_CACHE[key] = result
    return _copy_floor(result)


def _copy_floor(result):
    out = dict(result)
    out["values"] = list(result["values"])
    return out


# ---------------------------------------------------------------------------
# 1-NN two-sample test
# ---------------------------------------------------------------------------
def nn1_accuracy(x, y):
    """Leave-one-out 1-nearest-neighbour two-sample test accuracy (Lopez-Paz & Oquab 2017).

    Pool z = [x; y] with labels 0 for x and 1 for y. Each point z_j is classified by
    the label of its nearest other point, ``argmin_{l != j} ||z_j - z_l||`` (Euclidean;
    distances equal up to floating-point rounding are ties, broken by the lowest
    pooled index), and

        accuracy = (1 / (n + m)) sum_j [label(nn(j)) == label(j)].

    With equal sizes 0.5 means indistinguishable and 1.0 means fully separated; an
    accuracy well below 0.5 means the two sets sit on top of each other (e.g. x == y
    gives 0). Unequal sizes are accepted, but then chance level is no longer 0.5.

    Parameters
    ----------
    x : array (n, x_dim), n >= 1.  y : array (m, x_dim), m >= 1, same x_dim.

    Returns
    -------
    float in [0, 1]
    """
    x = _as_samples("x", x, min_n=1)
    y = _as_samples("y", y, min_n=1)
    if y.shape[1] != x.shape[1]:
        raise ValueError(
            f"y must have the same number of columns as x ({x.shape[1]}), got shape {y.shape}"
        )
    n = x.shape[0]
    z = np.concatenate([x, y])
    labels = np.arange(z.shape[0]) >= n
    correct = 0
    for r0, r1, d2, sq in _sqdist_blocks(z):
        d2[np.arange(r1 - r0), np.arange(r0, r1)] = np.inf   # leave one out
        tol = 32.0 * _EPS * (sq.max() + 1e-300)               # rounding of the expansion
        nearest_d2 = d2.min(axis=1)
        nearest = np.argmax(d2 <= nearest_d2[:, None] + tol, axis=1)   # first index in the tie
        correct += int(np.count_nonzero(labels[nearest] == labels[r0:r1]))
    return correct / z.shape[0]


# ---------------------------------------------------------------------------
# coverage
# ---------------------------------------------------------------------------
def coverage(samples, fit=None, bins=10, rmse_tol=DEFAULT_RMSE_TOL):
    """Spread of the fitted parameters of the valid samples versus the real spread.

    For each parameter p in (x0, freq, mult) with real range [lo, hi] (U(lo, hi), whose
    standard deviation is (hi - lo) / sqrt(12)):

        std_p  = std(p_k over valid k) / ((hi - lo) / sqrt(12))   (about 1 for real data)
        bins_p = (# of the ``bins`` equal-width bins of [lo, hi] holding >= 1 valid p_k) / bins

    A collapsed generator (one repeated curve) gives std_p ~ 0 and bins_p = 1 / bins.
    With no valid samples every figure is 0; with one, the std ratios are 0.

    Parameters
    ----------
    samples : array (n, x_dim), n >= 1, x_dim >= 4.
    fit : dict from ``fit_sines(samples)`` or None.
    bins : int >= 1, default 10.  rmse_tol : as in :func:`valid_mask`.

    Returns
    -------
    dict of floats: ``std_x0``, ``std_freq``, ``std_mult``, ``bins_x0``,
    ``bins_freq``, ``bins_mult``, and ``n_valid``.
    """
    x = _as_samples("samples", samples, min_n=1, min_dim=4)
    bins = _check_int("bins", bins, 1)
    fit = fit_sines(x) if fit is None else _check_fit(fit, x.shape[0])
    ok = valid_mask(x, fit=fit, rmse_tol=rmse_tol)
    out = {}
    for name in PARAM_NAMES:
        lo, hi = SINE_RANGES[name]
        vals = fit[name][ok]
        real_std = (hi - lo) / math.sqrt(12.0)
        out[f"std_{name}"] = float(vals.std() / real_std) if vals.size else 0.0
        idx = np.clip(np.floor((vals - lo) / (hi - lo) * bins), 0, bins - 1).astype(np.intp)
        out[f"bins_{name}"] = float(np.unique(idx).size / bins)
    out["n_valid"] = float(np.count_nonzero(ok))
    return out


# ---------------------------------------------------------------------------
# everything at once
# ---------------------------------------------------------------------------
def evaluate(samples, rng=None, n_real=None, floor_repeats=FLOOR_REPEATS):
    """All quality figures of generated ``samples`` in one flat dict of Python floats.

    A real reference set R of ``n_real`` rows (default: as many as ``samples``) is
    drawn with ``sample_sines``; then

    * ``valid_fraction`` = mean_k valid_k, ``mean_rmse`` = mean_k rmse_k (fit_sines)
    * ``mmd2`` = MMD2_u(samples, R); ``mmd2_floor_mean`` / ``mmd2_floor_max`` from
      ``mmd2_floor(n, m=n_real)`` (real vs real at the same sizes)
    * ``nn1_accuracy`` = 1-NN two-sample accuracy of samples vs R
    * ``coverage_std_<p>`` and ``coverage_bins_<p>`` for p in (x0, freq, mult)
    * ``n``, ``n_real``, ``n_valid``

    Parameters
    ----------
    samples : array (n, x_dim), n >= 2, x_dim >= 4.
    rng : None (seed ``REFERENCE_SEED``: same samples -> same report), an int seed,
        or a numpy Generator for the reference set.
    n_real : int >= 2 or None.  floor_repeats : int >= 1, passed to mmd2_floor.

    Returns
    -------
    dict of str -> float (JSON-serialisable).
    """
    x = _as_samples("samples", samples, min_n=2, min_dim=4)
    n, d = x.shape
    n_real = n if n_real is None else _check_int("n_real", n_real, 2)
    floor_repeats = _check_int("floor_repeats", floor_repeats, 1)
    gen, _ = _resolve_seed("rng", rng, REFERENCE_SEED)
    real = sample_sines(n_real, gen, x_dim=d)

    fit = fit_sines(x)
    ok = valid_mask(x, fit=fit)
    floor = mmd2_floor(n, m=n_real, repeats=floor_repeats, x_dim=d)
    cov = coverage(x, fit=fit)
    report = {
        "n": float(n),
        "n_real": float(n_real),
        "valid_fraction": float(ok.mean()),
        "n_valid": float(np.count_nonzero(ok)),
        "mean_rmse": float(fit["rmse"].mean()),
        "mmd2": mmd2(x, real),
        "mmd2_floor_mean": floor["mean"],
        "mmd2_floor_max": floor["max"],
        "nn1_accuracy": float(nn1_accuracy(x, real)),
    }
    for name in PARAM_NAMES:
        report[f"coverage_std_{name}"] = cov[f"std_{name}"]
    for name in PARAM_NAMES:
        report[f"coverage_bins_{name}"] = cov[f"bins_{name}"]
    return report


_REPORT_KEYS = ("n", "valid_fraction", "mean_rmse", "mmd2", "mmd2_floor_mean",
                "mmd2_floor_max", "nn1_accuracy") + tuple(
    f"coverage_{kind}_{name}" for kind in ("std", "bins") for name in PARAM_NAMES)


def format_report(report, digits=4):
    """Format an :func:`evaluate` dict as a few lines with ``digits`` significant digits.

    Rounding keeps the text identical across machines whose last floating-point digit
    differs (useful for notebooks checked with nbval).
    """
    if not hasattr(report, "keys"):
        raise ValueError(f"report must be the dict returned by evaluate(), got {type(report).__name__}")
    missing = [k for k in _REPORT_KEYS if k not in report]
    if missing:
        raise ValueError(f"report must be the dict returned by evaluate(); missing keys {missing}")
    digits = _check_int("digits", digits, 1)

    def g(key):
        v = float(report[key])
        return f"{0.0 if v == 0 else v:.{digits}g}"   # no "-0"

    n_valid = report.get("n_valid")
    valid = f"{g('valid_fraction')}" + (f" ({int(n_valid)} of {int(report['n'])})" if n_valid is not None else "")
    lines = [
        f"samples: {int(report['n'])}   valid sines: {valid}   mean fit RMSE: {g('mean_rmse')}",
        f"MMD2: {g('mmd2')}   (real vs real at this n: mean {g('mmd2_floor_mean')}, "
        f"max {g('mmd2_floor_max')})",
        f"1-NN two-sample accuracy: {g('nn1_accuracy')}   (0.5 = indistinguishable, 1 = separated)",
        "coverage, std / real std:  " + "  ".join(f"{p} {g('coverage_std_' + p)}" for p in PARAM_NAMES),
        "coverage, share of bins:   " + "  ".join(f"{p} {g('coverage_bins_' + p)}" for p in PARAM_NAMES),
    ]
    return "\n".join(lines)
