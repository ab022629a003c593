"""The live run: a widget-free object that trains frame by frame and takes settings.

:class:`LiveRun` holds a :class:`gan_core.Trainer` and what the dashboard shows
about it. ``train_frame(n)`` trains ``n`` iterations (``Trainer.train``) and
keeps one point per frame (the mean of its iterations); ``apply(name, value)``
hands one setting to the trainer and answers with a :class:`Verdict`:
``accepted`` (the next step uses it), ``refused`` (nothing changed; the message
says why) or ``restarted`` (a new run: a recipe, seed or architecture change);
``view()`` gathers what one picture needs. Nothing here imports a widget or a
figure, so tests drive it directly.

Who learns (``learn``): the dashboard's ``both`` / ``D only`` / ``G only`` is
the trainer's ``Config.learn`` (``"both"``, ``"D"``, ``"G"``). A frozen player
takes no step at all: its weights and its optimizer's moments stay exactly as
they were, and its step size reads 0 in the history while it rests.
"""
import math
from typing import NamedTuple

import numpy as np

from .. import metrics
from .._checks import MAX_SEED, check_seed
from ..config import ARCHITECTURE_FIELDS, LIVE_FIELDS
from ..data import SINE_RANGES, sample_sines
from ..errata import ERRATA
from ..experiments.probes import discriminator_scores
from ..history import COLUMNS, History
from .settings import (DEFAULT_QUALITY_EVERY, EMA_DEFAULT, LEARN_MODES, PRESETS, VIEW_SETTINGS, check_view_setting, format_value,
                       preset_config)

_COL = {name: k for k, name in enumerate(COLUMNS)}
#: The step size the history records for a frozen player.
FROZEN_STEP = 0.0
#: The dashboard's ``learn`` modes as the trainer's ``Config.learn`` values.
TRAINER_LEARN = {"both": "both", "D only": "D", "G only": "G"}
#: The (freq, mult) plane of D's heat map, and the phases its ideal sines are averaged over.
HEAT_FREQ = np.linspace(0.0, math.pi, 49)[1:]
HEAT_MULT = np.linspace(0.0, 1.2, 25)
HEAT_X0 = np.linspace(*SINE_RANGES["x0"], 3)
SERIES = ("it", "loss_D", "loss_G", "D_real", "D_fake", "gD", "gDc", "gG", "gGc", "clipD", "clipG")


def parse_seed(value):
    """A seed typed into the seed box (text such as ``" 42 "``) or given as an integer:
    an integer in ``[0, 2**63 - 1]``, else ``ValueError`` with that range."""
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit() or not text.isascii() or len(text) > 19:
            raise ValueError(f"seed must be an integer in [0, {MAX_SEED}], got {value!r}")
        value = int(text)
    return check_seed("seed", value)


class Verdict(NamedTuple):
    """The answer to one setting: ``kind`` is ``"accepted"``, ``"refused"`` or
    ``"restarted"`` (``"unchanged"`` when the value was already set); ``message``
    is the sentence the status line shows."""

    kind: str
    message: str

    @property
    def ok(self):
        """True unless the setting was refused."""
        return self.kind != "refused"


class FrameView(NamedTuple):
    """What one picture shows: generated ``samples`` (fixed noise) and their sine fit
    ``fit`` ({x0, freq, mult, rmse}), D's ``scores`` of those samples, D's ``heat`` map
    over (``HEAT_MULT``, ``HEAT_FREQ``), the per-frame ``series``, the ``quality`` series,
    the clip totals ``clip_totals`` (D, G, rows) and the ``iteration``."""

    samples: object
    fit: object
    scores: object
    heat: object
    series: dict
    quality: dict
    clip_totals: tuple
    iteration: int


