"""Probes of a run during and after training: checkpoints, MMD curves,
latent walks and D's scores over a family of sines."""
import numpy as np

from ..data import sample_sines, sine_signals
from ..metrics import mmd2


# --------------------------------------------------------------------------- during training
def checkpoints(trainer, at, n=50, networks=False):
    """Train ``trainer`` up to each iteration in ``at`` (increasing) and keep ``n``
    samples at each. ``trainer.sample`` draws them from the same noise every time,
    so two checkpoints differ only because G changed. ``at`` may start at the
    current iteration (e.g. 0: the untrained generator). With ``networks=True``
    copies of the sampling generator and of D are kept too.

    Returns ``{"iterations": array, "samples": [(n, X_DIM) arrays]}`` plus
    ``"G"`` and ``"D"`` (lists of network copies) with ``networks=True``.
    """
    at = [int(a) for a in at]
    if not at or any(b <= a for a, b in zip(at, at[1:])) or at[0] < trainer.iteration:
        raise ValueError(f"checkpoints must increase from the current iteration {trainer.iteration}, got {at}")
    out = {"iterations": np.array(at), "samples": []}
    if networks:
        out["G"], out["D"] = [], []
    for a in at:
        trainer.train(a - trainer.iteration)
        out["samples"].append(trainer.sample(n))
        if networks:
            out["G"].append(trainer.sampler.copy())
            out["D"].append(trainer.D.copy())
    return out


def mmd_curve(samples_list, reference=None, seed=2017):
    """MMD2 of each sample set against one fixed real reference set (of the same
    size as the first set, drawn with ``seed`` unless ``reference`` is given)."""
    if reference is None:
        first = np.asarray(samples_list[0])
        reference = sample_sines(len(first), np.random.default_rng(seed), x_dim=first.shape[1])
    return np.array([mmd2(s, reference) for s in samples_list])


# --------------------------------------------------------------------------- looking inside
def latent_walk(trainer, values=None, axis=0, base=None):
    """G along a straight line in noise space: ``z = base + t * e_axis`` for ``t`` in
    ``values`` (default 13 points from -3 to 3), ``base`` the origin by default.

    Returns ``(z, signals)`` with shapes ``(len(values), Z_DIM)`` and ``(len(values), X_DIM)``.
    """
    z_dim = trainer.config.Z_DIM
    if not 0 <= axis < z_dim:
        raise ValueError(f"axis must be in [0, Z_DIM={z_dim}), got {axis!r}")
    values = np.linspace(-3, 3, 13) if values is None else np.asarray(values, dtype=float)
    base = np.zeros(z_dim) if base is None else np.asarray(base, dtype=float).reshape(z_dim)
    z = np.tile(base, (len(values), 1))
    z[:, axis] += values
    return z, trainer.generate(z)


def discriminator_scores(D, x0, freq, mult, x_dim=10):
    """D's output on every sine ``mult * sin(x0 + freq * i)`` of a parameter grid.

    ``x0``, ``freq`` and ``mult`` are scalars or 1-D arrays; the result has shape
    ``(len(x0), len(freq), len(mult))`` with the length-1 axes squeezed out
    (so two arrays and a scalar give a 2-D map).
    """
    x0, freq, mult = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (x0, freq, mult))
    grid = np.meshgrid(x0, freq, mult, indexing="ij")
    shape = grid[0].shape
    signals = sine_signals(*(g.ravel() for g in grid), x_dim=x_dim)
    return D.forward(signals)[:, 0].reshape(shape).squeeze()




# --------------------------------------------------------------------------- evidence for notebooks 04-07
def twin_gap(recipe="book", iterations=3000, every=100, nudge=1e-15, seed=0, **overrides):
    """Train two copies of one run whose generators differ in one weight by ``nudge``
    and follow the largest ``|difference|`` of G's weights.

    Returns ``(iterations, gaps)``: arrays with the gap at iteration 0 and after
    every ``every`` iterations up to ``iterations``. A gap that grows by orders of
    magnitude marks a chaotic run; one that stays near ``nudge`` a stable one.
    """
    from ..trainer import Trainer
    a = Trainer(recipe=recipe, seed=seed, **overrides)
    b = Trainer(recipe=recipe, seed=seed, **overrides)
    i = min(5, b.G.theta.size - 1)
    b.G.theta[i] += nudge
    if b.G.theta[i] == a.G.theta[i]:
        raise ValueError(f"nudge {nudge!r} is lost in G's {b.G.theta.dtype} weight {float(a.G.theta[i])!r}: "
                         "give a larger nudge, or dtype='float64'")
    its, gaps = [0], [float(np.abs(a.G.theta - b.G.theta).max())]
    while a.iteration < iterations:
        n = min(every, iterations - a.iteration)
        a.train(n)
        b.train(n)
        its.append(a.iteration)
        gaps.append(float(np.abs(a.G.theta - b.G.theta).max()))
    return np.array(its), np.array(gaps)


