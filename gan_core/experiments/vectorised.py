"""K runs of one architecture trained side by side in stacked arrays.

One step of K stacked runs costs far less than K ``Trainer`` steps, because
NumPy's per-call overhead is paid once. This is not a second trainer: each
run is seeded by :func:`gan_core.trainer.seed_sequences` and draws from the
same streams, its loss gradients are :mod:`gan_core.losses`' functions, and
its updates are :mod:`gan_core.optim`'s ``Adam``/``SGD``, clips, step decay
and weight averaging, applied to the stacked parameter vector with one step
size and one clip threshold per parameter. Only the matrix products are
batched (``np.matmul`` of ``(K, N, n_in) @ (K, n_in, n_out)``), so run ``k``
follows ``Trainer(config_k, seed=seed_k)`` to rounding in the last digits
(``tests/test_experiments_vectorised.py`` checks 1e-12 over 100 iterations).

``Config.dtype`` works as in the Trainer: with ``"float32"`` the stacked
parameters, gradients, moments and stream rows are float32, and the per-run
step sizes and clip limits are rounded to float32 where the Trainer's Python
floats are, so the ``recommended`` runs still follow their Trainers bit for bit.
"""
import itertools
import time

import numpy as np

from .._blas import one_blas_thread
from .._checks import check_int, check_number, check_seed
from ..config import check_value
from ..errata import (ChapterReLU, ChapterTanh, discriminator_logit_grad, generator_activations,
                      generator_output_grad)
from ..mlp import Discriminator, Generator
from ..optim import average_weights, clip_gradient_norms, clip_weights, make_optimizer, step_scale
from ..recipes import get_recipe
from ..trainer import noise_stream, real_stream, seed_sequences
from .sweeps import Result, Sweep, expand_aliases, measure

#: The hyperparameters that may differ between the runs of one :class:`ParallelRuns`.
PARALLEL_FIELDS = ("step_size_G", "step_size_D", "GRADIENT_CLIP", "WEIGHT_CLIP", "g_loss", "lr_decay", "errata")


class PerRunActivation:
    """One of G's activations when the stacked runs disagree on its derivative (some runs
    have the chapter's ``dReLU`` or ``dTanh``, see :mod:`gan_core.errata`, others not).

    The forward pass is the same for both: ``y = f(z)``. The backward pass computes
    both versions on the whole stack and keeps, for run ``k``, the chapter's where
    ``chapter_runs[k]`` and the exact one elsewhere:
    ``dL/dz[k] = chapter.backward(y, dout)[k] if chapter_runs[k] else exact.backward(y, dout)[k]``.
    Both are elementwise, so every run gets the very numbers of a stack of its own.
    """

    def __init__(self, exact, chapter, chapter_runs):
        self.exact, self.chapter = exact, chapter
        self.name = exact.name
        self._mask = np.asarray(chapter_runs, dtype=bool)[:, None, None]

    def __call__(self, z):
        return self.exact(z)

    def backward(self, y, dout):
        return np.where(self._mask, self.chapter.backward(y, dout), self.exact.backward(y, dout))


