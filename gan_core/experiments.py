"""Helpers for the book's experiments: train a setting, measure it, sweep a grid.

The notebooks 04-07 use these to keep their cells short:

* :func:`measure` is :func:`gan_core.metrics.evaluate` plus ``box_cells``
  (:func:`box_coverage`): the share of the 64 cells of the real parameter box
  that the valid samples reach.
* :func:`run` trains one setting (a recipe plus overrides) for one seed, times
  it and measures 500 generated signals.
* :func:`sweep` does that for every combination of a few hyperparameter values
  (and seeds) and returns a :class:`Sweep`, a small table you can print or turn
  into a heat map (``Sweep.values``).
* :class:`ParallelRuns` trains several runs of one architecture side by side in
  stacked arrays (each follows the path of its own ``Trainer``), and
  :func:`parallel_sweep` sweeps step sizes, clips and G's loss with it.
* :func:`checkpoints` trains a run up to a list of iterations and keeps samples
  drawn from the same noise at each of them (samples through training, MMD2
  over training).
* :func:`latent_walk` and :func:`discriminator_scores` ask the trained networks
  what they do along a line in noise space and over a family of sines.
* :func:`approx` and :func:`confirm` print figures of chaotic runs and the
  claims checked on them (see "Chaotic runs" below).

Chaotic runs. Training with mini-batches and Adam is chaotic: a difference in
the 16th digit of one weight (which is what another CPU's arithmetic, or
another BLAS kernel, produces) grows to about 0.1 within a few thousand
iterations. Such a run ends in a different place on another machine, with
quality figures that differ in the second digit. The book prints them with
:func:`approx` (``"≈0.88"``) in cells whose output is not compared, and checks
the conclusions drawn from them with :func:`confirm`, whose margins are wide
enough to hold on any machine.
"""
import itertools
import time
from dataclasses import dataclass, field

import numpy as np

from .data import SINE_RANGES, sample_sines, sine_signals
from .metrics import evaluate, fit_sines, mmd2, valid_mask
from .trainer import Trainer

#: The figures :meth:`Sweep.format` prints by default.
DEFAULT_KEYS = ("valid_fraction", "mmd2", "nn1_accuracy", "coverage_std_freq")

#: Short column titles for the figures of ``gan_core.metrics.evaluate``.
LABELS = {
    "valid_fraction": "valid", "mmd2": "MMD2", "nn1_accuracy": "1-NN",
    "coverage_std_x0": "std x0", "coverage_std_freq": "std freq", "coverage_std_mult": "std mult",
    "coverage_bins_x0": "bins x0", "coverage_bins_freq": "bins freq", "coverage_bins_mult": "bins mult",
    "mean_rmse": "fit RMSE", "seconds": "seconds", "us_per_iteration": "us/it", "box_cells": "box cells",
}


# --------------------------------------------------------------------------- measuring
def box_coverage(samples, cells=4, fit=None):
    """Share of the ``cells**3`` equal cells of the real parameter box (x0, freq, mult)
    that hold at least one valid generated sample.

    Real samples at n = 500 reach all 64 cells of the default 4 x 4 x 4 grid; a
    generator confined to a curve reaches only the cells along it, one confined
    to a surface more, and only a generator that varies all three parameters
    independently can reach them all.
    """
    fit = fit_sines(samples) if fit is None else fit
    ok = valid_mask(samples, fit=fit)
    idx = []
    for name in ("x0", "freq", "mult"):
        lo, hi = SINE_RANGES[name]
        idx.append(np.clip(np.floor((fit[name][ok] - lo) / (hi - lo) * cells), 0, cells - 1).astype(np.intp))
    if not ok.any():
        return 0.0
    flat = (idx[0] * cells + idx[1]) * cells + idx[2]
    return float(np.unique(flat).size / cells ** 3)


def measure(samples):
    """``gan_core.metrics.evaluate(samples)`` plus ``"box_cells"`` (:func:`box_coverage`)."""
    report = evaluate(samples)
    report["box_cells"] = box_coverage(samples)
    return report


