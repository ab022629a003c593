"""Quality metrics for generated sine signals (NumPy only, float64, vectorised).

A real sample is ``x_i = mult * sin(x0 + freq * i)`` for ``i = 0 .. x_dim-1``
with parameters drawn from :data:`gan_core.data.SINE_RANGES`. The metrics:

* :func:`fit_sines` - least-squares sine fit of every sample (x0, freq, mult, rmse).
* :func:`valid_mask` / :func:`valid_fraction` - is a sample a clean sine with
  parameters inside the real ranges?
* :func:`mmd2` - unbiased squared maximum mean discrepancy with a Gaussian kernel
  of ONE fixed bandwidth, :data:`REAL_BANDWIDTH` (see :func:`real_bandwidth`),
  so every MMD2 in the book is measured with the same ruler.
* :func:`nn1_accuracy` - the 1-nearest-neighbour two-sample test.
* :func:`null_bands` - what real-vs-real gives at the same n: the 2.5th-97.5th
  percentile band of MMD2 and of the 1-NN accuracy over repeated real draws
  (:func:`mmd2_floor` is its MMD2 part as mean/std/min/max).
* :func:`coverage` - spread of the fitted parameters versus the real spread.
* :func:`evaluate` - all of the above in one flat, JSON-ready dict with the
  verdict ``indistinguishable``, and :func:`format_report` to print it.

Every argument is checked with :mod:`gan_core._checks`: a bad one raises
``ValueError`` naming the parameter, never a traceback from inside NumPy.
"""
import functools
import math

import numpy as np

from ._blas import with_one_blas_thread
from ._checks import MAX_SEED, check_array, check_int, check_number, check_seed
from .data import SINE_RANGES, sample_sines

__all__ = [
    "PARAM_NAMES",
    "DEFAULT_RMSE_TOL",
    "REAL_BANDWIDTH",
    "BANDWIDTH_SEED",
    "BANDWIDTH_SAMPLES",
    "BANDWIDTH_RANGE",
    "FLOOR_SEED",
    "FLOOR_REPEATS",
    "NULL_PERCENTILES",
    "REFERENCE_SEED",
    "fit_sines",
    "valid_mask",
    "valid_fraction",
    "median_distance",
    "real_bandwidth",
    "mmd2",
    "nn1_accuracy",
    "null_bands",
    "mmd2_floor",
    "coverage",
    "evaluate",
    "format_report",
]

#: The three sine parameters, in the order the data module draws them.
PARAM_NAMES = ("x0", "freq", "mult")
#: The keys of what :func:`fit_sines` returns.
FIT_KEYS = PARAM_NAMES + ("rmse",)
#: A sample counts as a sine when its fit RMSE is below this.
DEFAULT_RMSE_TOL = 0.05
#: Slack on the range check so a real sample fitted to 1e-15 never fails it.
RANGE_SLACK = 1e-9
#: Seed and size of the real sample that fixes the MMD2 kernel bandwidth.
BANDWIDTH_SEED = 2012
BANDWIDTH_SAMPLES = 4000
#: The MMD2 bandwidth h for x_dim = 10: the median Euclidean distance over all
#: 7,998,000 pairs of ``sample_sines(BANDWIDTH_SAMPLES, default_rng(BANDWIDTH_SEED))``
#: (measured once; ``tests/test_metrics.py`` recomputes it to these 12 digits).
#: With other seeds this median moves by a few thousandths (0.8715, 0.8765, 0.8805 for seeds 3, 2, 1).
REAL_BANDWIDTH = 0.877338069863
#: Accepted explicit bandwidths (closed interval).
BANDWIDTH_RANGE = (1e-6, 1e6)
#: Default seed of the real-vs-real null draws behind :func:`null_bands` and :func:`mmd2_floor`.
FLOOR_SEED = 12345
#: Default number of real-vs-real pairs behind the null bands. Each pair gives one
#: MMD2 and one 1-NN accuracy from a single distance matrix (about 0.03 s at n = 1000).
FLOOR_REPEATS = 100
#: The null band is this percentile range (linear interpolation, ``np.percentile``).
#: The verdict needs both MMD2 and 1-NN at or below the top of their bands; with
#: 95th percentiles real data failed one of the two about 15% of the time
#: (measured over 200 fresh real sets), with 97.5th about 5-7%.
NULL_PERCENTILES = (2.5, 97.5)
#: Default seed of the real reference set drawn by :func:`evaluate`.
REFERENCE_SEED = 2017
#: Number of grid frequencies in (0, pi) used to start the sine fit.
FREQ_GRID_SIZE = 1200
#: Samples per block of :func:`fit_sines`' grid search (its temporaries: GRID_BLOCK_ROWS x FREQ_GRID_SIZE floats).
GRID_BLOCK_ROWS = 64
#: Levenberg-Marquardt refinement steps after the grid search.
REFINE_STEPS = 10
#: Largest set whose full pairwise-distance matrix :func:`median_distance` uses.
MEDIAN_MAX_POINTS = 4000
#: Rows of a pairwise-distance block (bounds memory to about BLOCK_ROWS * N floats).
BLOCK_ROWS = 1024
#: Largest sample count accepted by the functions that take a count.
MAX_N = 1_000_000
#: Largest repeat count of the null draws.
MAX_REPEATS = 10_000
#: Largest signal length for which a real bandwidth / null band is drawn (the config's X_DIM limit).
MAX_X_DIM = 1024

