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