class LiveRun:
    """A training run that the dashboard drives (see the module docstring).

    ``LiveRun(recipe="book", seed=0, quality_every=20, quality_samples=200, n_show=50,
    history_limit=200_000, **overrides)``; ``recipe`` is one of :data:`PRESETS`,
    ``overrides`` are hyperparameters changed from the preset.
    """

    def __init__(self, recipe="book", seed=0, *, quality_every=DEFAULT_QUALITY_EVERY, quality_samples=200, n_show=50,
                 history_limit=200_000, **overrides):
        for name, value, lo in (("quality_every", quality_every, 1), ("quality_samples", quality_samples, 10),
                                ("n_show", n_show, 1), ("history_limit", history_limit, 1000)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
                raise ValueError(f"{name} must be an integer >= {lo}, got {value!r}")
        self.quality_every = int(quality_every)
        self.quality_samples = int(quality_samples)
        self.n_show = int(n_show)
        self.history_limit = int(history_limit)
        self.floor = metrics.mmd2_floor(self.quality_samples)
        self.band = metrics.null_bands(self.quality_samples)
        self.real_ref = sample_sines(self.quality_samples, np.random.default_rng(metrics.REFERENCE_SEED))
        self.real_show = sample_sines(self.n_show, np.random.default_rng(7))
        self.learn = "both"
        self._new_trainer(recipe, parse_seed(seed), overrides)

    # ------------------------------------------------------------ the run
    def _new_trainer(self, recipe, seed, overrides=None):
        from ..trainer import Trainer

        config = preset_config(recipe).replace(**(overrides or {}))
        trainer = Trainer(config, seed=seed)
        self.recipe, self.trainer = recipe, trainer
        self._freeze()
        self.clear()

    def clear(self):
        """Forget the series (a new run starts): no frames, one quality point at iteration 0."""
        self.series = {k: [] for k in SERIES}
        self.quality = {"it": [], "valid": [], "mmd2": []}
        self.last = None
        self.clip_totals = [0.0, 0.0, 0]
        self.frame_count = 0
        self.measure_quality()

    def reset(self):
        """A new run of the current preset with the current seed (the Reset button); every setting goes back."""
        self._new_trainer(self.recipe, self.trainer.seed)
        return Verdict("restarted", f"reset to the {self.recipe!r} preset: a new run from the beginning")

    @property
    def config(self):
        """The trainer's settings (a frozen player keeps its step size; ``learn`` says who rests)."""
        return self.trainer.config

    def setting(self, name):
        """The current value of setting ``name`` (a trainer field, or ``chunk``-free view fields ``learn``)."""
        if name == "learn":
            return self.learn
        return getattr(self.trainer.config, name)

    # ------------------------------------------------------------ settings
    def apply(self, name, value):
        """Hand one setting to the run; returns its :class:`Verdict` (never raises for a bad value).

        ``name`` is a live hyperparameter (the next step uses it), ``learn``, ``errata``
        (a tuple of names, ``"all"`` or ``()``), ``recipe``, ``seed`` or an architecture
        field (these three start a new run).
        """
        try:
            if name == "recipe":
                preset_config(value)
                seed = self.trainer.seed
                self._new_trainer(value, seed)
                return Verdict("restarted", f"preset {value!r} loaded: new networks and settings, training "
                                            f"starts again from scratch")
            if name == "seed":
                seed = parse_seed(value)
                if seed == self.trainer.seed:
                    return Verdict("unchanged", f"seed {seed} already")
                self.trainer.reset(seed=seed)
                self.clear()
                return Verdict("restarted", f"seed {seed}: a new run with the same settings, from the beginning")
            if name in ARCHITECTURE_FIELDS:
                self.trainer.reset(**{name: value})
                self.clear()
                return Verdict("restarted", f"{name} is now {format_value(getattr(self.trainer.config, name))}: "
                                            f"that changes the networks' shapes, so new networks were built and "
                                            f"training starts again from scratch")
            if name == "learn":
                self.learn = check_view_setting("learn", value)
                self._freeze()
                who = {"both": "both players learn", "D only": "only D learns (G is frozen)",
                       "G only": "only G learns (D is frozen)"}[self.learn]
                return Verdict("accepted", f"learn = {self.learn}: {who} from the next training step on")
            if name in VIEW_SETTINGS:
                raise ValueError(f"{name} is a setting of the dashboard, not of the run")
            if name not in LIVE_FIELDS:
                raise ValueError(f"unknown setting {name!r}")
            self.trainer.set(**{name: value})
        except (ValueError, TypeError) as e:
            keep = format_value(self.setting(name)) if name in LIVE_FIELDS or name == "learn" else None
            tail = f". Keeping {name} = {keep}." if keep is not None else ""
            return Verdict("refused", f"refused {name} = {value!r}: {e}{tail}")
        shown = format_value(self.setting(name))
        if name == "errata":
            shown = ", ".join(self.setting(name)) or "none (exact gradients)"
        return Verdict("accepted", f"{name} = {shown} from the next training step on")

    def _freeze(self):
        """Tell the trainer who learns (``Config.learn``)."""
        self.trainer.set(learn=TRAINER_LEARN[self.learn])

    # ------------------------------------------------------------ training
    def train_frame(self, n):
        """Train ``n`` iterations (fewer if ``ITER_NUM`` comes first) and record the frame.

        Returns ``(iterations trained, stop)`` where ``stop`` is None, ``"ITER_NUM"`` (the
        run reached its length) or the divergence message.
        """
        tr, c = self.trainer, self.trainer.config
        if tr.iteration < c.ITER_NUM:
            n = min(n, c.ITER_NUM - tr.iteration)
        kept, tr.history = tr.history, History()
        stop = None
        try:
            tr.train(n)
        except FloatingPointError as e:
            stop = str(e)
        finally:
            rows = tr.history.to_array()
            for row in rows.tolist():
                kept.append(tuple(row))
            tr.history = kept
        if len(kept) > self.history_limit:
            tr.history = History(kept.to_array()[-(self.history_limit // 2):])
        if len(rows):
            self._record(rows)
        self.frame_count += 1
        if stop is None and len(rows) and self.frame_count % self.quality_every == 0:
            self.measure_quality()
        if stop is None and len(rows) and tr.iteration == c.ITER_NUM:
            stop = "ITER_NUM"
        return len(rows), stop

    def _record(self, rows):
        m = rows.mean(axis=0)
        s = self.series
        s["it"].append(rows[-1, _COL["iteration"]])
        s["loss_D"].append(m[_COL["loss_D_real"]] + m[_COL["loss_D_fake"]])
        for key, col in (("loss_G", "loss_G"), ("D_real", "D_real"), ("D_fake", "D_fake"), ("gD", "grad_norm_D"),
                         ("gDc", "grad_norm_D_clipped"), ("gG", "grad_norm_G"), ("gGc", "grad_norm_G_clipped"),
                         ("clipD", "clipped_D"), ("clipG", "clipped_G")):
            s[key].append(m[_COL[col]])
        t = self.clip_totals
        t[0] += rows[:, _COL["clipped_D"]].sum()
        t[1] += rows[:, _COL["clipped_G"]].sum()
        t[2] += len(rows)
        self.last = {"rows": len(rows), "step_size_G": rows[-1, _COL["step_size_G"]],
                     "step_size_D": rows[-1, _COL["step_size_D"]], **{k: s[k][-1] for k in s}}

    def measure_quality(self):
        """Share of valid sines and MMD2 of ``quality_samples`` samples (fixed noise) against a
        fixed real set, appended to ``quality`` (``metrics.valid_fraction``, ``metrics.mmd2``)."""
        try:
            x = self.trainer.sample(self.quality_samples)
        except (ValueError, FloatingPointError):
            return
        if not np.isfinite(x).all():
            return
        q = self.quality
        q["it"].append(self.trainer.iteration)
        q["valid"].append(metrics.valid_fraction(x))
        q["mmd2"].append(metrics.mmd2(x, self.real_ref))

    # ------------------------------------------------------------ the view
    def view(self, top=True):
        """A :class:`FrameView` of the run as it is now: the series, and with ``top`` (the default)
        the samples, their fit, D's scores and the heat map (None without ``top``: the picture
        keeps its top row as it was, which saves computing and drawing them)."""
        tr = self.trainer
        samples = fit = scores = heat = None
        if top and tr.diverged is None:
            samples = tr.sample(self.n_show)
            if np.isfinite(samples).all():
                fit = metrics.fit_sines(samples)
                scores = tr.D.forward(samples)[:, 0].copy()
                heat = self.heat_map()
        return FrameView(samples, fit, scores, heat, self.series, self.quality, tuple(self.clip_totals),
                         tr.iteration)

    def heat_map(self):
        """D's mean output on ideal sines ``mult sin(x0 + freq i)``, shape ``(len(HEAT_MULT), len(HEAT_FREQ))``,
        averaged over the real phases ``HEAT_X0`` (``experiments.discriminator_scores``)."""
        d = discriminator_scores(self.trainer.D, HEAT_X0, HEAT_FREQ, HEAT_MULT, x_dim=self.trainer.config.X_DIM)
        return d.mean(axis=0).T

    @property
    def errata(self):
        """The chapter's errors switched on, in :data:`gan_core.errata.ERRATA` order."""
        return tuple(e for e in ERRATA if e in self.trainer.config.errata)


__all__ = ["LiveRun", "Verdict", "FrameView", "parse_seed", "FROZEN_STEP", "PRESETS", "EMA_DEFAULT",
           "LEARN_MODES"]