# --------------------------------------------------------------------------- one run
@dataclass
class Result:
    """One trained setting: what was changed, how long it took, how good it is.

    ``report`` is the dict of :func:`measure` on ``n_eval`` samples; ``seconds`` the training time (wall clock, varies between machines).
    """

    settings: dict
    seed: int
    iterations: int
    seconds: float
    report: dict
    trainer: object = field(default=None, repr=False)

    @property
    def us_per_iteration(self):
        """Training time per iteration in microseconds."""
        return 1e6 * self.seconds / max(self.iterations, 1)

    def __getitem__(self, key):
        if key == "seconds":
            return self.seconds
        if key == "us_per_iteration":
            return self.us_per_iteration
        return self.report[key]


def run(recipe="recommended", seed=0, iterations=None, n_eval=500, keep=True, **overrides):
    """Train ``recipe`` with ``overrides`` for ``iterations`` (default its ``ITER_NUM``),
    time the training, and measure ``n_eval`` samples with ``evaluate``.

    Returns a :class:`Result`; its ``trainer`` is kept unless ``keep=False``.
    """
    trainer = Trainer(recipe=recipe, seed=seed, **_expand(overrides))
    if iterations is None:
        iterations = trainer.config.ITER_NUM
    start = time.perf_counter()
    trainer.train(iterations)
    seconds = time.perf_counter() - start
    report = measure(trainer.sample(n_eval))
    return Result(dict(overrides), seed, int(iterations), seconds, report, trainer if keep else None)


# --------------------------------------------------------------------------- sweeps
class Sweep:
    """The results of :func:`sweep`: one :class:`Result` per (combination, seed).

    ``axes`` maps each swept hyperparameter to its values, in the order given.
    """

    def __init__(self, axes, results, seeds):
        self.axes = dict(axes)
        self.results = list(results)
        self.seeds = tuple(seeds)

    @property
    def shape(self):
        return tuple(len(v) for v in self.axes.values())

    def combinations(self):
        """Every combination of the axes' values, as dicts, in sweep order."""
        names = list(self.axes)
        return [dict(zip(names, combo)) for combo in itertools.product(*self.axes.values())]

    def values(self, key, reduce=np.mean):
        """``key`` (a figure of ``evaluate``, ``"seconds"`` or ``"us_per_iteration"``)
        for every combination, reduced over seeds (mean by default), shaped like
        the grid: ``(len(axis_1), len(axis_2), ...)``."""
        k = len(self.seeds)
        flat = np.array([r[key] for r in self.results], dtype=float).reshape(-1, k)
        return reduce(flat, axis=1).reshape(self.shape)

    def format(self, keys=DEFAULT_KEYS, digits=2, approx=False, time=True):
        """A text table: one line per combination, seed means of ``keys`` with
        ``digits`` significant digits (``approx=True`` prefixes them with ``≈``),
        and the time per iteration if ``time``."""
        names = list(self.axes)
        heads = names + [LABELS.get(k, k) for k in keys] + (["us/it"] if time else [])
        cols = {k: self.values(k).ravel() for k in keys}
        us = self.values("us_per_iteration").ravel()
        lines = []
        for i, combo in enumerate(self.combinations()):
            cells = [_show(combo[n]) for n in names]
            cells += [("≈" if approx else "") + _g(cols[k][i], digits) for k in keys]
            if time:
                cells.append(f"{us[i]:.0f}")
            lines.append(cells)
        widths = [max(len(h), *(len(row[j]) for row in lines)) for j, h in enumerate(heads)]
        out = ["  ".join(h.rjust(w) for h, w in zip(heads, widths))]
        out += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in lines]
        return "\n".join(out)

    def __repr__(self):
        return f"Sweep(axes={self.axes}, seeds={self.seeds}, runs={len(self.results)})"