_EPS = np.finfo(np.float64).eps
_FLOOR_CACHE = {}       # (n, m, repeats, seed, x_dim) -> (mmd2 values, 1-NN values), tuples
_TABLE_READ = []        # [True] once the precomputed table is in _FLOOR_CACHE
_BANDWIDTH_CACHE = {10: REAL_BANDWIDTH}


# ---------------------------------------------------------------------------
# input checks (the checks themselves live in gan_core._checks)
# ---------------------------------------------------------------------------
def _as_samples(name, value, min_n=1, min_dim=1):
    """``value`` as a finite float64 array of shape (n, x_dim) with n >= min_n, x_dim >= min_dim."""
    arr = check_array(name, value, ndim=2)
    if arr.shape[0] < min_n or arr.shape[1] < min_dim:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n, x_dim) with n >= {min_n} and "
            f"x_dim >= {min_dim}, got shape {arr.shape}"
        )
    return arr


def _same_columns(x, y):
    if y.shape[1] != x.shape[1]:
        raise ValueError(f"y must have the same number of columns as x ({x.shape[1]}), got shape {y.shape}")


def _resolve_seed(name, rng, default_seed):
    """Map rng (None, int seed or Generator) to (generator, seed or None)."""
    if rng is None:
        return np.random.default_rng(default_seed), default_seed
    if isinstance(rng, np.random.Generator):
        return rng, None
    try:
        seed = check_seed(name, rng)
    except ValueError as err:
        detail = str(err).split(", got ", 1)[-1]
        raise ValueError(f"{name} must be None, a seed (an integer in [0, {MAX_SEED}]) or a "
                         f"numpy.random.Generator, got {detail}") from None
    return np.random.default_rng(seed), seed


def _check_bandwidth(bandwidth):
    """None (use the fixed real bandwidth) or a float in BANDWIDTH_RANGE."""
    if bandwidth is None:
        return None
    return check_number("bandwidth", bandwidth, *BANDWIDTH_RANGE)


def _check_fit(fit, n):
    """Check that ``fit`` looks like fit_sines' output for n samples."""
    if not hasattr(fit, "keys"):
        raise ValueError(f"fit must be the dict returned by fit_sines(samples), got {type(fit).__name__}")
    out = {}
    for key in PARAM_NAMES + ("rmse",):
        if key not in fit:
            raise ValueError(f"fit must be the dict returned by fit_sines(samples); key {key!r} is missing")
        out[key] = check_array(f"fit[{key!r}]", fit[key], shape=(n,))
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


