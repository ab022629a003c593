"""Small NumPy models of the ideas in notebook 01 (math background).

Nothing here trains a GAN. These are the toy problems the notebook uses to
check every formula with a number:

* 1-D densities and integrals on a grid: :func:`normal_pdf`,
  :func:`mixture_pdf`, :func:`integrate`;
* the optimal discriminator and the value of the game:
  :func:`optimal_discriminator`, :func:`value`, :func:`optimal_value`, :func:`kl_divergence`,
  :func:`js_divergence`;
* gradient descent on a 1-D landscape with two pits (the "sticky ball"):
  :func:`landscape`, :func:`landscape_grad`, :func:`landscape_curvature`,
  :func:`gradient_descent`;
* mini-batch gradients on a 2-parameter least-squares problem:
  :func:`line_data`, :func:`line_loss`, :func:`line_grad`, :func:`minibatch_path`;
* the bilinear game ``min_x max_y x*y``: :func:`xy_game`.

Natural logarithms throughout, so divergences are in nats (``log 2 = 0.693``).
"""
import numpy as np

# ----------------------------------------------------------------------------
# densities and integrals on a grid


def normal_pdf(x, mu=0.0, sigma=1.0):
    """Gaussian density ``N(x; mu, sigma^2) = exp(-(x - mu)^2 / (2 sigma^2)) / (sigma sqrt(2 pi))``."""
    if not sigma > 0:
        raise ValueError(f"sigma must be > 0, got {sigma!r}")
    x = np.asarray(x, dtype=float)
    return np.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * np.sqrt(2.0 * np.pi))


def mixture_pdf(x, means, sigmas, weights=None):
    """Mixture of Gaussians ``p(x) = sum_k w_k N(x; mu_k, sigma_k^2)`` with ``sum_k w_k = 1``.

    ``weights=None`` gives equal weights ``1/K``.
    """
    means = np.atleast_1d(np.asarray(means, dtype=float))
    sigmas = np.broadcast_to(np.asarray(sigmas, dtype=float), means.shape)
    if weights is None:
        weights = np.full(means.shape, 1.0 / means.size)
    weights = np.asarray(weights, dtype=float)
    if weights.shape != means.shape or np.any(weights < 0) or not np.isclose(weights.sum(), 1.0):
        raise ValueError("weights must be non-negative, one per component, and sum to 1")
    return sum(w * normal_pdf(x, m, s) for w, m, s in zip(weights, means, sigmas))


def integrate(f, x):
    """Trapezoid rule ``int f(x) dx ~ sum_i (f_i + f_{i+1}) / 2 * (x_{i+1} - x_i)`` on the grid ``x``."""
    f, x = np.asarray(f, dtype=float), np.asarray(x, dtype=float)
    if f.shape != x.shape or x.ndim != 1 or x.size < 2:
        raise ValueError("f and x must be 1-D arrays of the same length (at least 2)")
    return float(np.sum(0.5 * (f[1:] + f[:-1]) * np.diff(x)))


def _sum_or_integral(f, x):
    """``sum(f)`` for discrete distributions (``x is None``), else ``integrate(f, x)``."""
    return float(np.sum(f)) if x is None else integrate(f, x)