def update_norms(trainer, iterations):
    """Train ``trainer`` for ``iterations`` more iterations and record, for every
    optimizer step, the length ``||theta_after - theta_before||`` of the update.

    D takes two optimizer steps per iteration (on the real, then on the fake
    batch), G one. Returns ``{"D_real": (iterations,), "D_fake": (iterations,),
    "G": (iterations,)}``. The optimizers' ``step`` is wrapped only while this runs.
    """
    records = {"D": [], "G": []}
    wrapped = []
    for name, opt in (("D", trainer.opt_D), ("G", trainer.opt_G)):
        original = opt.step

        def recording(theta, g, step_size, _original=original, _out=records[name]):
            before = theta.copy()
            _original(theta, g, step_size)
            _out.append(float(np.linalg.norm(theta - before)))

        opt.step = recording
        wrapped.append(opt)
    try:
        trainer.train(iterations)
    finally:
        for opt in wrapped:
            del opt.step  # back to the class's method
    d = np.array(records["D"]).reshape(-1, 2)
    return {"D_real": d[:, 0], "D_fake": d[:, 1], "G": np.array(records["G"])}


def adam_step_ratio(opt):
    """For every parameter, the length of Adam's next step divided by the step size,
    if the gradient stayed at zero from now on would not change it much:
    ``sqrt(1 - b2^t) / (1 - b1^t) * |m| / (sqrt(v) + eps)`` from the optimizer's
    current moments. About 1 where recent gradients kept one sign and one size;
    far below 1 where ``v`` still remembers gradients much larger than the recent ones."""
    if opt.t == 0:
        return np.zeros_like(opt.m)
    b1, b2 = opt.beta1, opt.beta2
    return np.sqrt(1 - b2 ** opt.t) / (1 - b1 ** opt.t) * np.abs(opt.m) / (np.sqrt(opt.v) + opt.eps)


def box_cell_distance(samples, cells=4, fit=None):
    """Total variation distance between how ``samples`` spread over the ``cells**3``
    cells of the real parameter box and the uniform spread of the real distribution.

    Every sample counts: the invalid ones (not a clean sine inside the ranges)
    form one extra "outside" bin that real data never fills. 0 means the samples
    fill every cell equally; 1 means they all lie outside. Unlike the share of cells
    reached, this sees how the samples are distributed, not only where they land.
    Finite samples of real data score above 0 (about 0.14 at n = 500).
    """
    from ..data import SINE_RANGES
    from ..metrics import fit_sines, valid_mask
    fit = fit_sines(samples) if fit is None else fit
    ok = valid_mask(samples, fit=fit)
    n = len(ok)
    index = np.zeros(int(ok.sum()), dtype=np.intp)
    for name in ("x0", "freq", "mult"):
        lo, hi = SINE_RANGES[name]
        k = np.clip(np.floor((fit[name][ok] - lo) / (hi - lo) * cells), 0, cells - 1).astype(np.intp)
        index = index * cells + k
    counts = np.bincount(index, minlength=cells ** 3) / n
    outside = 1.0 - ok.mean()
    return float(0.5 * (np.abs(counts - 1.0 / cells ** 3).sum() + outside))


def masked_sine_fit(y, known, freq_range=(0.0, np.pi), grid=2001):
    """The least-squares sine fit to the known points of each row, evaluated at every point.

    For each row of ``y`` (shape ``(n, X_DIM)``) and its boolean mask ``known``,
    fits ``a sin(f i) + b cos(f i)`` (any phase and amplitude) to the known points,
    for each of ``grid`` frequencies ``f`` in ``freq_range``, keeps the frequency
    with the smallest squared error, and returns the fitted signals at all points:
    the honest baseline for filling in points of a signal known to be a sine.
    """
    y = np.asarray(y, dtype=float)
    known = np.broadcast_to(np.asarray(known, dtype=bool), y.shape)
    i = np.arange(y.shape[1])
    lo, hi = freq_range
    freqs = np.linspace(lo, hi, grid + 2)[1:-1]
    S, C = np.sin(np.outer(freqs, i)), np.cos(np.outer(freqs, i))        # (F, X)
    out = np.empty_like(y)
    for r in range(len(y)):
        m = known[r]
        A = np.stack([S[:, m], C[:, m]], axis=2)                          # (F, k, 2)
        gram = A.transpose(0, 2, 1) @ A + 1e-12 * np.eye(2)
        rhs = A.transpose(0, 2, 1) @ y[r, m]
        coef = np.linalg.solve(gram, rhs[..., None])[..., 0]              # (F, 2)
        sse = ((A @ coef[..., None])[..., 0] - y[r, m]) ** 2
        best = int(np.argmin(sse.sum(axis=1)))
        out[r] = coef[best, 0] * S[best] + coef[best, 1] * C[best]
    return out


def parallel_samples(runs, n, average=True):
    """``(K, n, X_DIM)`` samples of a :class:`ParallelRuns`, from the weight average
    (``average=True``, what ``runs.sample`` does) or from G's current weights: the
    same trained runs with and without the average, on the same noise."""
    if average:
        return runs.sample(n)
    saved, runs.G_ema = runs.G_ema, None
    try:
        return runs.sample(n)
    finally:
        runs.G_ema = saved