def sweep(axes, recipe="recommended", iterations=None, seeds=(0,), n_eval=500, keep=False, **fixed):
    """Train every combination of ``axes`` (a dict: hyperparameter -> list of values)
    for every seed, on top of ``recipe`` and the ``fixed`` overrides, and measure each.

    Example: ``sweep({"Z_DIM": [1, 3, 5]}, iterations=3000, ITER_NUM=3000)``. The
    shorthands ``"step_size"`` and ``"hidden"`` set G's and D's value together.
    Runs one after the other; the cost is ``len(seeds) * prod(len(values))`` runs.
    """
    if not axes:
        raise ValueError("axes must name at least one hyperparameter to sweep")
    names = list(axes)
    results = []
    for combo in itertools.product(*axes.values()):
        settings = _expand({**fixed, **dict(zip(names, combo))})
        for seed in seeds:
            results.append(run(recipe, seed=seed, iterations=iterations, n_eval=n_eval, keep=keep, **settings))
    return Sweep(axes, results, seeds)


# --------------------------------------------------------------------------- side by side
#: The hyperparameters that may differ between the runs of one :class:`ParallelRuns`.
PARALLEL_FIELDS = ("step_size_G", "step_size_D", "GRADIENT_CLIP", "WEIGHT_CLIP", "g_loss")

#: Every Config field whose effect :class:`ParallelRuns` reproduces. A config that sets
#: any other field away from its default is refused (train it with ``Trainer`` instead).
PARALLEL_SUPPORTED = PARALLEL_FIELDS + (
    "Z_DIM", "X_DIM", "G_HIDDEN", "D_HIDDEN", "ITER_NUM", "batch_size", "optimizer", "adam_beta1",
    "adam_beta2", "lr_decay", "ema", "leaky_slope", "r1_gamma", "d_steps", "G_activation")


class _StackedNet:
    """K copies of one network, stacked. All parameters live in one flat vector
    ``theta`` laid out layer by layer (``W1`` of every run, then ``b1`` of every
    run, ...), so each ``W[l]`` is a contiguous ``(K, n_in, n_out)`` view and each
    ``b[l]`` a ``(K, n_out)`` view; ``owner[i]`` is the run that ``theta[i]`` belongs to."""

    def __init__(self, nets):
        net, k = nets[0], len(nets)
        size = k * net.theta.size
        self.theta, self.grad = np.empty(size), np.zeros(size)
        self.owner = np.empty(size, dtype=np.intp)
        self.acts = net.activations
        self.W, self.b, self.gW, self.gb = [], [], [], []
        start = 0
        for i, layer in enumerate(net.layers):
            for name, src, views, gviews in (("W", layer.W, self.W, self.gW), ("b", layer.b, self.b, self.gb)):
                stop = start + k * src.size
                shape = (k,) + src.shape
                views.append(self.theta[start:stop].reshape(shape))
                gviews.append(self.grad[start:stop].reshape(shape))
                for j, other in enumerate(nets):
                    views[-1][j] = getattr(other.layers[i], name)
                self.owner[start:stop] = np.repeat(np.arange(k), src.size)
                start = stop
        self.ys = None

    def run_theta(self, k):
        """The flat parameter vector of run ``k`` in ``MLP.theta``'s order (W1, b1, W2, ...)."""
        return np.concatenate([p[k].ravel() for pair in zip(self.W, self.b) for p in pair])

    def forward(self, x, keep=True):
        ys = [x]
        for W, b, act in zip(self.W, self.b, self.acts):
            z = np.matmul(x, W)
            z += b[:, None, :]
            x = act(z)
            ys.append(x)
        if keep:
            self.ys = ys
        return x

    def backward_preactivation(self, dz, param_grads=True, input_grad=True):
        """From ``dL/dz`` of the last layer: fill the gradients, return ``dL/d(input)``."""
        ys = self.ys
        for l in range(len(self.W) - 1, -1, -1):
            if param_grads:
                np.matmul(ys[l].transpose(0, 2, 1), dz, out=self.gW[l])
                np.add.reduce(dz, axis=1, out=self.gb[l])
            if l == 0:
                return np.matmul(dz, self.W[0].transpose(0, 2, 1)) if input_grad else None
            dx = np.matmul(dz, self.W[l].transpose(0, 2, 1))
            dz = self.acts[l - 1].backward(ys[l], dx)

    def backward(self, dout):
        last = self.acts[-1]
        return self.backward_preactivation(last.backward(self.ys[-1], dout))

    def add_r1_gradient(self, gamma):
        """Add the gradient of the R1 penalty ``(gamma / 2) mean_n ||grad_x logit||^2``
        on the last forward's inputs to the weight gradients (``gan_core.trainer.r1_penalty``,
        stacked)."""
        ys, W, L = self.ys, self.W, len(self.W)
        n = ys[0].shape[1]
        g, s = [None] * L, [None] * L
        g[-1] = np.ones(ys[-1].shape)
        for l in range(L - 1, 0, -1):
            s[l - 1] = self.acts[l - 1].backward(ys[l], 1.0)
            g[l - 1] = np.matmul(g[l], W[l].transpose(0, 2, 1)) * s[l - 1]
        gx = np.matmul(g[0], W[0].transpose(0, 2, 1))
        q = gx * (gamma / n)
        self.gW[0] += np.matmul(q.transpose(0, 2, 1), g[0])
        dg = np.matmul(q, W[0])
        for l in range(L - 1):
            p = dg * s[l]
            self.gW[l + 1] += np.matmul(p.transpose(0, 2, 1), g[l + 1])
            if l + 1 < L - 1:
                dg = np.matmul(p, W[l + 1])


