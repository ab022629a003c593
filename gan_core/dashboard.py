"""A live training dashboard: move a slider and watch the game change while it trains.

``Dashboard()`` builds ipywidgets controls around a :class:`gan_core.Trainer` and
draws what the run does, frame by frame::

    from gan_core.dashboard import Dashboard
    dash = Dashboard(recipe="book", seed=0)
    dash                       # last expression of a cell (or display(dash))

How it stays responsive. Training runs in *frames*: one frame trains ``chunk``
iterations, then redraws. The Play button is an ``ipywidgets.Play`` whose value
the browser increments every ``interval`` ms; each increment asks the kernel for
one frame, and between frames the kernel is idle, so a slider change is handled
at once and the very next training step uses it. (The widget front end keeps at
most one update per widget in flight, so ticks that arrive while a frame is
being computed merge into one instead of piling up.) This works the same in
JupyterLab and in Voila (``make dashboard``); nothing runs in a background thread.

Controls (``dash.controls[name]``; every one acts at once):

* ``play`` - Play / Pause: trains frame after frame. Its stop button pauses.
  Play pauses by itself when the run reaches the recipe's ``ITER_NUM`` (press
  Play again to go on) or when training diverges.
* ``step`` - trains one frame (``chunk`` iterations) and redraws.
* ``reset`` - back to the selected recipe's settings (every control, the
  architecture too) and a new run from iteration 0 with the current seed.
* ``step_size_G``, ``step_size_D`` - log-scale sliders; the next training step
  uses the new value (``Trainer.set``), the run goes on. On any of the four
  log sliders an arrow key multiplies or divides the value by sqrt(10), so two
  presses make it ten times larger.
* ``GRADIENT_CLIP`` - log-scale slider: each weight matrix's gradient is
  rescaled to at most this norm. ``GRADIENT_CLIP_on`` switches it on or off.
* ``WEIGHT_CLIP`` - log-scale slider: every parameter is clipped to
  ``[-WEIGHT_CLIP, WEIGHT_CLIP]`` after each update. ``WEIGHT_CLIP_on`` switches
  it on or off.
* ``batch_size`` - samples per step (live), ``optimizer`` - ``sgd`` or ``adam``
  (live; switching starts the new optimizer's state from zero).
* ``recipe`` - ``book`` or ``recommended``: loads that preset and restarts.
* ``seed`` - a new run from iteration 0 with the same settings.
* ``Z_DIM``, ``G_HIDDEN``, ``D_HIDDEN`` - noise size and the width of both
  hidden layers of G and D: they change the networks' shapes, so the run
  restarts from iteration 0, and the status line says so.
* ``chunk`` - iterations per frame (does not change the run, only how often
  it is drawn).

A value the trainer cannot use (a step size of 0, a NaN clip, a value off the
slider's range) is refused: the status line shows why in red and the trainer
and the control keep their previous value.

Views (one picture, redrawn every frame): 50 generated samples (fixed noise,
so you see the same curves move) over 50 real ones; D's and G's losses; D's
mean output on real and on fake samples; gradient norms of D and G before and
after clipping; the share of weight-gradient updates that clipping rescaled;
the quality of 200 samples (share of valid sines, and MMD2 against the
real-vs-real noise floor), evaluated every ``quality_every`` frames. Every
curve point is the mean over one frame's iterations. Above the picture, a
readout starts with ``iteration N`` and lists the settings the next step uses
and the ones the last frame used.

Attributes: ``trainer`` (the :class:`gan_core.Trainer`; replaced on a preset
change or Reset), ``controls`` (name -> widget), ``widget`` (the whole
dashboard, an ``ipywidgets.VBox``), ``image`` (the ``ipywidgets.Image``),
``figure`` (the matplotlib figure, drawn off-screen with Agg).

Driving it from code (tests, checked notebook cells): ``dash.step()``,
``dash.tick()`` (what one Play tick does), ``dash.set(step_size_D=0.1)`` or
``dash.controls["step_size_D"].value = 0.1``, ``dash.reset()``,
``dash.frame_count``, ``dash.readout_text``, ``dash.status_text``,
``dash.summary()``, ``dash.png`` (the last picture), ``dash.timings``.
"""
import html
import io
import math
import time

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator
from traitlets import validate

from . import metrics
from ._checks import MAX_SEED, check_seed
from .config import check_value
from .data import sample_sines
from .history import COLUMNS, History
from .recipes import RECIPES, get_recipe
from .trainer import Trainer

__all__ = ["Dashboard"]

_COL = {name: k for k, name in enumerate(COLUMNS)}

#: Slider ranges as (log10 min, log10 max). The sliders have no step grid (a
#: grid would move a preset value such as 0.25 to the nearest grid point as soon
#: as the browser draws the slider); an arrow key moves a tenth of the range,
#: i.e. half a decade (x 3.16), so two presses make a value ten times larger.
LOG_RANGES = {
    "step_size_G": (-4.0, 1.0),
    "step_size_D": (-4.0, 1.0),
    "GRADIENT_CLIP": (-3.0, 2.0),
    "WEIGHT_CLIP": (-2.0, 3.0),
}
#: Values a clip slider shows while its switch is off and the preset has no clip.
CLIP_DEFAULTS = {"GRADIENT_CLIP": 0.2, "WEIGHT_CLIP": 0.25}
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)
Z_DIMS = (1, 2, 3, 4, 5, 8)
HIDDEN_WIDTHS = (4, 8, 10, 16, 32, 64)
CHUNKS = (50, 100, 200, 300, 500, 1000, 2000)
ARCH_CONTROLS = ("Z_DIM", "G_HIDDEN", "D_HIDDEN")
LIVE_SLIDERS = ("step_size_G", "step_size_D", "GRADIENT_CLIP", "WEIGHT_CLIP")
CLIPS = ("GRADIENT_CLIP", "WEIGHT_CLIP")
#: Controls that ``Dashboard.set`` accepts.
SETTABLE = LIVE_SLIDERS + ("batch_size", "optimizer", "recipe", "seed", "chunk") + ARCH_CONTROLS