class StackedNet:
    """K copies of one network, stacked. All parameters live in one flat vector
    ``theta`` laid out layer by layer (``W1`` of every run, then ``b1`` of every
    run, ...), so each ``W[l]`` is a contiguous ``(K, n_in, n_out)`` view and each
    ``b[l]`` a ``(K, n_out)`` view; ``owner[i]`` is the run that ``theta[i]`` belongs to.

    ``forward`` and ``backward_preactivation`` are ``gan_core.mlp.MLP``'s, with a
    leading run axis: ``x_l = f_l(x_{l-1} W_l + b_l)``; ``dW_l = x_{l-1}^T dz_l``,
    ``db_l = sum_n dz_l``, ``dz_{l-1} = (dz_l W_l^T) * f_{l-1}'``.
    """

    def __init__(self, nets):
        net, k = nets[0], len(nets)
        size = k * net.theta.size
        self.dtype = net.dtype
        self.theta, self.grad = np.empty(size, dtype=self.dtype), np.zeros(size, dtype=self.dtype)
        self.owner = np.empty(size, dtype=np.intp)
        self.acts = net.activations
        self._shapes = [((k,) + layer.W.shape, (k,) + layer.b.shape) for layer in net.layers]
        self._link()
        start = 0
        for i, layer in enumerate(net.layers):
            for name, src, view in (("W", layer.W, self.W[i]), ("b", layer.b, self.b[i])):
                for j, other in enumerate(nets):
                    view[j] = getattr(other.layers[i], name)
                self.owner[start:start + view.size] = np.repeat(np.arange(k), src.size)
                start += view.size
        self.ys = None

    def _link(self):
        """Make ``W``, ``b`` (and the gradients ``gW``, ``gb``) views into ``theta`` and ``grad``."""
        self.W, self.b, self.gW, self.gb = [], [], [], []
        start = 0
        for shapes in self._shapes:
            for shape, views, gviews in zip(shapes, (self.W, self.b), (self.gW, self.gb)):
                stop = start + int(np.prod(shape))
                views.append(self.theta[start:stop].reshape(shape))
                gviews.append(self.grad[start:stop].reshape(shape))
                start = stop

    def __getstate__(self):
        # as MLP's: pickle would turn the views into copies, so keep theta and grad and re-link
        return {k: v for k, v in vars(self).items() if k not in ("W", "b", "gW", "gb", "ys")}

    def __setstate__(self, state):
        vars(self).update(state)
        self.ys = None
        self._link()

    def run_theta(self, k, theta=None):
        """The flat parameter vector of run ``k`` in ``MLP.theta``'s order (W1, b1, W2, ...).

        ``theta`` (default this net's) may be another stacked vector of the same layout."""
        theta = self.theta if theta is None else theta
        parts, start = [], 0
        for W, b in zip(self.W, self.b):
            for p in (W, b):
                block = theta[start:start + p.size].reshape(p.shape)
                parts.append(block[k].ravel())
                start += p.size
        return np.concatenate(parts)

    def forward(self, x, keep=True):
        """``(K, N, n_in) -> (K, N, n_out)``, every run through its own weights."""
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

    def backward(self, dout, input_grad=True):
        """From ``dL/d(output)``: through the last activation, then ``backward_preactivation``."""
        return self.backward_preactivation(self.acts[-1].backward(self.ys[-1], dout), input_grad=input_grad)


