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
"""
import math

import numpy as np

from .config import ARCHITECTURE_FIELDS, Config, check_value
from .data import sample_sines
from .history import History
from .losses import EPS, generator_logit_grad
from .mlp import Discriminator, Generator
from .optim import clip_gradient_norms, clip_weights, make_optimizer
from .recipes import get_recipe

_BLOCK = 4096  # rows of real data / noise drawn at a time


class _Stream:
    """Rows drawn in blocks from ``draw(k)``; ``take(n)`` hands out the next ``n``.

    The sequence of rows depends only on the seed, not on how it is consumed.
    """

    def __init__(self, draw):
        self._draw = draw
        self._buf = draw(_BLOCK)
        self._pos = 0

    def take(self, n):
        pos, buf = self._pos, self._buf
        if pos + n > len(buf):
            buf = np.concatenate([buf[pos:], self._draw(max(_BLOCK, n))])
            self._buf, pos = buf, 0
        self._pos = pos + n
        return buf[pos:pos + n]


def _mean(a):
    return a.item() if a.size == 1 else float(np.add.reduce(a, axis=None)) / a.size


def _log_loss(q):
    """``-log(clip(q, EPS, 1 - EPS))`` for a mean-free scalar check."""
    return -math.log(min(max(q, EPS), 1.0 - EPS))


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
            raise TypeError(f"config must be a gan_core.Config, got {type(config).__name__}")
        self.recipe = recipe
        self.config = config.replace(**overrides)
        self.reset(seed=seed)

    # ----------------------------------------------------------------- setup
    def reset(self, seed=None, **changes):
        """Start over: new networks, optimizers, data streams and history.

        ``changes`` may include architecture fields (``Z_DIM``, hidden sizes, ...).
        """
        if seed is not None:
            if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
                raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
            self.seed = int(seed)
        self.config = self.config.replace(**changes)
        c = self.config
        g_seq, d_seq, data_seq, noise_seq, sample_seq = np.random.SeedSequence(self.seed).spawn(5)
        self.G = Generator(c.Z_DIM, c.G_HIDDEN, c.X_DIM, rng=np.random.default_rng(g_seq))
        self.D = Discriminator(c.X_DIM, c.D_HIDDEN, leaky_slope=c.leaky_slope, rng=np.random.default_rng(d_seq))
        self.G_ema = self.G.copy() if c.ema is not None else None
        self._data_rng = np.random.default_rng(data_seq)
        self._noise_rng = np.random.default_rng(noise_seq)
        self._sample_seq = sample_seq
        self._real = _Stream(lambda k: sample_sines(k, self._data_rng, c.X_DIM))
        self._noise = _Stream(lambda k: self._noise_rng.standard_normal((k, c.Z_DIM)))
        self._make_optimizers()
        self.history = History()
        self.iteration = 0
        return self

    def _make_optimizers(self):
        c = self.config
        self._optimizer_name = c.optimizer
        self.opt_G = make_optimizer(c.optimizer, self.G.theta.size, c.adam_beta1, c.adam_beta2)
        self.opt_D = make_optimizer(c.optimizer, self.D.theta.size, c.adam_beta1, c.adam_beta2)

    def set(self, **changes):
        """Change hyperparameters for the next step (validated; architecture needs ``reset``)."""
        arch = [k for k in changes if k in ARCHITECTURE_FIELDS and changes[k] != getattr(self.config, k)]
        if arch:
            raise ValueError(f"{', '.join(arch)} change(s) the networks' shapes: call reset({arch[0]}=...) instead")
        checked = {k: check_value(k, v) for k, v in changes.items()}
        for k, v in checked.items():
            setattr(self.config, k, v)
        if self.config.optimizer != self._optimizer_name:
            self._make_optimizers()
        for opt in (self.opt_G, self.opt_D):
            if hasattr(opt, "beta1"):
                opt.beta1, opt.beta2 = self.config.adam_beta1, self.config.adam_beta2
        if self.config.ema is None:
            self.G_ema = None  # sampling falls back to G itself
        elif self.G_ema is None:
            self.G_ema = self.G.copy()
        return self

    # -------------------------------------------------------------- training
    def _update(self, net, opt, step_size, grad_clip, weight_clip):
        norms = clip_gradient_norms(net.weight_grad_views, grad_clip)
        opt.step(net.theta, net.grad, step_size)
        if weight_clip is not None:
            clip_weights(net.theta, weight_clip)
        return norms

    def step(self):
        """One iteration of the three steps (module docstring); returns its history row."""
        c = self.config
        G, D = self.G, self.D
        n = c.batch_size
        scale = max(0.0, 1.0 - self.iteration / c.ITER_NUM) if c.lr_decay == "linear" else 1.0
        lr_D, lr_G = c.step_size_D * scale, c.step_size_G * scale
        gclip, wclip = c.GRADIENT_CLIP, c.WEIGHT_CLIP

        # 1. D on real samples, target 1: dBCE/da = (p - 1) / n
        inv_n = 1.0 / n
        p_real = D.forward(self._real.take(n))
        D.backward_preactivation((p_real - 1.0) * inv_n, input_grad=False)
        nr = self._update(D, self.opt_D, lr_D, gclip, wclip)

        # 2. D on fake samples, target 0: dBCE/da = p / n
        x_fake = G.forward(self._noise.take(n))
        p_fake = D.forward(x_fake)
        D.backward_preactivation(p_fake * inv_n, input_grad=False)
        nf = self._update(D, self.opt_D, lr_D, gclip, wclip)

        # 3. G through the (updated, now fixed) D on the same fakes
        p_gen = D.forward(x_fake)
        dx = D.backward_preactivation(generator_logit_grad(p_gen, c.g_loss), param_grads=False)
        G.backward(dx, input_grad=False)
        ng = self._update(G, self.opt_G, lr_G, gclip, wclip)
        if self.G_ema is not None:
            ema = self.G_ema.theta
            ema *= c.ema
            ema += (1.0 - c.ema) * G.theta

        d_real, d_fake, d_gen = _mean(p_real), _mean(p_fake), _mean(p_gen)
        if n == 1:
            losses = (_log_loss(d_real), _log_loss(1.0 - d_fake))
            loss_G = _log_loss(d_gen) if c.g_loss == "non_saturating" else -_log_loss(1.0 - d_gen)
        else:
            losses = (_bce_mean(p_real, True), _bce_mean(p_fake, False))
            loss_G = _bce_mean(p_gen, True) if c.g_loss == "non_saturating" else -_bce_mean(p_gen, False)
        self.iteration += 1
        if not math.isfinite(d_real + d_fake + d_gen + loss_G):
            raise FloatingPointError(
                f"training diverged at iteration {self.iteration}: D or G produced a non-finite value "
                f"with step_size_D={c.step_size_D}, step_size_G={c.step_size_G}, GRADIENT_CLIP={gclip}, "
                f"WEIGHT_CLIP={wclip}, batch_size={n}, optimizer={c.optimizer!r}")
        n_w = len(D.weight_grad_views)
        row = (self.iteration, losses[0], losses[1], loss_G, d_real, d_fake,
               0.5 * (nr[0] + nf[0]), 0.5 * (nr[1] + nf[1]), ng[0], ng[1],
               (nr[2] + nf[2]) / (2 * n_w), ng[2] / len(G.weight_grad_views), lr_D, lr_G)
        self.history.append(row)
        return row

    def train(self, iterations=None, progress=False, callback=None, callback_every=1000):
        """Run ``iterations`` more iterations (default: until ``ITER_NUM`` is reached).

        ``progress=True`` shows a tqdm bar; ``callback(trainer)`` is called every
        ``callback_every`` iterations. Returns ``self``.
        """
        if iterations is None:
            iterations = max(self.config.ITER_NUM - self.iteration, 0)
        if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)) or iterations < 0:
            raise ValueError(f"iterations must be an integer >= 0, got {iterations!r}")
        if isinstance(callback_every, bool) or not isinstance(callback_every, (int, np.integer)) or callback_every < 1:
            raise ValueError(f"callback_every must be an integer >= 1, got {callback_every!r}")
        bar = None
        if progress:
            from tqdm.auto import tqdm
            bar = tqdm(total=int(iterations), unit="it", mininterval=0.5)
        tick = max(1, iterations // 100)
        step = self.step
        try:
            for k in range(1, int(iterations) + 1):
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
        """The generator used for sampling: the weight average if ``ema`` is on, else G."""
        return self.G_ema if self.G_ema is not None else self.G

    def generate(self, z):
        """``G(z)`` for noise ``z`` of shape ``(n, Z_DIM)`` (the sampling generator)."""
        z = np.asarray(z, dtype=float)
        if z.ndim != 2 or z.shape[1] != self.config.Z_DIM:
            raise ValueError(f"z must have shape (n, Z_DIM={self.config.Z_DIM}), got {z.shape}")
        return self.sampler.forward(z).copy()

    def sample(self, n, rng=None):
        """``n`` generated signals, shape ``(n, X_DIM)``, from ``z ~ N(0, I)``.

        Without ``rng`` the noise comes from a generator fixed by the run's
        seed, so the same run always gives the same samples.
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n must be an integer >= 1, got {n!r}")
        rng = np.random.default_rng(self._sample_seq) if rng is None else rng
        return self.generate(rng.standard_normal((int(n), self.config.Z_DIM)))

    def evaluate(self, n=1000):
        """Quality of ``n`` samples: ``gan_core.metrics.evaluate(self.sample(n))``."""
        from .metrics import evaluate
        return evaluate(self.sample(n))

    def save(self, path):
        """Save parameters, config and history to ``path`` (``.npz``); see ``gan_core.persistence``."""
        from .persistence import save_run
        return save_run(self, path)

    def __repr__(self):
        return f"Trainer(seed={self.seed}, iteration={self.iteration}, config={self.config})"


def _bce_mean(p, real):
    q = np.clip(p, EPS, 1.0 - EPS)
    return float(-np.log(q if real else 1.0 - q).mean())


def train(recipe="book", seed=0, iterations=None, progress=False, **overrides):
    """Build a ``Trainer`` for ``recipe`` (``"book"`` or ``"recommended"``) with
    ``overrides``, train it for ``iterations`` (default ``ITER_NUM``) and return it."""
    return Trainer(recipe=recipe, seed=seed, **overrides).train(iterations, progress=progress)