@with_one_blas_thread
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
    grid frequency of each sample (one matrix product for all frequencies and a block
    of ``GRID_BLOCK_ROWS`` samples). Then (a, b, freq) are refined jointly by ``REFINE_STEPS``
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

    # 1. grid search: projections on sin/cos for every grid frequency, GRID_BLOCK_ROWS samples at a
    #    time (the (rows, K) temporaries then stay in the CPU's cache), the energy built in place
    best, ps, pc = np.empty(n, dtype=np.intp), np.empty(n), np.empty(n)
    two_sc = 2.0 * i_sc
    for start in range(0, n, GRID_BLOCK_ROWS):
        block = slice(start, min(start + GRID_BLOCK_ROWS, n))
        proj = x[block] @ basis                           # (rows, 2K)
        p_s, p_c = proj[:, :k_grid], proj[:, k_grid:]
        # explained energy p^T G^-1 p = i_ss p_s^2 + 2 i_sc p_s p_c + i_cc p_c^2; SSE = ||x||^2 - energy
        energy = i_ss * p_s
        energy *= p_s
        term = two_sc * p_s
        term *= p_c
        energy += term
        np.multiply(i_cc, p_c, out=term)
        term *= p_c
        energy += term
        pick = np.argmax(energy, axis=1)
        rows = np.arange(len(pick))
        best[block], ps[block], pc[block] = pick, p_s[rows, pick], p_c[rows, pick]
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
    samples : array of shape (n, x_dim), n >= 1, x_dim >= 4, finite.
    fit : dict from ``fit_sines(samples)`` or None (then it is computed).
    rmse_tol : float in (0, 1e6], default 0.05.
    """
    x = _as_samples("samples", samples, min_n=1, min_dim=4)
    rmse_tol = check_number("rmse_tol", rmse_tol, 0.0, 1e6, lo_open=True)
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
# pairwise distances and the fixed bandwidth
# ---------------------------------------------------------------------------
def _full_sqdist(z):
    """D2[j, l] = ||z_j - z_l||^2 (clamped at 0, zero diagonal), via
    ||a||^2 + ||b||^2 - 2 a.b on centred data (less cancellation)."""
    z = z - z.mean(axis=0)
    sq = np.einsum("nd,nd->n", z, z)
    d2 = z @ z.T
    d2 *= -2.0
    d2 += sq[:, None]
    d2 += sq[None, :]
    np.maximum(d2, 0.0, out=d2)
    np.fill_diagonal(d2, 0.0)
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
    """Median Euclidean distance over all pairs (j < l) of rows: ``median_{j<l} ||z_j - z_l||``.

    Zero distances of a point to itself (the diagonal) are excluded; zero distances
    between distinct duplicate rows are kept. For more than ``MEDIAN_MAX_POINTS`` rows
    the median is taken over that many evenly spaced rows. Needs n >= 2.
    """
    z = _as_samples("samples", samples, min_n=2)
    n = z.shape[0]
    if n > MEDIAN_MAX_POINTS:
        z = z[np.linspace(0, n - 1, MEDIAN_MAX_POINTS).round().astype(np.intp)]
    return float(_median_of_upper(_full_sqdist(z)))


def _compute_real_bandwidth(x_dim):
    """The median pairwise distance of BANDWIDTH_SAMPLES real sines drawn with BANDWIDTH_SEED."""
    z = sample_sines(BANDWIDTH_SAMPLES, np.random.default_rng(BANDWIDTH_SEED), x_dim=x_dim)
    return float(_median_of_upper(_full_sqdist(z)))


def real_bandwidth(x_dim=10):
    """The fixed MMD2 kernel bandwidth for signals of length ``x_dim``:

        h(x_dim) = median_{j < l} ||r_j - r_l||,  r_1..r_N = sample_sines(N, default_rng(BANDWIDTH_SEED), x_dim)

    with N = ``BANDWIDTH_SAMPLES`` = 4000 real samples (all N(N-1)/2 pairs). It is a
    property of the real distribution alone, so it is the same for every comparison.
    For x_dim = 10 this is the measured constant :data:`REAL_BANDWIDTH`; any other
    x_dim (an integer in [1, MAX_X_DIM]) is computed once (about 0.6 s) and cached.
    """
    x_dim = check_int("x_dim", x_dim, 1, MAX_X_DIM)
    if x_dim not in _BANDWIDTH_CACHE:
        _BANDWIDTH_CACHE[x_dim] = _compute_real_bandwidth(x_dim)
    return _BANDWIDTH_CACHE[x_dim]


def _default_bandwidth(x_dim):
    if x_dim > MAX_X_DIM:
        raise ValueError(f"bandwidth must be given for signals longer than {MAX_X_DIM} (the real "
                         f"bandwidth is drawn only for x_dim in [1, {MAX_X_DIM}]); got x_dim {x_dim}")
    return real_bandwidth(x_dim)


# ---------------------------------------------------------------------------
# two-sample statistics: MMD2 and the 1-NN test from one pass over the distances
# ---------------------------------------------------------------------------
def _d2_block(a, sa, b, sb, r0, r1, diag):
    """||a_j - b_l||^2 for rows j in [r0, r1) of a; +inf on the diagonal when a is b."""
    d2 = a[r0:r1] @ b.T
    d2 *= -2.0
    d2 += sa[r0:r1, None]
    d2 += sb[None, :]
    np.maximum(d2, 0.0, out=d2)
    if diag:
        d2[np.arange(r1 - r0), np.arange(r0, r1)] = np.inf   # leave one out; exp(-inf) = 0
    return d2


@with_one_blas_thread
def _two_sample(x, y, bandwidth, want_mmd=True, want_nn1=True):
    """(MMD2_u or None, 1-NN accuracy or None) of checked arrays x (n rows), y (m rows).

    The blocks D_xx, D_xy and D_yy of squared distances (centred pooled data, diagonal
    set to +inf) are computed once per row block and serve both statistics.
    """
    n, m = x.shape[0], y.shape[0]
    mu = (x.sum(axis=0) + y.sum(axis=0)) / (n + m)
    xc, yc = x - mu, y - mu
    sx, sy = np.einsum("nd,nd->n", xc, xc), np.einsum("nd,nd->n", yc, yc)
    scale = -0.5 / bandwidth ** 2 if want_mmd else None
    own_x, other_x, own_y = np.empty(n), np.empty(n), np.empty(m)
    other_y = np.full(m, np.inf)
    s_xx = s_yy = s_xy = 0.0

    def kernel_sum(d2):
        d2 *= scale
        return float(np.exp(d2, out=d2).sum())

    for r0 in range(0, n, BLOCK_ROWS):
        r1 = min(n, r0 + BLOCK_ROWS)
        d2 = _d2_block(xc, sx, xc, sx, r0, r1, diag=True)
        own_x[r0:r1] = d2.min(axis=1)
        if want_mmd:
            s_xx += kernel_sum(d2)
        d2 = _d2_block(xc, sx, yc, sy, r0, r1, diag=False)
        other_x[r0:r1] = d2.min(axis=1)
        np.minimum(other_y, d2.min(axis=0), out=other_y)
        if want_mmd:
            s_xy += kernel_sum(d2)
    for r0 in range(0, m, BLOCK_ROWS):
        r1 = min(m, r0 + BLOCK_ROWS)
        d2 = _d2_block(yc, sy, yc, sy, r0, r1, diag=True)
        own_y[r0:r1] = d2.min(axis=1)
        if want_mmd:
            s_yy += kernel_sum(d2)

    mmd = None
    if want_mmd:
        mmd = s_xx / (n * (n - 1)) + s_yy / (m * (m - 1)) - 2.0 * s_xy / (n * m)
    acc = None
    if want_nn1:
        # Distances equal up to the rounding of the expansion are ties, won by the lowest
        # pooled index: an x point wins its ties, a y point loses them.
        tol = 32.0 * _EPS * (max(sx.max(), sy.max()) + 1e-300)
        correct = np.count_nonzero(own_x <= other_x + tol) + np.count_nonzero(other_y > own_y + tol)
        acc = int(correct) / (n + m)
    return mmd, acc


def mmd2(x, y, bandwidth=None):
    """Unbiased squared MMD between samples x (n rows) and y (m rows), Gaussian kernel.

    ``k(a, b) = exp(-||a - b||^2 / (2 h^2))`` and

        MMD2_u = 1/(n(n-1)) sum_{j != l} k(x_j, x_l) + 1/(m(m-1)) sum_{j != l} k(y_j, y_l)
                 - 2/(n m) sum_{j, l} k(x_j, y_l)

    (Gretton et al. 2012, eq. 3). ``h = bandwidth`` if given (a number in
    ``BANDWIDTH_RANGE`` = [1e-6, 1e6]), else the fixed real bandwidth
    ``real_bandwidth(x_dim)`` (:data:`REAL_BANDWIDTH` = 0.8773 for x_dim = 10), the
    same kernel for every comparison whatever x and y are. The estimate is unbiased,
    so for two samples of one distribution it scatters around 0 and can be slightly
    negative.

    Parameters
    ----------
    x : array (n, x_dim), n >= 2, finite.  y : array (m, x_dim), m >= 2, same x_dim.
    bandwidth : float in [1e-6, 1e6] or None.

    Returns
    -------
    float
    """
    x = _as_samples("x", x, min_n=2)
    y = _as_samples("y", y, min_n=2)
    _same_columns(x, y)
    h = _check_bandwidth(bandwidth)
    h = _default_bandwidth(x.shape[1]) if h is None else h
    return float(_two_sample(x, y, h, want_nn1=False)[0])


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
    x : array (n, x_dim), n >= 1, finite.  y : array (m, x_dim), m >= 1, same x_dim.

    Returns
    -------
    float in [0, 1]
    """
    x = _as_samples("x", x, min_n=1)
    y = _as_samples("y", y, min_n=1)
    _same_columns(x, y)
    return _two_sample(x, y, None, want_mmd=False)[1]