def _generator_options(config):
    """Keyword arguments for ``Generator`` beyond the sizes (the hidden activation, if the config has one)."""
    act = getattr(config, "G_activation", None)
    return {"hidden_activation": act} if act is not None else {}


class ParallelRuns:
    """Several runs of one GAN architecture, trained side by side in stacked arrays.

    ``settings`` is a list of dicts, one per run. Each may change the fields in
    :data:`PARALLEL_FIELDS` (step sizes, clipping thresholds, G's loss), set
    ``"step_size"`` (both step sizes at once) and ``"seed"`` (default ``seed``);
    everything else comes from ``recipe`` with the ``fixed`` overrides and is
    shared. Run ``k`` starts from the initial weights and sees the real samples
    and noise of ``Trainer(config_k, seed=seed_k)``, so it follows the path that
    Trainer would follow (up to rounding in the last digit): runs with the same
    seed differ only through their hyperparameters. One step of all K runs costs
    far less than K Trainer steps, because NumPy's per-call overhead is paid once.

    ``train(n)`` runs n more iterations; ``D_real``, ``D_fake``, ``grad_norm_D`` and
    ``grad_norm_G`` are ``(iterations, K)`` arrays of D's mean outputs and the
    weight-gradient norms before clipping (D's averaged over its two updates, as
    in ``History``) per iteration; ``sample(n)`` gives ``(K, n, X_DIM)``
    signals (each run from its seed's sampling noise, as ``Trainer.sample``);
    ``evaluate(n)`` a list of reports. A run whose numbers overflow is marked in
    ``diverged`` and left alone (its report is all NaN).
    """

    def __init__(self, settings, recipe="recommended", seed=0, **fixed):
        from .mlp import Discriminator, Generator
        from .recipes import get_recipe
        from .trainer import _Stream

        if not settings:
            raise ValueError("settings must list at least one run (a dict of changes, {} for none)")
        settings = [_expand(s) for s in settings]
        for s in settings:
            bad = sorted(set(s) - set(PARALLEL_FIELDS) - {"seed"})
            if bad:
                raise ValueError(f"ParallelRuns can vary only {', '.join(PARALLEL_FIELDS)}, step_size and seed "
                                 f"between runs; got {bad} (use sweep() for the others)")
        self.config = get_recipe(recipe).replace(**_expand(fixed))
        defaults = type(self.config)()
        unknown = [f for f in self.config.to_dict()
                   if f not in PARALLEL_SUPPORTED and getattr(self.config, f) != getattr(defaults, f)]
        if unknown:
            raise NotImplementedError(f"ParallelRuns does not reproduce {', '.join(unknown)}; use sweep() instead")
        self.settings = settings
        self.configs = [self.config.replace(**{k: v for k, v in s.items() if k != "seed"}) for s in settings]
        self.seeds = [int(s.get("seed", seed)) for s in settings]
        k = self.k = len(settings)
        c = self.config
        Gs, Ds, self._streams, self._sample_seqs = [], [], {}, []
        for sd in self.seeds:
            g_seq, d_seq, data_seq, noise_seq, sample_seq = np.random.SeedSequence(sd).spawn(5)
            Gs.append(Generator(c.Z_DIM, c.G_HIDDEN, c.X_DIM, rng=np.random.default_rng(g_seq),
                                **_generator_options(c)))
            Ds.append(Discriminator(c.X_DIM, c.D_HIDDEN, leaky_slope=c.leaky_slope, rng=np.random.default_rng(d_seq)))
            self._sample_seqs.append(sample_seq)
            if sd not in self._streams:
                data_rng, noise_rng = np.random.default_rng(data_seq), np.random.default_rng(noise_seq)
                self._streams[sd] = (_Stream(lambda n, r=data_rng: sample_sines(n, r, c.X_DIM)),
                                     _Stream(lambda n, r=noise_rng: r.standard_normal((n, c.Z_DIM))))
        self._distinct = list(self._streams)
        self._row = np.array([self._distinct.index(sd) for sd in self.seeds])
        self.G, self.D = _StackedNet(Gs), _StackedNet(Ds)
        self.G_ema = self.G.theta.copy() if c.ema is not None else None

        def column(name, off=np.inf):
            return np.array([off if getattr(cf, name) is None else getattr(cf, name) for cf in self.configs], float)

        self._lr_G, self._lr_D = column("step_size_G"), column("step_size_D")
        self._gclip, self._wclip = column("GRADIENT_CLIP"), column("WEIGHT_CLIP")
        self._saturating = np.array([cf.g_loss == "saturating" for cf in self.configs])
        self._adam = c.optimizer == "adam"
        self._any_gclip, self._any_wclip = np.isfinite(self._gclip).any(), np.isfinite(self._wclip).any()
        self._state = {id(net): {"m": np.zeros_like(net.theta), "v": np.zeros_like(net.theta), "t": 0}
                       for net in (self.G, self.D)}
        self.iteration = 0
        self.diverged = np.zeros(k, dtype=bool)
        self._d_real, self._d_fake, self._gnorm, self._dnorm = [], [], [], []

    def set(self, **changes):
        """Change a live hyperparameter of every run for the next steps: ``step_size_G``,
        ``step_size_D`` (0 freezes that network), ``GRADIENT_CLIP``, ``WEIGHT_CLIP`` (None: off)."""
        arrays = {"step_size_G": "_lr_G", "step_size_D": "_lr_D", "GRADIENT_CLIP": "_gclip", "WEIGHT_CLIP": "_wclip"}
        for name, value in _expand(changes).items():
            if name not in arrays:
                raise ValueError(f"set() can change {', '.join(arrays)} (and step_size); got {name!r}")
            getattr(self, arrays[name])[...] = np.inf if value is None else float(value)
        self._any_gclip, self._any_wclip = np.isfinite(self._gclip).any(), np.isfinite(self._wclip).any()
        return self

    # ------------------------------------------------------------------ updates
    def _update(self, net, lr):
        gclip = self._gclip
        total = np.zeros(self.k)
        for g in net.gW:
            sq = np.einsum("kij,kij->k", g, g)
            total += sq
            if self._any_gclip:
                scale = np.where(sq > gclip * gclip, gclip / np.sqrt(np.maximum(sq, 1e-300)), 1.0)
                if (scale != 1.0).any():
                    g *= scale[:, None, None]
        step = lr[net.owner]
        if self._adam:
            st, b1, b2 = self._state[id(net)], self.config.adam_beta1, self.config.adam_beta2
            st["t"] += 1
            st["m"] *= b1
            st["m"] += (1.0 - b1) * net.grad
            st["v"] *= b2
            st["v"] += (1.0 - b2) * (net.grad * net.grad)
            step *= np.sqrt(1.0 - b2 ** st["t"]) / (1.0 - b1 ** st["t"])
            net.theta -= step * st["m"] / (np.sqrt(st["v"]) + 1e-8)
        else:
            net.theta -= step * net.grad
        if self._any_wclip:
            limit = self._wclip[net.owner]
            np.minimum(net.theta, limit, out=net.theta)
            np.maximum(net.theta, -limit, out=net.theta)
        return np.sqrt(total)

    def step(self):
        """One iteration of the three steps for every run (see ``gan_core.trainer``)."""
        c = self.config
        n = c.batch_size
        scale = max(0.0, 1.0 - self.iteration / c.ITER_NUM) if c.lr_decay == "linear" else 1.0
        lr_D, lr_G = self._lr_D * scale, self._lr_G * scale
        inv_n = 1.0 / n
        G, D = self.G, self.D
        # 1. D on real, target 1, and 2. D on fake, target 0 (d_steps times, fresh batches)
        for _ in range(getattr(c, "d_steps", 1)):
            x_real, z = self._take(n)
            p_real = D.forward(x_real)
            D.backward_preactivation((p_real - 1.0) * inv_n, input_grad=False)
            if getattr(c, "r1_gamma", 0.0):
                D.add_r1_gradient(c.r1_gamma)
            norm_real = self._update(D, lr_D)
            x_fake = G.forward(z)
            p_fake = D.forward(x_fake)
            D.backward_preactivation(p_fake * inv_n, input_grad=False)
            norm_fake = self._update(D, lr_D)
        self._dnorm.append(0.5 * (norm_real + norm_fake))
        # 3. G through the fixed D, on the same fakes
        p_gen = D.forward(x_fake)
        dz = np.where(self._saturating[:, None, None], -p_gen, p_gen - 1.0) / n
        dx = D.backward_preactivation(dz, param_grads=False)
        G.backward(dx)
        self._gnorm.append(self._update(G, lr_G))
        if self.G_ema is not None:
            self.G_ema *= c.ema
            self.G_ema += (1.0 - c.ema) * G.theta
        self._d_real.append(p_real.mean(axis=(1, 2)))
        self._d_fake.append(p_fake.mean(axis=(1, 2)))
        self.iteration += 1

    def _take(self, n):
        """This step's real rows and noise, ``(K or 1, n, .)``: one draw per distinct seed."""
        reals, noises = zip(*[(r.take(n), q.take(n)) for r, q in self._streams.values()])
        if len(reals) == 1:
            return reals[0][None], noises[0][None]
        return np.stack(reals)[self._row], np.stack(noises)[self._row]

    def train(self, iterations):
        """Run ``iterations`` more iterations of every run; returns ``self``."""
        with np.errstate(all="ignore"):
            for _ in range(int(iterations)):
                self.step()
            for net in (self.G, self.D):
                bad = ~np.isfinite(net.theta)
                if bad.any():
                    self.diverged[np.unique(net.owner[bad])] = True
        return self

    # ------------------------------------------------------------------ results
    @property
    def D_real(self):
        return np.array(self._d_real).reshape(-1, self.k)

    @property
    def D_fake(self):
        return np.array(self._d_fake).reshape(-1, self.k)

    @property
    def grad_norm_G(self):
        return np.array(self._gnorm).reshape(-1, self.k)

    @property
    def grad_norm_D(self):
        return np.array(self._dnorm).reshape(-1, self.k)

    def sample(self, n):
        """``(K, n, X_DIM)`` signals, every run from the same ``n`` noise vectors
        (drawn as ``Trainer.sample`` draws them), from the weight average if ``ema``."""
        z = np.stack([np.random.default_rng(sq).standard_normal((int(n), self.config.Z_DIM))
                      for sq in self._sample_seqs])
        G = self.G
        if self.G_ema is not None:
            saved = G.theta.copy()
            G.theta[...] = self.G_ema
        with np.errstate(all="ignore"):
            out = G.forward(z, keep=False).copy()
        if self.G_ema is not None:
            G.theta[...] = saved
        return out

    def evaluate(self, n=500):
        """``evaluate`` of each run's ``n`` samples (NaN figures for a diverged run)."""
        reports = []
        for k, samples in enumerate(self.sample(n)):
            if self.diverged[k] or not np.isfinite(samples).all():
                reports.append(None)
            else:
                reports.append(measure(samples))
        keys = next((r.keys() for r in reports if r is not None), ())
        return [r if r is not None else {key: float("nan") for key in keys} for r in reports]