_GEN_COLOR = "#1f77b4"
_REAL_COLOR = "#9a9a9a"
_D_COLOR = "#d62728"
_G_COLOR = "#1f77b4"


class _LogSlider(W.FloatLogSlider):
    """A ``FloatLogSlider`` that refuses bad values instead of clamping them.

    The stock slider silently turns a step size of 0 into its minimum and lets
    NaN through. Here every proposed value goes to ``self.refuse(value)`` (set
    by the dashboard): if it returns a reason, the value is refused, the
    slider keeps its value and no change is sent anywhere.
    """

    refuse = None

    @validate("value")
    def _validate_value(self, proposal):
        value = proposal["value"]
        if self.refuse is not None and self.refuse(value):
            return self.value
        return value


def _fmt(v):
    """Short form of a hyperparameter value for the readout."""
    if v is None:
        return "off"
    if isinstance(v, float):
        return f"{v:.3g}"
    if isinstance(v, tuple):
        return "x".join(map(str, v))
    return str(v)


def _nice_up(v):
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is >= ``v`` (``v`` > 0)."""
    e = 10.0 ** math.floor(math.log10(v))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * e >= v * (1 - 1e-12):
            return m * e
    return 10.0 * e


def _k_format(x, _pos=None):
    """Iteration tick labels: 0, 500, 5k, 12.5k."""
    return f"{x / 1000:g}k" if abs(x) >= 1000 else f"{x:g}"


def _option_values(ctl):
    """The values (not labels) a selection widget offers."""
    return tuple(ctl._options_values)


def _with(options, value):
    """``options`` with ``value`` added (sorted), so a dropdown can show it."""
    return tuple(sorted(set(options) | {value}))


def parse_seed(value):
    """A seed typed into the seed box (text such as ``" 42 "``) or given as an integer:
    an integer in ``[0, 2**63 - 1]``, else ``ValueError`` with that range."""
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit() or not text.isascii() or len(text) > 19:
            raise ValueError(f"seed must be an integer in [0, {MAX_SEED}], got {value!r}")
        value = int(text)
    return check_seed("seed", value)


class Dashboard:
    """Live GAN training with sliders; see the module docstring for every control.

    Parameters
    ----------
    recipe : ``"book"`` or ``"recommended"``, the preset loaded at start and by Reset.
    seed : integer >= 0, the run's seed (a control too).
    chunk : iterations per frame (default 300; a control too).
    interval : ms between two Play ticks (default 100, i.e. at most 10 frames/s).
    quality_every : evaluate sample quality every this many frames (default 10).
    quality_samples : samples per quality evaluation (default 200).
    n_show : generated and real samples drawn (default 50).
    width, height, dpi : size of the picture in inches and its resolution.
    history_limit : the trainer's history keeps at most this many rows (the
        oldest half is dropped when it is exceeded), so a long Play stays small.
    **overrides : hyperparameters changed from the preset at start, e.g.
        ``step_size_D=0.1`` (Reset goes back to the plain preset).
    """

    def __init__(self, recipe="book", seed=0, *, chunk=300, interval=100, quality_every=10,
                 quality_samples=200, n_show=50, width=12.0, height=6.2, dpi=80,
                 history_limit=200_000, **overrides):
        get_recipe(recipe)  # validates the name
        for name, value, lo in (("chunk", chunk, 1), ("interval", interval, 10), ("quality_every", quality_every, 1),
                                ("quality_samples", quality_samples, 10), ("n_show", n_show, 1),
                                ("history_limit", history_limit, 1000)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
                raise ValueError(f"{name} must be an integer >= {lo}, got {value!r}")
        self.quality_every = int(quality_every)
        self.quality_samples = int(quality_samples)
        self.n_show = int(n_show)
        self.history_limit = int(history_limit)
        self.trainer = Trainer(recipe=recipe, seed=seed, **overrides)
        self.frame_count = 0
        self.background_draws = 0
        self.timings = {"train_ms": [], "quality_ms": [], "draw_ms": [], "frame_ms": []}
        self._frame_times = []
        self._status = ("", "info")
        self._busy = False  # True while controls are being set from code (no callbacks)
        self._recipe = recipe
        self._floor = metrics.mmd2_floor(self.quality_samples)
        self._real_ref = sample_sines(self.quality_samples, np.random.default_rng(metrics.REFERENCE_SEED))
        self._real_show = sample_sines(self.n_show, np.random.default_rng(7))
        self._build_widgets(recipe, int(chunk), int(interval))
        self._build_figure(width, height, dpi)
        self._clear_series()
        self._redraw()
        self._update_readout()
        self._message(f"{recipe!r} recipe, seed {self.trainer.seed}: press Play (or Step) to train", "info")

    # ------------------------------------------------------------------ widgets
    def _build_widgets(self, recipe, chunk, interval):
        c = self.trainer.config
        desc = {"description_width": "105px"}
        wide = W.Layout(width="380px")
        ctl = {}
        ctl["play"] = W.Play(value=0, min=0, max=10**9, step=1, interval=interval, show_repeat=False,
                             tooltip="Play / Pause: train frame after frame")
        ctl["step"] = W.Button(description="Step", icon="step-forward", tooltip="train one frame",
                               layout=W.Layout(width="90px"))
        ctl["reset"] = W.Button(description="Reset", icon="undo", tooltip="back to the recipe's settings, a new run",
                                layout=W.Layout(width="90px"))
        ctl["recipe"] = W.Dropdown(options=tuple(RECIPES), value=recipe, description="recipe", style=desc,
                                   layout=W.Layout(width="250px"))
        ctl["seed"] = W.Text(value=str(self.trainer.seed), description="seed", continuous_update=False,
                             style={"description_width": "40px"}, layout=W.Layout(width="130px"))
        ctl["chunk"] = W.Dropdown(options=_with(CHUNKS, chunk), value=chunk, description="iterations/frame",
                                  style={"description_width": "110px"}, layout=W.Layout(width="200px"))
        for name in LIVE_SLIDERS:
            lo, hi = LOG_RANGES[name]
            value = getattr(c, name)
            shown = CLIP_DEFAULTS.get(name) if value is None else value
            lo, hi = min(lo, math.floor(math.log10(shown))), max(hi, math.ceil(math.log10(shown)))
            ctl[name] = _LogSlider(value=shown, base=10, min=lo, max=hi, step=None, description=name,
                                   readout_format=".3g", style=desc, layout=wide,
                                   disabled=value is None)
        for name in ("GRADIENT_CLIP", "WEIGHT_CLIP"):
            ctl[name + "_on"] = W.Checkbox(value=getattr(c, name) is not None, description="on", indent=False,
                                           tooltip=f"switch {name} on or off", layout=W.Layout(width="60px"))
        ctl["batch_size"] = W.SelectionSlider(options=_with(BATCH_SIZES, c.batch_size), value=c.batch_size,
                                              description="batch_size", style=desc, layout=wide)
        ctl["optimizer"] = W.Dropdown(options=("sgd", "adam"), value=c.optimizer, description="optimizer",
                                      style={"description_width": "70px"}, layout=W.Layout(width="170px"))
        ctl["Z_DIM"] = W.Dropdown(options=_with(Z_DIMS, c.Z_DIM), value=c.Z_DIM, description="Z_DIM",
                                  style=desc, layout=W.Layout(width="200px"))
        for name in ("G_HIDDEN", "D_HIDDEN"):
            ctl[name] = W.Dropdown(options=self._hidden_options(getattr(c, name)), value=getattr(c, name),
                                   description=name, style={"description_width": "75px"},
                                   layout=W.Layout(width="185px"))
        self.controls = ctl

        ctl["play"].observe(self._on_play, names="value")
        ctl["step"].on_click(lambda _b: self.step())
        ctl["reset"].on_click(lambda _b: self.reset())
        ctl["recipe"].observe(self._on_recipe, names="value")
        ctl["seed"].observe(self._on_seed, names="value")
        ctl["chunk"].observe(self._on_chunk, names="value")
        for name in LIVE_SLIDERS:
            ctl[name].refuse = lambda value, name=name: self._refusal(name, value)
        for name in LIVE_SLIDERS + ("batch_size", "optimizer"):
            ctl[name].observe(lambda change, name=name: self._on_live(name, change), names="value")
        for name in CLIPS:
            ctl[name + "_on"].observe(lambda change, name=name: self._on_switch(name, change), names="value")
        for name in ARCH_CONTROLS:
            ctl[name].observe(lambda change, name=name: self._on_arch(name, change), names="value")

        self._readout = W.HTML(layout=W.Layout(margin="4px 0 0 6px"))
        self._status_w = W.HTML(layout=W.Layout(margin="0 0 0 6px", min_height="22px"))
        self.image = W.Image(format="png", layout=W.Layout(width="100%", max_width="1100px"))
        arch_note = W.HTML("<span style='color:#666'>architecture: changing it restarts the run</span>",
                           layout=W.Layout(margin="0 0 0 10px"))
        self.widget = W.VBox([
            W.HBox([ctl["play"], ctl["step"], ctl["reset"], ctl["recipe"], ctl["seed"], ctl["chunk"]]),
            W.HBox([ctl["step_size_G"], ctl["step_size_D"]]),
            W.HBox([ctl["GRADIENT_CLIP"], ctl["GRADIENT_CLIP_on"], ctl["WEIGHT_CLIP"], ctl["WEIGHT_CLIP_on"]]),
            W.HBox([ctl["batch_size"], ctl["optimizer"]]),
            W.HBox([ctl["Z_DIM"], ctl["G_HIDDEN"], ctl["D_HIDDEN"], arch_note]),
            self._readout,
            self._status_w,
            self.image,
        ], layout=W.Layout(max_width="1120px"))
        self.widget.add_class("gan-dashboard")

    @staticmethod
    def _hidden_options(current, extra=()):
        """(label, widths) pairs for a hidden-size dropdown, including ``current``."""
        values = {(w, w) for w in HIDDEN_WIDTHS} | set(extra) | {current}
        return [(" x ".join(map(str, v)), v) for v in sorted(values, key=lambda v: (sum(v), v))]

    def _display_config(self):
        """Set every control from the trainer's config, without triggering callbacks."""
        c, ctl = self.trainer.config, self.controls
        self._busy = True
        try:
            for name in LIVE_SLIDERS:
                value = getattr(c, name)
                if value is not None:
                    s = ctl[name]
                    lg = math.log10(value)
                    with s.hold_sync():
                        s.min, s.max = min(s.min, math.floor(lg)), max(s.max, math.ceil(lg))
                        s.value = value
                ctl[name].disabled = value is None
            for name in ("GRADIENT_CLIP", "WEIGHT_CLIP"):
                ctl[name + "_on"].value = getattr(c, name) is not None
            ctl["batch_size"].options = _with(BATCH_SIZES, c.batch_size)
            ctl["batch_size"].value = c.batch_size
            ctl["optimizer"].value = c.optimizer
            ctl["Z_DIM"].options = _with(Z_DIMS, c.Z_DIM)
            ctl["Z_DIM"].value = c.Z_DIM
            for name in ("G_HIDDEN", "D_HIDDEN"):
                ctl[name].options = self._hidden_options(getattr(c, name))
                ctl[name].value = getattr(c, name)
            ctl["seed"].value = str(self.trainer.seed)
            ctl["recipe"].value = self._recipe
        finally:
            self._busy = False

    # ---------------------------------------------------------------- callbacks
    def _on_play(self, change):
        # A Play tick raises the value by one. The stop button sends it back to
        # 0, which only pauses; a tick that arrives after a pause is ignored.
        if self._busy or change["new"] <= change["old"] or not self.controls["play"].playing:
            return
        self._frame()

    def _refusal(self, name, value):
        """Why ``value`` cannot go on slider ``name`` (shown in the status line), or None if it can."""
        if self._busy:
            return None
        ctl = self.controls[name]
        try:
            v = check_value(name, value)
            if v is None:
                raise ValueError(f"{name} must be a number (switch the clip off with its 'on' box)")
            lo, hi = 10.0 ** ctl.min, 10.0 ** ctl.max
            if not lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9):
                raise ValueError(f"{name} must be within this slider's range [{lo:g}, {hi:g}], got {value!r}")
        except (ValueError, TypeError) as e:
            reason = str(e)
            self._message(f"refused {name} = {value!r}: {reason}. Keeping {name} = "
                          f"{_fmt(getattr(self.trainer.config, name))}.", "error")
            return reason
        return None

    def _on_live(self, name, change):
        if self._busy:
            return
        now = getattr(self.trainer.config, name)
        if isinstance(now, float) and math.isclose(change["new"], now, rel_tol=1e-9):
            return  # the browser drew the slider and sent back the same value, up to rounding
        if name in CLIPS and not self.controls[name + "_on"].value:
            self._message(f"{name} slider at {_fmt(change['new'])}; the clip is switched off: tick 'on' to use it",
                          "info")
            return
        self._apply(name, change["new"], change["old"])

    def _on_switch(self, name, change):
        if self._busy:
            return
        slider = self.controls[name]
        value = float(slider.value) if change["new"] else None
        if not self._apply(name, value, None):
            self._set_quietly(change["owner"], change["old"])
            return
        slider.disabled = not change["new"]

    def _on_arch(self, name, change):
        if self._busy:
            return
        try:
            self.trainer.reset(**{name: change["new"]})
        except ValueError as e:
            self._set_quietly(change["owner"], change["old"])
            self._message(f"refused {name} = {_fmt(change['new'])}: {e}", "error")
            return
        self._restart(f"{name} is now {_fmt(getattr(self.trainer.config, name))}: that changes the networks' "
                      f"shapes, so new networks were built and training starts again from scratch")

    def _on_recipe(self, change):
        if self._busy:
            return
        self._recipe = change["new"]
        self.trainer = Trainer(recipe=self._recipe, seed=self.trainer.seed)
        self._display_config()
        self._restart(f"preset {self._recipe!r} loaded: new networks and settings, training starts again "
                      f"from scratch")

    def _on_seed(self, change):
        if self._busy:
            return
        try:
            seed = parse_seed(change["new"])
            if seed == self.trainer.seed:
                return
            self.trainer.reset(seed=seed)
        except ValueError as e:
            self._set_quietly(change["owner"], str(self.trainer.seed))
            self._message(f"refused seed {change['new']!r}: {e}", "error")
            return
        self._restart(f"seed {self.trainer.seed}: a new run with the same settings, from the beginning")

    def _on_chunk(self, change):
        if not self._busy:
            self._update_readout()

    def _set_quietly(self, widget, value):
        self._busy = True
        try:
            widget.value = value
        finally:
            self._busy = False

    # ------------------------------------------------------------ live settings
    def _apply(self, name, value, old):
        """Hand one live setting to the trainer; if it refuses, put the control back and say why."""
        try:
            self.trainer.set(**{name: value})
        except (ValueError, TypeError) as e:
            if old is not None:
                self._set_quietly(self.controls[name], old)
            self._message(f"refused {name} = {value!r}: {e}. Keeping {name} = "
                          f"{_fmt(getattr(self.trainer.config, name))}.", "error")
            self._update_readout()
            return False
        self._message(f"{name} = {_fmt(getattr(self.trainer.config, name))} from the next training step on",
                      "info")
        self._update_readout()
        return True

    def set(self, **changes):
        """Change controls from code, exactly as if the reader moved them.

        ``dash.set(step_size_D=0.1)``, ``dash.set(GRADIENT_CLIP=None)`` (a clip
        set to ``None`` is switched off; a number switches it on),
        ``dash.set(Z_DIM=3)`` (restarts), ``dash.set(recipe="recommended")``.
        Returns True if every value was taken; a refused value leaves the
        trainer and the control as they were and the status line says why.
        """
        ok = True
        for name, value in changes.items():
            if name not in SETTABLE:
                raise ValueError(f"unknown control {name!r}; settable: {', '.join(SETTABLE)}")
            ok = self._set_one(name, value) and ok
        return ok

    def _set_one(self, name, value):
        ctl = self.controls[name]
        if name in CLIPS and value is None:
            self.controls[name + "_on"].value = False
            return getattr(self.trainer.config, name) is None
        if name in LIVE_SLIDERS:
            if self._refusal(name, value):
                return False
            ctl.value = float(value)
            if name in CLIPS and not self.controls[name + "_on"].value:
                self.controls[name + "_on"].value = True
            now = getattr(self.trainer.config, name)
            return now is not None and math.isclose(now, float(value))
        try:
            if name in ("recipe", "optimizer"):
                if value not in _option_values(ctl):
                    raise ValueError(f"{name} must be one of {', '.join(map(repr, _option_values(ctl)))}")
            elif name == "seed":
                value = parse_seed(value)
            elif name == "chunk":
                if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 1 <= value <= 10**5:
                    raise ValueError(f"chunk must be an integer in [1, 100000], got {value!r}")
                value = int(value)
            else:
                value = check_value(name, value)
        except (ValueError, TypeError) as e:
            self._message(f"refused {name} = {value!r}: {e}", "error")
            return False
        if name != "seed" and value not in _option_values(ctl):
            old = ctl.value
            self._busy = True
            try:
                if name in ("G_HIDDEN", "D_HIDDEN"):
                    ctl.options = self._hidden_options(value, extra=_option_values(ctl))
                else:
                    ctl.options = _with(_option_values(ctl), value)
                ctl.value = old
            finally:
                self._busy = False
        if name == "seed":
            ctl.value = str(value)
            return self.trainer.seed == value
        ctl.value = value
        return ctl.value == value

    # ----------------------------------------------------------------- training
    def step(self):
        """Train one frame (``chunk`` iterations) and redraw: the Step button."""
        self._frame()

    def tick(self):
        """What one Play tick does: train one frame and redraw."""
        self._frame()

    def play(self, frames=1):
        """Train ``frames`` frames in a row from code (the browser's Play does the same, one tick at a time)."""
        for _ in range(int(frames)):
            if not self._frame():
                break

    def reset(self):
        """The Reset button: the recipe's settings on every control, a new run from iteration 0."""
        self.trainer = Trainer(recipe=self._recipe, seed=self.trainer.seed)
        self._display_config()
        self._restart(f"reset to the {self._recipe!r} preset: a new run from the beginning")

    def _restart(self, message):
        self._clear_series()
        self._limits = None
        self._message(message, "info")
        self._redraw()

    @property
    def chunk(self):
        """Iterations per frame (the ``chunk`` control)."""
        return int(self.controls["chunk"].value)

    def _frame(self):
        """One frame: train a chunk, maybe measure quality, redraw. False if training stopped."""
        t0 = time.perf_counter()
        tr = self.trainer
        c = tr.config
        n = self.chunk
        if tr.iteration < c.ITER_NUM:
            n = min(n, c.ITER_NUM - tr.iteration)
        rows = []
        step = tr.step
        ok = True
        try:
            for _ in range(n):
                rows.append(step())
        except FloatingPointError as e:
            ok = False
            self._pause()
            self._message(f"{e}. Press Reset (or lower the step sizes and change the seed).", "error")
        t1 = time.perf_counter()
        if rows:
            self._record(np.array(rows, dtype=float))
        if len(tr.history) > self.history_limit:
            keep = self.history_limit // 2
            tr.history = History(tr.history.to_array()[-keep:])
        t2 = t1
        if ok and rows and (self.frame_count + 1) % self.quality_every == 0:
            self._measure_quality()
            t2 = time.perf_counter()
        if ok and rows and tr.iteration == c.ITER_NUM:
            was_playing = self.controls["play"].playing
            self._pause()
            if c.lr_decay == "linear":
                extra = (" Its step sizes have decayed to 0 (lr_decay='linear'), so G and D no longer change"
                         + (" and further iterations only pull the weight average that draws the samples (ema) "
                            "towards G's last weights" if c.ema is not None else "") + ".")
            else:
                extra = " Press Play or Step to go on."
            self._message(f"reached ITER_NUM = {c.ITER_NUM}, the recipe's run length"
                          f"{': paused.' if was_playing else '.'}{extra}", "info")
        self.frame_count += 1
        self._redraw()
        t3 = time.perf_counter()
        tm = self.timings
        tm["train_ms"].append(1e3 * (t1 - t0))
        if t2 > t1:
            tm["quality_ms"].append(1e3 * (t2 - t1))
        tm["draw_ms"].append(1e3 * (t3 - t2))
        tm["frame_ms"].append(1e3 * (t3 - t0))
        for v in tm.values():
            del v[:-200]
        self._frame_times.append(t3)
        del self._frame_times[:-11]
        self._update_readout()
        return ok

    def _pause(self):
        play = self.controls["play"]
        if play.playing:
            play.playing = False

    def _clear_series(self):
        self._series = {k: [] for k in ("it", "loss_D", "loss_G", "D_real", "D_fake", "gD", "gDc", "gG", "gGc",
                                        "clipD", "clipG")}
        self._quality = {"it": [], "valid": [], "mmd2": []}
        self._last = None
        self._clip_totals = [0.0, 0.0, 0]
        self._frame_times = []
        self._measure_quality()

    def _record(self, rows):
        m = rows.mean(axis=0)
        s = self._series
        s["it"].append(rows[-1, _COL["iteration"]])
        s["loss_D"].append(m[_COL["loss_D_real"]] + m[_COL["loss_D_fake"]])
        s["loss_G"].append(m[_COL["loss_G"]])
        s["D_real"].append(m[_COL["D_real"]])
        s["D_fake"].append(m[_COL["D_fake"]])
        s["gD"].append(m[_COL["grad_norm_D"]])
        s["gDc"].append(m[_COL["grad_norm_D_clipped"]])
        s["gG"].append(m[_COL["grad_norm_G"]])
        s["gGc"].append(m[_COL["grad_norm_G_clipped"]])
        s["clipD"].append(m[_COL["clipped_D"]])
        s["clipG"].append(m[_COL["clipped_G"]])
        t = self._clip_totals
        t[0] += rows[:, _COL["clipped_D"]].sum()
        t[1] += rows[:, _COL["clipped_G"]].sum()
        t[2] += len(rows)
        self._last = {"rows": len(rows), "step_size_G": rows[-1, _COL["step_size_G"]],
                      "step_size_D": rows[-1, _COL["step_size_D"]], **{k: s[k][-1] for k in s}}

    def _measure_quality(self):
        """Valid share and MMD2 of ``quality_samples`` samples (fixed noise) against a fixed real set."""
        try:
            x = self.trainer.sample(self.quality_samples)
        except ValueError:
            return
        if not np.isfinite(x).all():
            return
        valid = metrics.valid_fraction(x)
        m2 = metrics.mmd2(x, self._real_ref)
        q = self._quality
        q["it"].append(self.trainer.iteration)
        q["valid"].append(valid)
        q["mmd2"].append(m2)

    # ------------------------------------------------------------------ drawing
    # Speed: text (tick labels, legends, titles) is what costs most in matplotlib.
    # So the frame is drawn in two layers. The background (axes, ticks, labels,
    # legends) is drawn once and kept as a bitmap; every frame restores that
    # bitmap and draws only the "animated" artists (the curves and a few texts)
    # on top. Axis limits grow in steps (1-2-5 for iterations, whole decades on
    # log axes) and never shrink during a run, so the background is redrawn
    # only a handful of times per run.
    def _build_figure(self, width, height, dpi):
        fig = Figure(figsize=(width, height), dpi=dpi)
        self._canvas = FigureCanvasAgg(fig)
        self.figure = fig
        fig.subplots_adjust(left=0.06, right=0.935, bottom=0.09, top=0.915, wspace=0.32, hspace=0.45)
        axs = fig.subplots(2, 3)
        (a_s, a_l, a_d), (a_g, a_c, a_q) = axs
        self._axes = axs
        animated = []
        i = np.arange(self._real_show.shape[1])
        self._x_idx = i
        a_s.add_collection(LineCollection([np.column_stack([i, r]) for r in self._real_show], colors=_REAL_COLOR,
                                          linewidths=1.0, alpha=0.5))
        self._gen = LineCollection([], colors=_GEN_COLOR, linewidths=1.2, alpha=0.7)
        a_s.add_collection(self._gen)
        animated.append(self._gen)
        a_s.set_xlim(0, i[-1])
        a_s.set_ylim(-1.1, 1.1)
        a_s.set_xlabel("i")
        a_s.set_ylabel("x_i")
        a_s.set_title(f"{self.n_show} generated (blue) over {self.n_show} real (grey)", fontsize=10, y=1.0, pad=5)

        def lines(ax, specs):
            out = [ax.plot([], [], color=col, ls=ls, lw=1.5, label=lab)[0] for col, ls, lab in specs]
            animated.extend(out)
            return out

        self._l_loss = lines(a_l, [(_D_COLOR, "-", "D loss (real + fake)"), (_G_COLOR, "-", "G loss")])
        a_l.axhline(2 * math.log(2), color="gray", ls=":", lw=1, label="2 log 2")
        a_l.set_title("losses", fontsize=10, y=1.0, pad=5)
        self._l_dout = lines(a_d, [("#2ca02c", "-", "D(real)"), ("#ff7f0e", "-", "D(fake)")])
        a_d.axhline(0.5, color="gray", ls=":", lw=1)
        a_d.set_ylim(0, 1)
        a_d.set_title("D's mean output", fontsize=10, y=1.0, pad=5)
        self._l_grad = lines(a_g, [(_D_COLOR, ":", "D before clipping"), (_D_COLOR, "-", "D after"),
                                   (_G_COLOR, ":", "G before clipping"), (_G_COLOR, "-", "G after")])
        a_g.set_yscale("log")
        a_g.yaxis.set_minor_locator(NullLocator())
        a_g.set_title("gradient norm (weights of each net)", fontsize=10, y=1.0, pad=5)
        self._l_clip = lines(a_c, [(_D_COLOR, "-", "D"), (_G_COLOR, "-", "G")])
        a_c.set_ylim(-0.02, 1.02)
        self._t_clip = a_c.text(0.5, 1.0 + 5 / 72 / a_c.get_position().height / height, "", fontsize=10,
                                transform=a_c.transAxes, ha="center", va="baseline")
        self._l_valid = lines(a_q, [("#2ca02c", "-", "share of valid sines")])[0]
        self._l_valid.set_marker("o")
        self._l_valid.set_markersize(3)
        a_q.set_ylim(-0.02, 1.02)
        a_q.set_ylabel("share of valid sines", color="#2ca02c", fontsize=9)
        a_m = a_q.twinx()
        self._ax_mmd = a_m
        self._l_mmd = a_m.plot([], [], color="#9467bd", marker="o", ms=3, lw=1.5, label="MMD2")[0]
        animated.append(self._l_mmd)
        a_m.axhline(self._floor["max"], color="#9467bd", ls=":", lw=1.2,
                    label=f"noise floor {self._floor['max']:.2g}")
        a_m.set_yscale("log")
        a_m.yaxis.set_minor_locator(NullLocator())
        a_m.set_ylim(1e-4, 2.0)
        a_m.set_ylabel("MMD2 to real samples", color="#9467bd", fontsize=9)
        self._t_quality = a_q.text(0.5, 1.0 + 5 / 72 / a_q.get_position().height / height, "", fontsize=10,
                                   transform=a_q.transAxes, ha="center", va="baseline")
        self._t_iter = fig.text(0.06, 0.975, "", fontsize=12, fontweight="bold", ha="left", va="center")
        animated += [self._t_clip, self._t_quality, self._t_iter]
        for ax in (a_l, a_d, a_g, a_c, a_q):
            ax.set_xlabel("iteration")
            ax.xaxis.set_major_locator(MaxNLocator(5))
            ax.xaxis.set_major_formatter(FuncFormatter(_k_format))
        a_l.legend(fontsize=7, loc="upper right", framealpha=0.7)
        a_d.legend(fontsize=7, loc="upper right", framealpha=0.7)
        a_g.legend(fontsize=7, loc="upper right", framealpha=0.7, ncol=2)
        a_c.legend(fontsize=7, loc="upper left", framealpha=0.7)
        # the quality panel's two curves are named by their coloured axis labels
        a_m.text(0.98, self._floor["max"] * 1.25, f"noise floor {self._floor['max']:.2g}", color="#9467bd",
                 fontsize=7, ha="right", va="bottom", transform=a_m.get_yaxis_transform())
        for ax in list(axs.flat) + [a_m]:
            ax.tick_params(labelsize=8)
        for art in animated:
            art.set_animated(True)
        self._animated = animated
        self._limits = None
        self._background = None

    def _wanted_limits(self):
        """Axis limits that hold the data: grown in steps, never shrunk within a run."""
        s = self._series
        old = self._limits or {"x": 0.0, "loss": (0.0, 2.0), "grad": (-3, 1)}
        x = _nice_up(max(float(s["it"][-1]) if s["it"] else 0.0, float(self.trainer.iteration), 2000.0))
        lo, hi = old["loss"]
        vals = np.asarray(s["loss_D"] + s["loss_G"], dtype=float)
        vals = vals[np.isfinite(vals)]
        if vals.size:
            if vals.max() > hi:
                hi = _nice_up(1.1 * vals.max())
            if vals.min() < lo:
                lo = -_nice_up(-1.1 * vals.min())
        glo, ghi = old["grad"]
        g = np.asarray(s["gD"] + s["gDc"] + s["gG"] + s["gGc"], dtype=float)
        g = g[np.isfinite(g) & (g > 0)]
        if g.size:
            glo = min(glo, math.floor(math.log10(g.min())))
            ghi = max(ghi, math.ceil(math.log10(g.max())))
        return {"x": max(x, old["x"]), "loss": (lo, hi), "grad": (max(glo, -12), min(ghi, 12))}

    def _draw_background(self, limits):
        (a_s, a_l, a_d), (a_g, a_c, a_q) = self._axes
        for ax in (a_l, a_d, a_g, a_c, a_q):
            ax.set_xlim(0, limits["x"])
        a_l.set_ylim(*limits["loss"])
        a_g.set_ylim(10.0 ** limits["grad"][0], 10.0 ** limits["grad"][1])
        self._canvas.draw()
        self._background = self._canvas.copy_from_bbox(self.figure.bbox)
        self._limits = limits
        self.background_draws += 1

    def _redraw(self):
        """Put the run's current state into the picture (``self.png``) and the Image widget."""
        s, q = self._series, self._quality
        x = self.trainer.sample(self.n_show)
        if np.isfinite(x).all():
            self._gen.set_segments([np.column_stack([self._x_idx, r]) for r in x])
        it = np.asarray(s["it"])
        for line, key in zip(self._l_loss, ("loss_D", "loss_G")):
            line.set_data(it, s[key])
        for line, key in zip(self._l_dout, ("D_real", "D_fake")):
            line.set_data(it, s[key])
        for line, key in zip(self._l_grad, ("gD", "gDc", "gG", "gGc")):
            line.set_data(it, s[key])
        for line, key in zip(self._l_clip, ("clipD", "clipG")):
            line.set_data(it, s[key])
        self._l_valid.set_data(q["it"], q["valid"])
        self._l_mmd.set_data(q["it"], np.maximum(q["mmd2"], 1e-4) if q["mmd2"] else [])
        t = self._clip_totals
        self._t_clip.set_text("gradients clipped" + (f" (whole run: D {t[0] / t[2]:.0%}, G {t[1] / t[2]:.0%})"
                                                     if t[2] else ""))
        self._t_quality.set_text(f"{self.quality_samples} samples: {q['valid'][-1]:.0%} valid, MMD2 "
                                 f"{q['mmd2'][-1]:.2g}" if q["valid"] else f"quality of {self.quality_samples} samples")
        self._t_iter.set_text(f"iteration {self.trainer.iteration}")
        limits = self._wanted_limits()
        if self._background is None or limits != self._limits:
            self._draw_background(limits)
        canvas = self._canvas
        canvas.restore_region(self._background)
        fig = self.figure
        for art in self._animated:
            fig.draw_artist(art)
        self.png = self._encode_png()
        self.image.value = self.png

    def _encode_png(self):
        from PIL import Image
        buf = self._canvas.buffer_rgba()
        img = Image.frombuffer("RGBA", (buf.shape[1], buf.shape[0]), buf, "raw", "RGBA", 0, 1).convert("RGB")
        out = io.BytesIO()
        img.save(out, format="png", compress_level=1)
        return out.getvalue()

    # ------------------------------------------------------------------ readout
    def _message(self, text, kind="info"):
        self._status = (text, kind)
        color = "#b00020" if kind == "error" else "#2a6f2a"
        self._status_w.value = (f"<span class='gan-status gan-status-{kind}' style='color:{color}'>"
                                f"{html.escape(text)}</span>")

    @property
    def status_text(self):
        """The status line as plain text (last message: a change, a reset, or why a value was refused)."""
        return self._status[0]

    @property
    def status_kind(self):
        """``"error"`` if the last status message refused something or reports a failure, else ``"info"``."""
        return self._status[1]

    @property
    def frames_per_second(self):
        """Frames per second over the last 10 frames (0 before two frames)."""
        t = self._frame_times
        return (len(t) - 1) / (t[-1] - t[0]) if len(t) >= 2 and t[-1] > t[0] else 0.0

    def _readout_lines(self):
        tr, c = self.trainer, self.trainer.config
        fps = self.frames_per_second
        line1 = f"iteration {tr.iteration}"
        line1 += f" · {self.chunk} iterations per frame · frame {self.frame_count}"
        if fps:
            busy = float(np.mean(self.timings["frame_ms"][-10:]))
            line1 += f" · {fps:.1f} frames/s ({busy:.0f} ms of computing each)"
        line2 = ("next step: " + " · ".join(f"{k} {_fmt(getattr(c, k))}" for k in
                                            ("step_size_G", "step_size_D", "GRADIENT_CLIP", "WEIGHT_CLIP",
                                             "batch_size", "optimizer"))
                 + f" · Z_DIM {c.Z_DIM} · G_HIDDEN {_fmt(c.G_HIDDEN)} · D_HIDDEN {_fmt(c.D_HIDDEN)}")
        last = self._last
        if last is None:
            line3 = "last frame: none yet (press Play or Step)"
        else:
            line3 = (f"last frame: step_size_G {last['step_size_G']:.3g} · step_size_D {last['step_size_D']:.3g} "
                     f"used · D(real) {last['D_real']:.2f} · D(fake) {last['D_fake']:.2f} · "
                     f"clipped D {last['clipD']:.0%}, G {last['clipG']:.0%}")
        return line1, line2, line3

    def _update_readout(self):
        l1, l2, l3 = self._readout_lines()
        self._readout.value = (f"<div class='gan-readout' style='font-family:monospace;font-size:13px;"
                               f"line-height:1.45'><b>{html.escape(l1)}</b><br>{html.escape(l2)}<br>"
                               f"{html.escape(l3)}</div>")

    @property
    def readout_text(self):
        """The readout as plain text: ``iteration N ...``, the next step's settings, what the last frame used."""
        return "\n".join(self._readout_lines())

    def summary(self, digits=3):
        """A few rounded figures of the run so far (for printing in checked notebook cells)."""
        tr, c = self.trainer, self.trainer.config
        lines = [f"after {tr.iteration} iterations; next step: step_size_G "
                 f"{_fmt(c.step_size_G)}, step_size_D {_fmt(c.step_size_D)}, GRADIENT_CLIP {_fmt(c.GRADIENT_CLIP)}, "
                 f"WEIGHT_CLIP {_fmt(c.WEIGHT_CLIP)}, batch_size {c.batch_size}"]
        last = self._last
        if last is not None:
            lines.append(f"last frame ({last['rows']} iterations): step sizes used G {last['step_size_G']:.3g}, "
                         f"D {last['step_size_D']:.3g}; D(real) {last['D_real']:.{digits}f}, "
                         f"D(fake) {last['D_fake']:.{digits}f}; clipped D {last['clipD']:.0%}, G {last['clipG']:.0%}")
        q = self._quality
        if q["valid"]:
            when = f"after {q['it'][-1]} iterations" if q["it"][-1] else "at the start"
            lines.append(f"quality {when}: {q['valid'][-1]:.0%} valid sines, "
                         f"MMD2 {q['mmd2'][-1]:.{digits}f} (noise floor {self._floor['max']:.{digits}f})")
        return "\n".join(lines)

    # ------------------------------------------------------------------ display
    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude, **kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle)
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self):
        return f"Dashboard(recipe={self._recipe!r}, seed={self.trainer.seed}, iteration={self.trainer.iteration})"
