"""The training loop: the chapter's three steps per iteration, done right.

Each iteration, on a batch of ``batch_size`` samples (1 in the chapter):

1. **D on real** samples, target 1: descend ``BCE(D(x), 1)``.
2. **D on fake** samples ``G(z)``, ``z ~ N(0, I)``, target 0: descend
   ``BCE(D(G(z)), 0)``. Steps 1 and 2 together ascend the minimax value
   ``V = E[log D(x)] + E[log(1 - D(G(z)))]``.
3. **G through D** (D fixed) on the same fakes: descend the non-saturating
   loss ``-log D(G(z))`` (or, optionally, the saturating ``log(1 - D(G(z)))``).

Every update is ``theta <- theta - step * grad``, after optional gradient
clipping (each weight matrix's gradient norm to ``GRADIENT_CLIP``) and before
optional weight clipping (every parameter to ``[-WEIGHT_CLIP, WEIGHT_CLIP]``).

The trainer reads its ``config`` at every step, so step sizes, clips, batch
size, optimizer settings and the loss can change between any two steps.

``Config.dtype`` (``"float64"`` or ``"float32"``) is the type everything of a
step is computed in: parameters, gradients, optimizer moments, the rows of the
data streams (drawn in float64 and rounded, so both types see the same random
sequence) and every activation. Only the history's figures (D's mean outputs,
the losses, the norms) are kept as float64, and ``generate``/``sample`` return
float64 arrays, computed by the network in its type.

The trainer owns no file I/O: ``state_dict()`` gives everything needed to
continue the run exactly (parameters, optimizer moments, the bit generators'
states and stream positions, the history), and ``Trainer.from_state_dict``
rebuilds it; ``gan_core.persistence`` writes that dict to a file.
"""
import functools
import math

import numpy as np

from ._blas import one_blas_thread
from ._checks import check_array, check_callable, check_int, check_seed
from .config import ARCHITECTURE_FIELDS, Config, check_value
from .data import RowStream, sample_sines
from .errata import discriminator_logit_grad, generator_activations, generator_output_grad
from .history import History
from .losses import bce, generator_loss
from .mlp import Discriminator, Generator
from .optim import average_weights, clip_gradient_norms, clip_weights, make_optimizer, step_scale
from .recipes import get_recipe

#: The clip figures of a player that takes no step (``learn`` freezes it).
_NO_STEP = (0.0, 0.0, 0)

#: The most iterations one ``train`` call accepts.
MAX_ITERATIONS = 10**9


def seed_sequences(seed):
    """The five independent seed sequences of a run, spawned from ``seed``:
    ``(G's initial weights, D's initial weights, real data, noise, sampling noise)``.

    ``Trainer`` and the vectorised runs both seed through this function, so run
    ``k`` of a vectorised batch sees exactly what ``Trainer(seed=k)`` sees.
    """
    return np.random.SeedSequence(seed).spawn(5)


def real_stream(seq, x_dim, dtype="float64"):
    """The stream of real signals of a run (``sample_sines`` rows from ``seq``, drawn
    in float64 and handed out in ``dtype``)."""
    return RowStream(functools.partial(sample_sines, x_dim=x_dim), np.random.default_rng(seq), dtype)


def noise_stream(seq, z_dim, dtype="float64"):
    """The stream of ``N(0, I)`` noise rows of width ``z_dim`` from ``seq`` (drawn in
    float64, handed out in ``dtype``)."""
    return RowStream(functools.partial(_noise_rows, z_dim=z_dim), np.random.default_rng(seq), dtype)


# Draw functions are module-level (or partials of them), not lambdas, so that a Trainer or
# ParallelRuns can be pickled and sent to another process (gan_core.experiments.processes).
def _noise_rows(k, rng, z_dim):
    return rng.standard_normal((k, z_dim))


def _mean(a):
    """The mean of ``a`` as a Python float, summed in float64 whatever ``a``'s dtype."""
    return a.item() if a.size == 1 else float(np.add.reduce(a, axis=None, dtype=np.float64)) / a.size