def parallel_sweep(axes, recipe="recommended", iterations=None, seeds=(0,), n_eval=500, **fixed):
    """Like :func:`sweep`, for the fields of :data:`PARALLEL_FIELDS` (and
    ``"step_size"``, both step sizes at once): every combination and seed is
    trained side by side in one :class:`ParallelRuns`. Each result's ``seconds``
    is the total training time divided by the number of runs."""
    names = list(axes)
    combos = [dict(zip(names, combo)) for combo in itertools.product(*axes.values())]
    settings = [{**combo, "seed": sd} for combo in combos for sd in seeds]
    runs = ParallelRuns(settings, recipe=recipe, **fixed)
    if iterations is None:
        iterations = runs.config.ITER_NUM
    start = time.perf_counter()
    runs.train(iterations)
    seconds = (time.perf_counter() - start) / runs.k
    reports = runs.evaluate(n_eval)
    results = [Result({**fixed, **s}, s["seed"], int(iterations), seconds, rep) for s, rep in zip(settings, reports)]
    sw = Sweep(axes, results, seeds)
    sw.runs = runs
    return sw


#: Shorthands accepted by :func:`sweep`, :func:`parallel_sweep` and :class:`ParallelRuns`:
#: each sets the same value for G and D.
ALIASES = {"step_size": ("step_size_G", "step_size_D"), "hidden": ("G_HIDDEN", "D_HIDDEN")}