def _xlogy(a, b):
    """``a * log(b)`` with the convention ``0 * log(anything) = 0``."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    out = np.zeros(a.shape)
    m = a > 0
    out[m] = a[m] * np.log(b[m])
    return out


# ----------------------------------------------------------------------------
# the optimal discriminator and the value of the game


def optimal_discriminator(p_data, p_g):
    """``D*(x) = p_data(x) / (p_data(x) + p_g(x))``, the best discriminator for a fixed G.

    Where both densities are 0 any value is optimal; we return 1/2 there.
    """
    p_data, p_g = np.broadcast_arrays(np.asarray(p_data, dtype=float), np.asarray(p_g, dtype=float))
    total = p_data + p_g
    out = np.full(total.shape, 0.5)
    m = total > 0
    out[m] = p_data[m] / total[m]
    return out


def value(D, p_data, p_g, x=None):
    """The minimax value ``V(D, G) = int p_data log D + p_g log(1 - D) dx``.

    ``D``, ``p_data`` and ``p_g`` are arrays on the grid ``x`` (densities), or,
    with ``x=None``, probabilities of discrete outcomes (the integral becomes
    a sum). Terms with zero probability count as 0.
    """
    D = np.asarray(D, dtype=float)
    return _sum_or_integral(_xlogy(p_data, D) + _xlogy(p_g, 1.0 - D), x)


def optimal_value(p_data, p_g, x=None):
    """``V(D*, G) = int p_data log(p_data / (p_data + p_g)) + p_g log(p_g / (p_data + p_g)) dx``.

    The value of the game against the optimal discriminator, computed from the
    densities rather than from ``D*``: where one density is more than ~1e16
    times the other, ``D*`` rounds to exactly 0 or 1 in float64 and
    ``log(1 - D*)`` would be ``-inf``. Discrete distributions when ``x is None``.
    """
    p_data, p_g = np.broadcast_arrays(np.asarray(p_data, dtype=float), np.asarray(p_g, dtype=float))
    total = p_data + p_g
    m = total > 0
    share_data, share_g = np.ones(total.shape), np.ones(total.shape)
    share_data[m], share_g[m] = p_data[m] / total[m], p_g[m] / total[m]
    return _sum_or_integral(_xlogy(p_data, share_data) + _xlogy(p_g, share_g), x)


def kl_divergence(p, q, x=None):
    """Kullback-Leibler divergence ``KL(p || q) = int p log(p / q) dx`` (in nats).

    Discrete distributions when ``x is None``. ``0 log 0 = 0``; where ``p > 0 = q``
    the divergence is infinite.
    """
    p, q = np.broadcast_arrays(np.asarray(p, dtype=float), np.asarray(q, dtype=float))
    if np.any((p > 0) & (q <= 0)):
        return float("inf")
    m = p > 0
    ratio = np.ones(p.shape)
    ratio[m] = p[m] / q[m]
    return _sum_or_integral(_xlogy(p, ratio), x)


def js_divergence(p, q, x=None):
    """Jensen-Shannon divergence ``JS(p || q) = KL(p || m)/2 + KL(q || m)/2`` with ``m = (p + q)/2``.

    Symmetric, between 0 (``p = q``) and ``log 2`` (disjoint supports).
    Discrete distributions when ``x is None``.
    """
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    m = 0.5 * (p + q)
    return 0.5 * kl_divergence(p, m, x) + 0.5 * kl_divergence(q, m, x)


# ----------------------------------------------------------------------------
# gradient descent on a 1-D landscape (the sticky ball)

#: The landscape's three stationary points (roots of ``x^3 - 2x + 0.4``): left pit, hilltop, right pit.
LANDSCAPE_STATIONARY = tuple(float(r) for r in np.sort(np.roots([1.0, 0.0, -2.0, 0.4]).real))


def landscape(x):
    """A 1-D loss with two pits: ``f(x) = x^4/4 - x^2 + 0.4 x``.

    The deeper pit is at ``x ~ -1.51`` (``f ~ -1.58``), the shallower one at
    ``x ~ 1.31`` (``f ~ -0.45``), with a hilltop at ``x ~ 0.20`` between them
    (see ``LANDSCAPE_STATIONARY``).
    """
    x = np.asarray(x, dtype=float)
    return 0.25 * x ** 4 - x ** 2 + 0.4 * x


def landscape_grad(x):
    """``f'(x) = x^3 - 2 x + 0.4`` for :func:`landscape`."""
    x = np.asarray(x, dtype=float)
    return x ** 3 - 2.0 * x + 0.4


def landscape_curvature(x):
    """``f''(x) = 3 x^2 - 2`` for :func:`landscape`. Near a pit ``x*``, gradient descent
    converges only if the step size is below ``2 / f''(x*)``."""
    x = np.asarray(x, dtype=float)
    return 3.0 * x ** 2 - 2.0