# ---------------------------------------------------------------------------
# real-vs-real null distribution
# ---------------------------------------------------------------------------
#: The null draws the book uses (n = m in ``NULL_TABLE_SIZES``, the default repeats, seed and
#: x_dim), drawn once by ``python -m gan_core.metrics`` into ``null_values.json`` beside this
#: module and read from there (about 6 s saved per process that needs them);
#: ``tests/test_metrics.py`` draws every entry afresh and compares.
NULL_TABLE_SIZES = (200, 500, 1000)
NULL_TABLE_FILE = "null_values.json"


def _draw_null_values(gen, n, m, repeats, x_dim):
    """For r = 1..R draw real X_r (n rows), then Y_r (m rows) from ``gen`` and compute
    ``MMD2_u(X_r, Y_r)`` (bandwidth ``real_bandwidth(x_dim)``) and the 1-NN accuracy
    ``A(X_r, Y_r)`` on the same pair: ``(mmd2 values, 1-NN values)``."""
    h = real_bandwidth(x_dim)
    mmds, nns = [], []
    for _ in range(repeats):
        a = sample_sines(n, gen, x_dim=x_dim)
        b = sample_sines(m, gen, x_dim=x_dim)
        v, acc = _two_sample(a, b, h)
        mmds.append(float(v))
        nns.append(float(acc))
    return tuple(mmds), tuple(nns)