def _expand(settings):
    """Replace the shorthands of :data:`ALIASES` by the fields they stand for
    (``{"step_size": v}`` -> ``{"step_size_G": v, "step_size_D": v}``)."""
    s = dict(settings)
    for alias, fields in ALIASES.items():
        if alias in s:
            v = s.pop(alias)
            for f in fields:
                s.setdefault(f, v)
    return s


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


# --------------------------------------------------------------------------- printing
def approx(x, digits=2):
    """``"≈0.88"``: a figure of a chaotic run, to ``digits`` significant digits."""
    return "≈" + _g(x, digits)


def confirm(statement, condition):
    """Print ``"statement: True"``, or raise ``AssertionError`` if ``condition`` is false.

    The book states its conclusions about chaotic runs this way, with margins
    wide enough that they hold on any machine.
    """
    ok = bool(condition)
    print(f"{statement}: {ok}")
    if not ok:
        raise AssertionError(f"claim does not hold: {statement}")


def _g(x, digits):
    """``x`` to ``digits`` significant digits, in plain notation between 1e-4 and 1e5."""
    x = float(x)
    if x == 0 or not np.isfinite(x):
        return "0" if x == 0 else str(x)
    if 1e-4 <= abs(x) < 1e5:
        decimals = digits - 1 - int(np.floor(np.log10(abs(x))))
        if decimals <= 0:
            return str(int(round(x, decimals)))
        text = f"{round(x, decimals):.{decimals}f}"
        return text.rstrip("0").rstrip(".")
    return f"{x:.{digits}g}"


def _show(v):
    if isinstance(v, tuple):
        return ",".join(str(w) for w in v)
    if v is None:
        return "off"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)