class Trainer:
    """A GAN run: two networks, their optimizers, the data streams and a history.

    ``Trainer(recipe="book", seed=0, **overrides)`` or ``Trainer(config)``.
    ``train(n)`` runs ``n`` more iterations (``train()`` runs to ``ITER_NUM``);
    ``sample(n)`` draws generated signals; ``set(step_size_D=...)`` changes a
    hyperparameter for the very next step.
    """

    def __init__(self, config=None, *, recipe=None, seed=0, **overrides):
        if config is not None and recipe is not None:
            raise ValueError("give either config or recipe, not both")
        if config is None:
            config = get_recipe(recipe or "book")
        elif not isinstance(config, Config):
            raise ValueError(f"config must be a gan_core.Config, got {type(config).__name__}")
        self.recipe = recipe
        self.config = config.replace(**overrides)
        self.seed = check_seed("seed", seed)
        self.reset()

    # ----------------------------------------------------------------- setup
    def reset(self, seed=None, **changes):
        """Start over: new networks, optimizers, data streams and history.

        ``changes`` may include architecture fields (``Z_DIM``, hidden sizes, ...).
        Everything is checked before anything changes: a bad seed or setting
        leaves the run as it was.
        """
        new_seed = self.seed if seed is None else check_seed("seed", seed)
        config = self.config.replace(**changes).check_size()
        self.seed, self.config = new_seed, config
        c = self.config
        g_seq, d_seq, data_seq, noise_seq, sample_seq = seed_sequences(self.seed)
        self.G = Generator(c.Z_DIM, c.G_HIDDEN, c.X_DIM, rng=np.random.default_rng(g_seq), dtype=c.dtype)
        self.D = Discriminator(c.X_DIM, c.D_HIDDEN, leaky_slope=c.leaky_slope, rng=np.random.default_rng(d_seq),
                               dtype=c.dtype)
        self.G_ema = self.G.copy() if c.ema is not None else None
        self.ema_count = 0
        self._sample_seq = sample_seq
        self._real = real_stream(data_seq, c.X_DIM, c.dtype)
        self._noise = noise_stream(noise_seq, c.Z_DIM, c.dtype)
        self._make_optimizers()
        self.history = History()
        self.iteration = 0
        self.diverged = None
        self._errata = ()
        return self

    def _apply_errata(self):
        """Give G the chapter's activation derivatives where ``errata`` asks for them."""
        errata = self.config.errata
        for layer, act in zip(self.G.layers, generator_activations(errata, len(self.G.layers) - 1)):
            layer.activation = act
        self._errata = errata

    def _make_optimizers(self):
        c = self.config
        self._optimizer_name = c.optimizer
        self.opt_G = make_optimizer(c.optimizer, self.G.theta.size, c.adam_beta1, c.adam_beta2, dtype=c.dtype)
        self.opt_D = make_optimizer(c.optimizer, self.D.theta.size, c.adam_beta1, c.adam_beta2, dtype=c.dtype)

    def set(self, **changes):
        """Change hyperparameters for the next step (validated; architecture needs ``reset``).

        Every value is checked before any is applied. Switching the optimizer
        starts it afresh; switching ``ema`` on starts a new average at the
        next step; ``ema=None`` stops averaging (sampling then uses G).
        """
        arch = [k for k in changes if k in ARCHITECTURE_FIELDS and changes[k] != getattr(self.config, k)]
        if arch:
            what = "number type" if arch == ["dtype"] else "shapes"
            raise ValueError(f"{', '.join(arch)} change(s) the networks' {what}: call reset({arch[0]}=...) instead")
        checked = {k: check_value(k, v) for k, v in changes.items()}
        for k, v in checked.items():
            setattr(self.config, k, v)
        if self.config.optimizer != self._optimizer_name:
            self._make_optimizers()
        for opt in (self.opt_G, self.opt_D):
            if hasattr(opt, "beta1"):
                opt.beta1, opt.beta2 = self.config.adam_beta1, self.config.adam_beta2
        if self.config.ema is None:
            self.G_ema, self.ema_count = None, 0  # sampling falls back to G itself
        elif self.G_ema is None:
            self.G_ema, self.ema_count = self.G.copy(), 0
        return self

    # -------------------------------------------------------------- training
    def _update(self, net, opt, step_size, grad_clip, weight_clip, sign=1.0):
        """Clip the gradient, take an optimizer step on it (``sign=-1``: on ``-grad``,
        the chapter's ascent of D's loss), clip the weights; returns the clip's norms."""
        norms = clip_gradient_norms(net.weight_grad_views, grad_clip)
        if sign < 0:
            np.negative(net.grad, out=net.grad)
        opt.step(net.theta, net.grad, step_size)
        if weight_clip is not None:
            clip_weights(net.theta, weight_clip)
        return norms

    def step(self):
        """One iteration of the three steps (module docstring); returns its history row."""
        if self.diverged is not None:
            raise FloatingPointError(f"{self.diverged}; call reset() to start over")
        c = self.config
        G, D = self.G, self.D
        n = c.batch_size
        scale = step_scale(self.iteration, c.ITER_NUM, c.lr_decay)
        lr_D, lr_G = c.step_size_D * scale, c.step_size_G * scale
        gclip, wclip = c.GRADIENT_CLIP, c.WEIGHT_CLIP

        errata = c.errata
        if errata != self._errata:
            self._apply_errata()
        d_sign = -1.0 if "D_ascends" in errata else 1.0  # the chapter's D climbed its own loss
        d_learns, g_learns = c.learn != "G", c.learn != "D"
        if not d_learns:
            lr_D = 0.0
        if not g_learns:
            lr_G = 0.0

        # 1. D on real samples, target 1: descend BCE(D(x), 1); dBCE/da = (p - 1) / n
        p_real = D.forward(self._real.take(n))
        nr = nf = ng = _NO_STEP
        if d_learns:
            D.backward_preactivation(discriminator_logit_grad(p_real, 1.0, errata), input_grad=False)
            nr = self._update(D, self.opt_D, lr_D, gclip, wclip, d_sign)

        # 2. D on fake samples, target 0: descend BCE(D(G(z)), 0); dBCE/da = p / n
        x_fake = G.forward(self._noise.take(n))
        p_fake = D.forward(x_fake)
        if d_learns:
            D.backward_preactivation(discriminator_logit_grad(p_fake, 0.0, errata), input_grad=False)
            nf = self._update(D, self.opt_D, lr_D, gclip, wclip, d_sign)

        # 3. G through the (updated, now fixed) D on the same fakes: descend G's loss;
        #    non-saturating dL/da = (p - 1) / n
        p_gen = D.forward(x_fake)
        if g_learns:
            dx = D.backward_preactivation(generator_output_grad(p_gen, c.g_loss, errata), param_grads=False)
            G.backward(dx, input_grad=False)
            ng = self._update(G, self.opt_G, lr_G, gclip, wclip)
            if self.G_ema is not None:
                self.ema_count += 1
                average_weights(self.G_ema.theta, G.theta, c.ema, self.ema_count)

        d_real, d_fake, d_gen = _mean(p_real), _mean(p_fake), _mean(p_gen)
        loss_real, loss_fake, loss_G = bce(p_real, 1), bce(p_fake, 0), generator_loss(p_gen, c.g_loss)
        self.iteration += 1
        if not math.isfinite(d_real + d_fake + d_gen + loss_G + nr[0] + nf[0] + ng[0]):  # NaN and inf propagate
            self.diverged = (
                f"training diverged at iteration {self.iteration}: D or G produced a non-finite value "
                f"with step_size_D={c.step_size_D}, step_size_G={c.step_size_G}, GRADIENT_CLIP={gclip}, "
                f"WEIGHT_CLIP={wclip}, batch_size={n}, optimizer={c.optimizer!r}")
            raise FloatingPointError(self.diverged)
        n_w = len(D.weight_grad_views)
        row = (self.iteration, loss_real, loss_fake, loss_G, d_real, d_fake,
               0.5 * (nr[0] + nf[0]), 0.5 * (nr[1] + nf[1]), ng[0], ng[1],
               (nr[2] + nf[2]) / (2 * n_w), ng[2] / len(G.weight_grad_views), lr_D, lr_G)
        self.history.append(row)
        return row

    def train(self, iterations=None, progress=False, callback=None, callback_every=1000):
        """Run ``iterations`` more iterations (default: until ``ITER_NUM`` is reached).

        ``progress=True`` shows a tqdm bar; ``callback(trainer)`` is called every
        ``callback_every`` iterations. Returns ``self``. Arguments are checked
        before the first step.
        """
        if iterations is None:
            iterations = max(self.config.ITER_NUM - self.iteration, 0)
        iterations = check_int("iterations", iterations, 0, MAX_ITERATIONS)
        callback_every = check_int("callback_every", callback_every, 1, MAX_ITERATIONS)
        check_callable("callback", callback)
        if self.diverged is not None:
            raise FloatingPointError(f"{self.diverged}; call reset() to start over")
        bar = None
        if progress:
            from tqdm.auto import tqdm
            bar = tqdm(total=iterations, unit="it", mininterval=0.5)
        tick = max(1, iterations // 100)
        step = self.step
        try:
            with one_blas_thread():
                for k in range(1, iterations + 1):
                    step()
                    if bar is not None and k % tick == 0:
                        bar.update(tick)
                    if callback is not None and k % callback_every == 0:
                        callback(self)
        finally:
            if bar is not None:
                bar.update(bar.total - bar.n)
                bar.close()
        return self

    # -------------------------------------------------------------- sampling
    @property
    def sampler(self):
        """The generator used for sampling: the weight average if ``ema`` is on (and
        has seen a step), else G."""
        return self.G_ema if self.G_ema is not None and self.ema_count > 0 else self.G

    def generate(self, z):
        """``G(z)`` for noise ``z`` of shape ``(n, Z_DIM)`` (the sampling generator), as float64.

        A float32 run computes ``G(z)`` in float32 (``z`` rounded first) and
        returns the result widened to float64, the type the metrics expect."""
        if self.diverged is not None:
            raise FloatingPointError(f"{self.diverged}: its generator has no samples to give")
        z = check_array("z", z, shape=(None, self.config.Z_DIM))
        return self.sampler.forward(z).astype(np.float64)

    def sample(self, n, rng=None):
        """``n`` generated signals, shape ``(n, X_DIM)``, from ``z ~ N(0, I)``.

        Without ``rng`` the noise comes from a generator fixed by the run's
        seed, so the same run always gives the same samples; ``rng`` may be a
        ``numpy.random.Generator``.
        """
        n = check_int("n", n, 1, 10**7)
        if rng is None:
            rng = np.random.default_rng(self._sample_seq)
        elif not isinstance(rng, np.random.Generator):
            raise ValueError(f"rng must be None or a numpy.random.Generator (np.random.default_rng(seed)), "
                             f"got {type(rng).__name__}")
        return self.generate(rng.standard_normal((n, self.config.Z_DIM)))

    def evaluate(self, n=1000):
        """Quality of ``n`` samples: ``gan_core.metrics.evaluate(self.sample(n))``."""
        from .metrics import evaluate
        return evaluate(self.sample(n))

    # ------------------------------------------------------------ state dict
    def state_dict(self):
        """Everything needed to continue this run exactly, as plain values and arrays.

        ``{"config": dict, "seed", "iteration", "ema_count": int, "G", "D", "G_ema"
        (or None): {name: array}, "opt_G", "opt_D": optimizer states,
        "streams": {"real", "noise": RowStream states}, "history": array}``.
        The arrays are copies.
        """
        def params(net):
            return None if net is None else {k: v.copy() for k, v in net.params.items()}
        return {
            "config": self.config.to_dict(), "seed": self.seed, "iteration": self.iteration,
            "ema_count": self.ema_count, "G": params(self.G), "D": params(self.D), "G_ema": params(self.G_ema),
            "opt_G": {k: np.copy(v) for k, v in self.opt_G.state().items()},
            "opt_D": {k: np.copy(v) for k, v in self.opt_D.state().items()},
            "streams": {"real": self._real.state(), "noise": self._noise.state()},
            "history": self.history.to_array().copy(),
        }

    @classmethod
    def from_state_dict(cls, state):
        """A ``Trainer`` that continues the run ``state`` (from ``state_dict()``) exactly.

        Raises ``ValueError`` naming the entry that does not fit.
        """
        trainer = cls(Config.from_dict(state["config"]), seed=state["seed"])
        trainer.load_state_dict(state)
        return trainer

    def load_state_dict(self, state):
        """Take over ``state`` (from ``state_dict()`` of a run with this architecture)."""
        if Config.from_dict(state["config"]).architecture() != self.config.architecture():
            raise ValueError("state config has another architecture than this trainer; use Trainer.from_state_dict")
        self.config = Config.from_dict(state["config"])
        self.seed = check_seed("seed", state["seed"])
        self.reset()
        nets = {"G": self.G, "D": self.D}
        if self.G_ema is not None:
            if state.get("G_ema") is None:
                raise ValueError("state has ema on but no G_ema parameters")
            nets["G_ema"] = self.G_ema
        for key, net in nets.items():
            for name, v in net.params.items():
                got = state[key].get(name)
                if got is None:
                    raise ValueError(f"state lacks {key}/{name}")
                v[...] = check_array(f"{key}/{name}", got, shape=v.shape)
        self.opt_G.load_state(state["opt_G"])
        self.opt_D.load_state(state["opt_D"])
        self._real.load_state(state["streams"]["real"])
        self._noise.load_state(state["streams"]["noise"])
        self.history = History(state["history"])
        self.iteration = check_int("iteration", state["iteration"], 0, MAX_ITERATIONS)
        self.ema_count = check_int("ema_count", state["ema_count"], 0, MAX_ITERATIONS)
        return self

    def __repr__(self):
        return f"Trainer(seed={self.seed}, iteration={self.iteration}, config={self.config})"


def train(recipe="book", seed=0, iterations=None, progress=False, **overrides):
    """Build a ``Trainer`` for ``recipe`` (``"book"`` or ``"recommended"``) with
    ``overrides``, train it for ``iterations`` (default ``ITER_NUM``) and return it."""
    return Trainer(recipe=recipe, seed=seed, **overrides).train(iterations, progress=progress)