def _table_path():
    import os
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), NULL_TABLE_FILE)


def read_null_table(path=None):
    """The precomputed null draws: ``{(n, m, repeats, seed, x_dim): (mmd2 values, 1-NN values)}``
    from ``path`` (default ``NULL_TABLE_FILE`` beside this module); ``{}`` if it is missing."""
    import json
    try:
        with open(path or _table_path()) as f:
            rows = json.load(f)
    except (OSError, ValueError):
        return {}
    return {(r["n"], r["m"], r["repeats"], r["seed"], r["x_dim"]): (tuple(r["mmd2"]), tuple(r["nn1"])) for r in rows}


def write_null_table(path=None):
    """Draw the null values for every n in ``NULL_TABLE_SIZES`` (m = n, the default repeats,
    seed and x_dim) and write them as JSON to ``path`` (default: beside this module)."""
    import json
    path = path or _table_path()
    rows = []
    for n in NULL_TABLE_SIZES:
        mmds, nns = _draw_null_values(np.random.default_rng(FLOOR_SEED), n, n, FLOOR_REPEATS, 10)
        rows.append({"n": n, "m": n, "repeats": FLOOR_REPEATS, "seed": FLOOR_SEED, "x_dim": 10,
                     "mmd2": list(mmds), "nn1": list(nns)})
    with open(path, "w") as f:
        json.dump(rows, f)
        f.write("\n")
    return path


def _null_values(n, m, repeats, rng, x_dim):
    """(mmd2 values, 1-NN values) of ``repeats`` independent real pairs; cached for a seed.
    The sizes of ``NULL_TABLE_SIZES`` start out in the cache, read from ``NULL_TABLE_FILE``."""
    gen, seed = _resolve_seed("rng", rng, FLOOR_SEED)
    if seed is None:
        return _draw_null_values(gen, n, m, repeats, x_dim)
    if not _TABLE_READ:
        _FLOOR_CACHE.update(read_null_table())
        _TABLE_READ.append(True)
    key = (n, m, repeats, seed, x_dim)
    if key not in _FLOOR_CACHE:
        _FLOOR_CACHE[key] = _draw_null_values(gen, n, m, repeats, x_dim)
    return _FLOOR_CACHE[key]


def _null_args(n, m, repeats, x_dim):
    n = check_int("n", n, 2, MAX_N)
    m = n if m is None else check_int("m", m, 2, MAX_N)
    repeats = check_int("repeats", repeats, 1, MAX_REPEATS)
    x_dim = check_int("x_dim", x_dim, 1, MAX_X_DIM)
    return n, m, repeats, x_dim