def gradient_descent(grad, x0, step, n_steps, limit=1e6):
    """Iterate ``x_{t+1} = x_t - step * grad(x_t)`` from ``x0``; return ``[x_0, ..., x_n]``.

    If ``|x|`` exceeds ``limit`` (the iteration diverged) the path stops there,
    so it may hold fewer than ``n_steps + 1`` points.
    """
    xs = [np.asarray(x0, dtype=float)]
    for _ in range(int(n_steps)):
        x = xs[-1] - step * np.asarray(grad(xs[-1]), dtype=float)
        xs.append(x)
        if not np.all(np.isfinite(x)) or np.max(np.abs(x)) > limit:
            break
    return np.array(xs)


# ----------------------------------------------------------------------------
# stochastic, mini-batch and full-batch gradients on a two-parameter problem


def line_data(n, rng, slope=2.0, intercept=-1.0, noise=0.5):
    """``n`` points ``(u_i, v_i)`` with ``u ~ U(-1, 1)`` and ``v = slope u + intercept + noise * N(0, 1)``."""
    u = rng.uniform(-1.0, 1.0, n)
    v = slope * u + intercept + noise * rng.standard_normal(n)
    return u, v


def line_loss(w, u, v):
    """Mean squared error of the line ``v ~ w[0] u + w[1]``: ``L(w) = mean_i (w0 u_i + w1 - v_i)^2``.

    ``w`` may carry leading axes (``w[..., 0]``, ``w[..., 1]``), for a contour grid.
    """
    w = np.asarray(w, dtype=float)
    r = w[..., 0, None] * u + w[..., 1, None] - v
    return np.mean(r * r, axis=-1)


def line_grad(w, u, v):
    """``grad L(w) = mean_i 2 r_i (u_i, 1)`` with ``r_i = w0 u_i + w1 - v_i``, over the points given."""
    r = w[0] * u + w[1] - v
    return np.array([2.0 * np.mean(r * u), 2.0 * np.mean(r)])


def minibatch_path(u, v, w0, step, batch_size, n_steps, rng):
    """Gradient descent on :func:`line_loss`, each step on a batch of ``batch_size`` points.

    ``w_{t+1} = w_t - step * (1/m) sum_{i in batch} grad_i(w_t)``; the batch is
    drawn without replacement (``batch_size = len(u)`` is full-batch descent,
    ``1`` is stochastic). Returns the path, shape ``(n_steps + 1, 2)``.
    """
    n = len(u)
    if not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be in 1..{n}, got {batch_size!r}")
    w = np.array(w0, dtype=float)
    path = [w.copy()]
    for _ in range(int(n_steps)):
        idx = slice(None) if batch_size == n else rng.choice(n, batch_size, replace=False)
        w = w - step * line_grad(w, u[idx], v[idx])
        path.append(w.copy())
    return np.array(path)


# ----------------------------------------------------------------------------
# the bilinear game min_x max_y x*y


def xy_game(x0, y0, step, n_steps, mode="simultaneous"):
    """Gradient play on ``V(x, y) = x y``: x descends V, y ascends it.

    * ``"simultaneous"``: ``x' = x - step y``, ``y' = y + step x`` (both from the
      old point). The distance to the equilibrium (0, 0) grows by exactly
      ``sqrt(1 + step^2)`` every step: the players spiral outwards.
    * ``"alternating"``: ``x' = x - step y``, then ``y' = y + step x'`` (y sees
      the new x). The map has determinant 1 and, for ``step < 2``, keeps
      ``x^2 + y^2 - step x y`` constant: the players circle on an ellipse.

    Returns the path ``[(x_0, y_0), ..., (x_n, y_n)]``, shape ``(n_steps + 1, 2)``.
    """
    if mode not in ("simultaneous", "alternating"):
        raise ValueError(f"mode must be 'simultaneous' or 'alternating', got {mode!r}")
    path = np.empty((int(n_steps) + 1, 2))
    x, y = float(x0), float(y0)
    path[0] = x, y
    for t in range(1, int(n_steps) + 1):
        if mode == "simultaneous":
            x, y = x - step * y, y + step * x
        else:
            x = x - step * y
            y = y + step * x
        path[t] = x, y
    return path