class ParallelRuns:
    """Several runs of one GAN architecture, trained side by side in stacked arrays.

    ``settings`` is a list of dicts, one per run. Each may change the fields in
    :data:`PARALLEL_FIELDS` (step sizes, clipping thresholds, G's loss, the step
    decay, the chapter's errata), set
    ``"step_size"`` (both step sizes at once) and ``"seed"`` (default ``seed``);
    everything else comes from ``recipe`` with the ``fixed`` overrides and is
    shared. Run ``k`` starts from the initial weights and sees the real samples
    and noise of ``Trainer(config_k, seed=seed_k)``, and follows that Trainer's
    path up to rounding in the last digits.

    ``train(n)`` runs n more iterations; ``D_real``, ``D_fake``, ``grad_norm_D`` and
    ``grad_norm_G`` are ``(iterations, K)`` arrays of D's mean outputs and the
    weight-gradient norms before clipping (D's averaged over its two updates, as
    in ``History``); ``record_updates()`` adds, from then on, the length of every
    optimizer step and D's gradient norm after clipping (``update_norms``,
    ``grad_norm_D_clipped``); ``sample(n)`` gives ``(K, n, X_DIM)`` signals (each run from
    its seed's sampling noise, as ``Trainer.sample``); ``evaluate(n)`` a list of
    reports. A run whose numbers overflow is marked in ``diverged`` and its
    report is all NaN.
    """

    def __init__(self, settings, recipe="recommended", seed=0, **fixed):
        if not isinstance(settings, (list, tuple)) or not settings:
            raise ValueError("settings must list at least one run (a dict of changes, {} for none)")
        settings = [expand_aliases(s) for s in settings]
        for s in settings:
            bad = sorted(set(s) - set(PARALLEL_FIELDS) - {"seed"})
            if bad:
                raise ValueError(f"ParallelRuns can vary only {', '.join(PARALLEL_FIELDS)}, step_size and seed "
                                 f"between runs; got {bad} (use sweep() for the others)")
        self.config = get_recipe(recipe).replace(**expand_aliases(fixed))
        self.settings = settings
        self.configs = [self.config.replace(**{k: v for k, v in s.items() if k != "seed"}) for s in settings]
        self.seeds = [check_seed("seed", s.get("seed", seed)) for s in settings]
        k = self.k = len(settings)
        c = self.config
        Gs, Ds, self._streams, self._sample_seqs = [], [], {}, []
        for sd in self.seeds:
            g_seq, d_seq, data_seq, noise_seq, sample_seq = seed_sequences(sd)
            Gs.append(Generator(c.Z_DIM, c.G_HIDDEN, c.X_DIM, rng=np.random.default_rng(g_seq), dtype=c.dtype))
            Ds.append(Discriminator(c.X_DIM, c.D_HIDDEN, leaky_slope=c.leaky_slope, rng=np.random.default_rng(d_seq),
                                    dtype=c.dtype))
            self._sample_seqs.append(sample_seq)
            if sd not in self._streams:
                self._streams[sd] = (real_stream(data_seq, c.X_DIM, c.dtype), noise_stream(noise_seq, c.Z_DIM, c.dtype))
        self._distinct = list(self._streams)
        self._row = np.array([self._distinct.index(sd) for sd in self.seeds])
        self._one_row_per_run = bool(np.array_equal(self._row, np.arange(k)))
        self.G, self.D = StackedNet(Gs), StackedNet(Ds)
        self._errata = [cf.errata for cf in self.configs]
        self._errata_groups = [(e, np.array([x == e for x in self._errata])) for e in dict.fromkeys(self._errata)]
        self.G.acts = self._generator_activations(len(self.G.acts) - 1)
        ascends = np.array(["D_ascends" in e for e in self._errata])
        # which of D's parameters climb their loss ("D_ascends"): all (True), none (None) or a mask over theta
        self._d_ascends = True if ascends.all() else ascends[self.D.owner] if ascends.any() else None
        self._decays = [cf.lr_decay for cf in self.configs]
        self._one_decay = self._decays[0] if len(set(self._decays)) == 1 else None
        self.G_ema = self.G.theta.copy() if c.ema is not None else None
        self.ema_count = 0
        self._lr_G, self._lr_D = self._column("step_size_G"), self._column("step_size_D")
        self._gclip, self._wclip = self._column("GRADIENT_CLIP"), self._column("WEIGHT_CLIP")
        self._saturating = np.array([cf.g_loss == "saturating" for cf in self.configs])
        self.opt_G = make_optimizer(c.optimizer, self.G.theta.size, c.adam_beta1, c.adam_beta2, dtype=c.dtype)
        self.opt_D = make_optimizer(c.optimizer, self.D.theta.size, c.adam_beta1, c.adam_beta2, dtype=c.dtype)
        self.iteration = 0
        self.diverged = np.zeros(k, dtype=bool)
        self._d_real, self._d_fake, self._gnorm, self._dnorm = [], [], [], []
        self._recording, self._lengths, self._dnorm_clipped = False, {"D_real": [], "D_fake": [], "G": []}, []

    def _generator_activations(self, hidden_count):
        """G's activations for the runs' errata: ``generator_activations`` where all runs
        agree, a :class:`PerRunActivation` where they do not."""
        per_run = [generator_activations(e, hidden_count) for e in self._errata]
        acts = []
        for layer in range(hidden_count + 1):
            versions = [a[layer] for a in per_run]
            chapters = [isinstance(a, (ChapterReLU, ChapterTanh)) for a in versions]
            if all(chapters) or not any(chapters):
                acts.append(versions[0])
            else:
                exact = versions[chapters.index(False)]
                acts.append(PerRunActivation(exact, versions[chapters.index(True)], chapters))
        return acts

    def _per_errata(self, grad):
        """``grad(errata)`` for every run's errata, stacked: computed once per distinct
        tuple of errata on the whole stack, then each run's rows are taken from its own."""
        groups = self._errata_groups
        out = grad(groups[0][0])
        for errata, runs in groups[1:]:
            out = np.where(runs[:, None, None], grad(errata), out)
        return out

    def _column(self, name):
        """One value of ``name`` per run (``inf`` where a clip is off)."""
        return np.array([np.inf if getattr(cf, name) is None else getattr(cf, name) for cf in self.configs], float)

    def set(self, **changes):
        """Change a live hyperparameter of every run for the next steps: ``step_size_G``,
        ``step_size_D`` (0 freezes that network), ``GRADIENT_CLIP``, ``WEIGHT_CLIP`` (None: off)."""
        arrays = {"step_size_G": "_lr_G", "step_size_D": "_lr_D", "GRADIENT_CLIP": "_gclip", "WEIGHT_CLIP": "_wclip"}
        changes = expand_aliases(changes)
        for name in changes:
            if name not in arrays:
                raise ValueError(f"set() can change {', '.join(arrays)} (and step_size); got {name!r}")
        for name, value in changes.items():
            v = check_number(name, value, 0, 10) if name.startswith("step_size") else check_value(name, value)
            getattr(self, arrays[name])[...] = np.inf if v is None else v
        return self

    def record_updates(self, on=True):
        """Record, for every iteration trained from now on (until ``record_updates(False)``),
        the length ``||theta_after - theta_before||`` of each run's optimizer steps (D's real
        and fake half-steps and G's step, the optimizer's step before any weight clip) and D's weight-gradient
        norm after clipping: ``update_norms`` and ``grad_norm_D_clipped``, one row per
        recorded iteration, as :func:`gan_core.experiments.probes.update_norms` and the
        Trainer's ``history["grad_norm_D_clipped"]`` give them for one run. Returns ``self``."""
        self._recording = bool(on)
        return self

    # ------------------------------------------------------------------ updates
    def _update(self, net, opt, lr, ascend=None):
        """Clip, step (on ``-grad`` where ``ascend``: ``True`` for every parameter, or a mask
        over ``net.theta``; ``None`` for none) and clip again, each run with its own
        thresholds and step size. Returns the gradient norms before clipping; while
        recording, also those after clipping and the steps' lengths."""
        before, after, _ = clip_gradient_norms(net.gW, self._gclip)
        start = net.theta.copy() if self._recording else None
        if ascend is True:
            np.negative(net.grad, out=net.grad)
        elif ascend is not None:
            np.negative(net.grad, out=net.grad, where=ascend)
        opt.step(net.theta, net.grad, lr[net.owner])
        if start is not None:  # the optimizer's step alone, as probes.update_norms measures it
            start -= net.theta
            start *= start
            length = np.sqrt(np.bincount(net.owner, weights=start, minlength=self.k))
        if np.isfinite(self._wclip).any():
            clip_weights(net.theta, self._wclip[net.owner])
        return before if start is None else (before, after, length)

    def step(self):
        """One iteration of the three steps for every run (see ``gan_core.trainer``)."""
        c = self.config
        n = c.batch_size
        if self._one_decay is not None:
            scale = step_scale(self.iteration, c.ITER_NUM, self._one_decay)
        else:
            scale = np.array([step_scale(self.iteration, c.ITER_NUM, d) for d in self._decays])
        lr_D, lr_G = self._lr_D * scale, self._lr_G * scale
        G, D = self.G, self.D
        x_real, z = self._take(n)
        d_learns, g_learns = c.learn != "G", c.learn != "D"
        recording = self._recording
        no_step = np.zeros(self.k)
        none = (no_step, no_step, no_step) if recording else no_step  # what _update returns for no step
        # 1. D on real, target 1
        p_real = D.forward(x_real)
        real = fake = none
        if d_learns:
            D.backward_preactivation(self._per_errata(lambda e: discriminator_logit_grad(p_real, 1.0, e)),
                                     input_grad=False)
            real = self._update(D, self.opt_D, lr_D, self._d_ascends)
        # 2. D on fake, target 0
        x_fake = G.forward(z)
        p_fake = D.forward(x_fake)
        if d_learns:
            D.backward_preactivation(self._per_errata(lambda e: discriminator_logit_grad(p_fake, 0.0, e)),
                                     input_grad=False)
            fake = self._update(D, self.opt_D, lr_D, self._d_ascends)
        # 3. G through the fixed D, on the same fakes
        p_gen = D.forward(x_fake)
        gen = none
        if g_learns:
            dz = self._per_errata(lambda e: generator_output_grad(p_gen, "non_saturating", e))
            if self._saturating.any():
                dz = np.where(self._saturating[:, None, None],
                              self._per_errata(lambda e: generator_output_grad(p_gen, "saturating", e)), dz)
            dx = D.backward_preactivation(dz, param_grads=False)
            G.backward(dx, input_grad=False)
            gen = self._update(G, self.opt_G, lr_G)
            if self.G_ema is not None:
                self.ema_count += 1
                average_weights(self.G_ema, G.theta, c.ema, self.ema_count)
        if recording:
            (real, real_after, real_len), (fake, fake_after, fake_len), (gen, _, gen_len) = real, fake, gen
            self._dnorm_clipped.append(0.5 * (real_after + fake_after))
            for name, length in (("D_real", real_len), ("D_fake", fake_len), ("G", gen_len)):
                self._lengths[name].append(length)
        self._dnorm.append(0.5 * (real + fake))
        self._gnorm.append(gen)
        self._d_real.append(p_real.mean(axis=(1, 2), dtype=np.float64))
        self._d_fake.append(p_fake.mean(axis=(1, 2), dtype=np.float64))
        self.iteration += 1

    def _take(self, n):
        """This step's real rows and noise, ``(K or 1, n, .)``: one draw per distinct seed."""
        reals, noises = zip(*[(r.take(n), q.take(n)) for r, q in self._streams.values()])
        if len(reals) == 1:
            return reals[0][None], noises[0][None]
        if self._one_row_per_run:
            return np.stack(reals), np.stack(noises)
        return np.stack(reals)[self._row], np.stack(noises)[self._row]

    def train(self, iterations):
        """Run ``iterations`` more iterations of every run; returns ``self``."""
        iterations = check_int("iterations", iterations, 0, 10**9)
        with np.errstate(all="ignore"), one_blas_thread():
            for _ in range(iterations):
                self.step()
            for net in (self.G, self.D):
                bad = ~np.isfinite(net.theta)
                if bad.any():
                    self.diverged[np.unique(net.owner[bad])] = True
        return self

    # ------------------------------------------------------------------ results
    @property
    def D_real(self):
        return np.array(self._d_real, dtype=np.float64).reshape(-1, self.k)

    @property
    def D_fake(self):
        return np.array(self._d_fake, dtype=np.float64).reshape(-1, self.k)

    @property
    def grad_norm_G(self):
        return np.array(self._gnorm).reshape(-1, self.k)

    @property
    def grad_norm_D(self):
        return np.array(self._dnorm).reshape(-1, self.k)

    @property
    def grad_norm_D_clipped(self):
        """``(recorded iterations, K)``: D's weight-gradient norm after clipping, averaged
        over its two updates (``record_updates``)."""
        return np.array(self._dnorm_clipped).reshape(-1, self.k)

    @property
    def update_norms(self):
        """``{"D_real", "D_fake", "G"}``, each ``(recorded iterations, K)``: the length of every
        optimizer step of every run while ``record_updates`` was on."""
        return {name: np.array(v).reshape(-1, self.k) for name, v in self._lengths.items()}

    def sampler_theta(self):
        """The stacked parameters used for sampling: the weight average if ``ema`` is on, else G's."""
        return self.G_ema if self.G_ema is not None and self.ema_count > 0 else self.G.theta

    def sample(self, n):
        """``(K, n, X_DIM)`` float64 signals, each run from its own seed's sampling noise
        (drawn as ``Trainer.sample`` draws it, and computed in the runs' dtype as
        ``Trainer.generate`` does), from the weight average if ``ema``."""
        z = np.stack([np.random.default_rng(sq).standard_normal((int(n), self.config.Z_DIM))
                      for sq in self._sample_seqs]).astype(self.G.dtype, copy=False)
        G = self.G
        saved = G.theta.copy()
        G.theta[...] = self.sampler_theta()
        with np.errstate(all="ignore"):
            out = G.forward(z, keep=False).astype(np.float64)
        G.theta[...] = saved
        return out

    def columns(self, runs):
        """The runs ``runs`` (a sequence of indices) of this stack, as a read-only view
        with the same result attributes (``D_real`` ... ``sample``), run ``j`` of the
        view being run ``runs[j]`` here. For one stack that holds several experiments."""
        return RunColumns(self, runs)

    def evaluate(self, n=500):
        """``measure`` of each run's ``n`` samples (NaN figures for a diverged run)."""
        reports = []
        for k, samples in enumerate(self.sample(n)):
            if self.diverged[k] or not np.isfinite(samples).all():
                reports.append(None)
            else:
                reports.append(measure(samples))
        keys = next((r.keys() for r in reports if r is not None), ())
        return [r if r is not None else {key: float("nan") for key in keys} for r in reports]