def null_bands(n, x_dim=10, repeats=FLOOR_REPEATS, seed=FLOOR_SEED, m=None):
    """What real data scores against real data at sizes (n, m): the null bands.

    For r = 1..R (R = ``repeats``) draw independent real sets X_r (n rows) and Y_r
    (m rows, default m = n) with ``sample_sines`` from ``default_rng(seed)`` and compute
    ``MMD2_u(X_r, Y_r)`` (fixed bandwidth ``real_bandwidth(x_dim)``) and the 1-NN
    accuracy ``A(X_r, Y_r)`` on the same pair. The band of each is

        [low, high] = [P2.5, P97.5] of its R values   (``NULL_PERCENTILES``; linear interpolation)

    so a real sample scores above ``high`` about 2.5% of the time. Deterministic:
    cached per (n, m, repeats, seed, x_dim); the default 100 repeats cost about 3 s
    once at n = 1000 on an idle 2-core machine (one distance matrix per pair serves
    both statistics).

    Parameters
    ----------
    n : int in [2, 1e6].  x_dim : int in [1, 1024].  repeats : int in [1, 10000].
    seed : int in [0, 2**63 - 1].  m : int in [2, 1e6] or None (= n).

    Returns
    -------
    dict: ``mmd2_low``, ``mmd2_high``, ``mmd2_mean``, ``mmd2_max``, ``nn1_low``,
    ``nn1_high``, ``nn1_mean``, ``nn1_max``, ``bandwidth`` (floats), ``mmd2_values``,
    ``nn1_values`` (lists), ``percentiles`` (list of 2 floats), ``n``, ``m``,
    ``x_dim``, ``repeats``, ``seed`` (ints). A fresh copy on every call.
    """
    n, m, repeats, x_dim = _null_args(n, m, repeats, x_dim)
    seed = check_seed("seed", seed)
    mmds, nns = _null_values(n, m, repeats, seed, x_dim)
    out = {"n": n, "m": m, "x_dim": x_dim, "repeats": repeats, "seed": seed,
           "bandwidth": real_bandwidth(x_dim), "percentiles": list(NULL_PERCENTILES)}
    for name, values in (("mmd2", mmds), ("nn1", nns)):
        arr = np.asarray(values)
        low, high = np.percentile(arr, NULL_PERCENTILES)
        out.update({f"{name}_low": float(low), f"{name}_high": float(high),
                    f"{name}_mean": float(arr.mean()), f"{name}_max": float(arr.max()),
                    f"{name}_values": list(values)})
    return out