class RunColumns:
    """Some runs of a :class:`ParallelRuns`, picked out by index (see ``ParallelRuns.columns``):
    ``D_real``, ``D_fake``, ``grad_norm_G``, ``grad_norm_D``, ``grad_norm_D_clipped`` (``(iterations, len(runs))``),
    ``update_norms``,
    ``sample(n)`` (``(len(runs), n, X_DIM)``), ``k``, ``settings`` and ``seeds`` of those runs only."""

    def __init__(self, stack, runs):
        self.stack = stack
        self.runs = [int(check_int("runs", r, 0, stack.k - 1)) for r in runs]
        if not self.runs:
            raise ValueError("runs must pick at least one run")
        self.k = len(self.runs)
        self.settings = [stack.settings[r] for r in self.runs]
        self.seeds = [stack.seeds[r] for r in self.runs]

    D_real = property(lambda self: self.stack.D_real[:, self.runs])
    D_fake = property(lambda self: self.stack.D_fake[:, self.runs])
    grad_norm_G = property(lambda self: self.stack.grad_norm_G[:, self.runs])
    grad_norm_D = property(lambda self: self.stack.grad_norm_D[:, self.runs])
    grad_norm_D_clipped = property(lambda self: self.stack.grad_norm_D_clipped[:, self.runs])
    update_norms = property(lambda self: {name: v[:, self.runs] for name, v in self.stack.update_norms.items()})

    def sample(self, n):
        """``(len(runs), n, X_DIM)``: ``stack.sample(n)`` of these runs."""
        return self.stack.sample(n)[self.runs]


def parallel_sweep(axes, recipe="recommended", iterations=None, seeds=(0,), n_eval=500, **fixed):
    """Like :func:`gan_core.experiments.sweeps.sweep`, for the fields of
    :data:`PARALLEL_FIELDS` (and ``"step_size"``): every combination and seed is
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


def seeds_side_by_side(seeds, recipe="recommended", iterations=None, **fixed):
    """``ParallelRuns`` of one setting over ``seeds``, trained for ``iterations``
    (default ``ITER_NUM``): the fast way to repeat an experiment over seeds."""
    runs = ParallelRuns([{"seed": s} for s in seeds], recipe=recipe, **fixed)
    return runs.train(runs.config.ITER_NUM if iterations is None else iterations)