def mmd2_floor(n, rng=None, repeats=FLOOR_REPEATS, m=None, x_dim=10):
    """Real-vs-real noise floor of :func:`mmd2` at sample sizes (n, m): the MMD2 half of
    :func:`null_bands` as summary statistics.

    Of the R = ``repeats`` values v_r = MMD2_u(X_r, Y_r) of independent real pairs
    (X_r n rows, Y_r m rows, fixed bandwidth ``real_bandwidth(x_dim)``) it returns
    ``mean = (1/R) sum_r v_r``, ``std`` (population), ``min`` and ``max``. With the same
    seed these are the very draws of ``null_bands``. An MMD2 below ``max`` cannot be
    told apart from sampling noise at this n.

    Parameters
    ----------
    n : int in [2, 1e6].  m : int in [2, 1e6] or None (= n).  repeats : int in [1, 10000].
    rng : None (seed ``FLOOR_SEED``), an int seed, or a numpy Generator.
        With None or an int the result is deterministic and cached per
        (n, m, repeats, seed, x_dim); a Generator is used as is and not cached.
    x_dim : int in [1, 1024], the signal length.

    Returns
    -------
    dict: ``mean``, ``std``, ``min``, ``max`` (floats), ``values`` (list of floats),
    ``n``, ``m``, ``repeats`` (ints).
    """
    n, m, repeats, x_dim = _null_args(n, m, repeats, x_dim)
    values, _ = _null_values(n, m, repeats, rng, x_dim)
    arr = np.asarray(values)
    return {"mean": float(arr.mean()), "std": float(arr.std()), "min": float(arr.min()),
            "max": float(arr.max()), "values": list(values), "n": n, "m": m, "repeats": repeats}


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
    samples : array (n, x_dim), n >= 1, x_dim >= 4, finite.
    fit : dict from ``fit_sines(samples)`` or None.
    bins : int in [1, 10000], default 10.  rmse_tol : as in :func:`valid_mask`.

    Returns
    -------
    dict of floats: ``std_x0``, ``std_freq``, ``std_mult``, ``bins_x0``,
    ``bins_freq``, ``bins_mult``, and ``n_valid``.
    """
    x = _as_samples("samples", samples, min_n=1, min_dim=4)
    bins = check_int("bins", bins, 1, 10_000)
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
def _check_fit(fit, n):
    """``fit`` as given by ``fit_sines`` for n samples: a dict of four finite (n,) arrays."""
    if not hasattr(fit, "keys") or any(k not in fit for k in FIT_KEYS):
        raise ValueError(f"fit must be the dict fit_sines(samples) returns, with keys {', '.join(FIT_KEYS)}")
    return {k: check_array(f"fit[{k!r}]", fit[k], shape=(n,)) for k in FIT_KEYS}


def evaluate(samples, rng=None, n_real=None, floor_repeats=FLOOR_REPEATS, fit=None):
    """All quality figures of generated ``samples`` in one flat, JSON-ready dict.

    A real reference set R of ``n_real`` rows (default: as many as ``samples``) is
    drawn with ``sample_sines``; then

    * ``valid_fraction`` = mean_k valid_k, ``mean_rmse`` = mean_k rmse_k (fit_sines)
    * ``mmd2`` = MMD2_u(samples, R) with the fixed ``bandwidth`` = real_bandwidth(x_dim)
    * ``nn1_accuracy`` = 1-NN two-sample accuracy of samples vs R
    * the real-vs-real null bands at the same sizes, ``null_bands(n, x_dim,
      floor_repeats, m=n_real)``: ``mmd2_null_low`` / ``mmd2_null_high`` and
      ``nn1_null_low`` / ``nn1_null_high`` (the ``NULL_PERCENTILES`` of
      ``null_repeats`` draws), and ``mmd2_floor_mean`` / ``mmd2_floor_max`` (mean and
      max of the same MMD2 draws)
    * ``indistinguishable`` (bool) = ``mmd2 <= mmd2_null_high and nn1_accuracy <=
      nn1_null_high``: both figures inside (at or below the top of) their band. Each
      band lets about 2.5% of real data out, so real data fails the verdict now and
      then (``bench/bench_metrics.py`` prints how often).
    * ``coverage_std_<p>`` and ``coverage_bins_<p>`` for p in (x0, freq, mult)
    * ``n``, ``n_real``, ``n_valid``

    Parameters
    ----------
    samples : array (n, x_dim), 2 <= n <= 1e6, 4 <= x_dim <= 1024, finite.
    rng : None (seed ``REFERENCE_SEED``: same samples -> same report), an int seed,
        or a numpy Generator for the reference set.
    n_real : int in [2, 1e6] or None.  floor_repeats : int in [1, 10000], the null draws.
    fit : None, or ``fit_sines(samples)`` when the caller has it already (it is the
        costliest part; ``gan_core.experiments.measure`` fits once for all its figures).

    Returns
    -------
    dict of str -> float, except ``indistinguishable`` (bool).
    """
    x = _as_samples("samples", samples, min_n=2, min_dim=4)
    n, d = x.shape
    if n > MAX_N or d > MAX_X_DIM:
        raise ValueError(f"samples must have at most {MAX_N} rows and {MAX_X_DIM} columns, got shape {x.shape}")
    n_real = n if n_real is None else check_int("n_real", n_real, 2, MAX_N)
    floor_repeats = check_int("floor_repeats", floor_repeats, 1, MAX_REPEATS)
    gen, _ = _resolve_seed("rng", rng, REFERENCE_SEED)
    real = sample_sines(n_real, gen, x_dim=d)

    fit = fit_sines(x) if fit is None else _check_fit(fit, n)
    ok = valid_mask(x, fit=fit)
    bands = null_bands(n, x_dim=d, repeats=floor_repeats, m=n_real)
    h = bands["bandwidth"]
    m2, acc = _two_sample(x, real, h)
    cov = coverage(x, fit=fit)
    report = {
        "n": float(n),
        "n_real": float(n_real),
        "valid_fraction": float(ok.mean()),
        "n_valid": float(np.count_nonzero(ok)),
        "mean_rmse": float(fit["rmse"].mean()),
        "mmd2": float(m2),
        "mmd2_floor_mean": bands["mmd2_mean"],
        "mmd2_floor_max": bands["mmd2_max"],
        "nn1_accuracy": float(acc),
        "bandwidth": float(h),
        "null_repeats": float(floor_repeats),
        "mmd2_null_low": bands["mmd2_low"],
        "mmd2_null_high": bands["mmd2_high"],
        "nn1_null_low": bands["nn1_low"],
        "nn1_null_high": bands["nn1_high"],
        "indistinguishable": bool(m2 <= bands["mmd2_high"] and acc <= bands["nn1_high"]),
    }
    for name in PARAM_NAMES:
        report[f"coverage_std_{name}"] = cov[f"std_{name}"]
    for name in PARAM_NAMES:
        report[f"coverage_bins_{name}"] = cov[f"bins_{name}"]
    return report


_REPORT_KEYS = ("n", "valid_fraction", "mean_rmse", "mmd2", "mmd2_floor_mean",
                "mmd2_floor_max", "nn1_accuracy") + tuple(
    f"coverage_{kind}_{name}" for kind in ("std", "bins") for name in PARAM_NAMES)
_BAND_KEYS = ("mmd2_null_low", "mmd2_null_high", "nn1_null_low", "nn1_null_high")


def format_report(report, digits=4):
    """Format an :func:`evaluate` dict as a few lines with ``digits`` significant digits.

    The MMD2 and 1-NN lines show the real-vs-real null band (``NULL_PERCENTILES``) at this n, and a
    verdict line says "indistinguishable from real data at n = <n>" only when
    ``mmd2 <= mmd2_null_high`` and ``nn1_accuracy <= nn1_null_high``; otherwise
    "distinguishable from real data at n = <n>" and which measure is above its band.
    (A report without the band keys, e.g. an old ``metrics.json``, prints the MMD2
    floor instead and no verdict.) Rounding keeps the text identical across machines
    whose last floating-point digit differs (useful for notebooks checked with nbval).
    """
    if not hasattr(report, "keys"):
        raise ValueError(f"report must be the dict returned by evaluate(), got {type(report).__name__}")
    missing = [k for k in _REPORT_KEYS if k not in report]
    if missing:
        raise ValueError(f"report must be the dict returned by evaluate(); missing keys {missing}")
    digits = check_int("digits", digits, 1, 17)
    try:
        vals = {k: float(v) for k, v in report.items() if k in _REPORT_KEYS + _BAND_KEYS + ("n_valid", "n_real")}
    except (TypeError, ValueError):
        raise ValueError("report must be the dict returned by evaluate(); its figures must be numbers") from None

    def g(key):
        v = vals[key]
        return f"{0.0 if v == 0 else v:.{digits}g}"   # no "-0"

    n = int(vals["n"])
    n_valid = vals.get("n_valid")
    valid = g("valid_fraction") + (f" ({int(n_valid)} of {n})" if n_valid is not None else "")
    at_n = f"n = {n}" + (f" (vs {int(vals['n_real'])} real)" if vals.get("n_real", n) != n else "")
    lines = [f"samples: {n}   valid sines: {valid}   mean fit RMSE: {g('mean_rmse')}"]
    has_bands = all(k in vals for k in _BAND_KEYS)
    if has_bands:
        reps = report.get("null_repeats")
        lo_p, hi_p = NULL_PERCENTILES
        of = f" of {int(reps)}" if reps is not None else ""
        lines += [
            f"MMD2: {g('mmd2')}   real vs real at {at_n}, {lo_p:g}-{hi_p:g}%{of} draws: "
            f"[{g('mmd2_null_low')}, {g('mmd2_null_high')}]",
            f"1-NN two-sample accuracy: {g('nn1_accuracy')}   real vs real: "
            f"[{g('nn1_null_low')}, {g('nn1_null_high')}]   (0.5 = indistinguishable, 1 = separated)",
        ]
        above = [f"{label} above its real-vs-real band ({g(key)} > {g(top)})"
                 for label, key, top in (("MMD2", "mmd2", "mmd2_null_high"),
                                         ("1-NN", "nn1_accuracy", "nn1_null_high"))
                 if not vals[key] <= vals[top]]
        if above:
            lines.append(f"verdict: distinguishable from real data at {at_n}: " + "; ".join(above))
        else:
            lines.append(f"verdict: indistinguishable from real data at {at_n} (MMD2 and 1-NN inside their bands)")
    else:
        lines += [
            f"MMD2: {g('mmd2')}   (real vs real at this n: mean {g('mmd2_floor_mean')}, "
            f"max {g('mmd2_floor_max')})",
            f"1-NN two-sample accuracy: {g('nn1_accuracy')}   (0.5 = indistinguishable, 1 = separated)",
        ]
    lines += [
        "coverage, std / real std:  " + "  ".join(f"{p} {g('coverage_std_' + p)}" for p in PARAM_NAMES),
        "coverage, share of bins:   " + "  ".join(f"{p} {g('coverage_bins_' + p)}" for p in PARAM_NAMES),
    ]
    return "\n".join(lines)


if __name__ == "__main__":  # python -m gan_core.metrics: rewrite the precomputed null table
    print("wrote", write_null_table())
