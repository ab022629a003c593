"""The dashboard's controls: one ipywidget per setting, named as in the chapter.

:func:`build_controls` makes them (``name -> widget``) and :func:`layout` puts them
in rows; :func:`show_settings` puts a run's settings on them (the app silences
its callbacks while it does). Names:

* ``play``, ``step``, ``reset``, ``recipe`` (``book``, ``recommended``, ``chapter``),
  ``seed`` (a text box), ``chunk`` (iterations per frame, down to 1), ``speed``
  (``full``, ``slow motion``, ``very slow``: the time between two frames);
* ``learn`` (``both``, ``D only``, ``G only``), ``g_loss``, ``optimizer``, ``lr_decay``,
  ``ema`` (a checkbox: weight averaging of G on or off);
* ``step_size_G``, ``step_size_D``, ``GRADIENT_CLIP``, ``WEIGHT_CLIP`` (log sliders; an
  arrow key multiplies by sqrt(10)), ``GRADIENT_CLIP_on``, ``WEIGHT_CLIP_on``, ``batch_size``;
* ``Z_DIM``, ``G_HIDDEN``, ``D_HIDDEN`` (the architecture: changing one restarts);
* ``errata_dReLU``, ... one checkbox per name of :data:`gan_core.errata.ERRATA`;
* ``share``: the link of the current settings (a text field to copy).
"""
import math

import ipywidgets as W
from traitlets import validate

from ..errata import ERRATA
from .settings import (ARCH_CONTROLS, BATCH_SIZES, CHUNKS, CLIP_DEFAULTS, CLIPS, HIDDEN_WIDTHS, LEARN_MODES,
                       LIVE_SLIDERS, LOG_RANGES, MENUS, PRESETS, SPEEDS, Z_DIMS, tick_interval)

#: The parts of ``hide=``/``lock=`` names that stand for more than one widget.
GROUPS = {"errata": tuple(f"errata_{e}" for e in ERRATA), "GRADIENT_CLIP": ("GRADIENT_CLIP", "GRADIENT_CLIP_on"),
          "WEIGHT_CLIP": ("WEIGHT_CLIP", "WEIGHT_CLIP_on")}
ERRATA_HELP = {
    "dReLU": "dReLU returns ReLU(z) instead of the step [z > 0]",
    "dTanh": "tanh's derivative applied to its output",
    "dSigmoid": "sigmoid's derivative applied to its output",
    "D_ascends": "D's update climbs its own loss",
    "G_gets_loss_value": "G's backward pass gets the loss value, not its gradient",
}


class RefusingLogSlider(W.FloatLogSlider):
    """A ``FloatLogSlider`` that refuses bad values instead of clamping them.

    The stock slider silently turns a step size of 0 into its minimum and lets
    NaN through. Here every proposed value goes to ``self.refuse(value)`` (set by
    the app): if it returns a reason, the slider keeps its value and sends nothing.
    (It replaces the stock clamping validator through traitlets' ``validate``.)
    """

    refuse = None

    @validate("value")
    def _validate_value(self, proposal):
        value = proposal["value"]
        if self.refuse is not None and self.refuse(value):
            return self.value
        return value


def with_value(options, value):
    """``options`` with ``value`` added (sorted), so a menu can show it."""
    return tuple(sorted(set(options) | {value}))


def option_values(widget):
    """The values (not the labels) a selection widget offers."""
    return tuple(o[1] if isinstance(o, tuple) and len(o) == 2 and isinstance(o[0], str) else o
                 for o in widget.options)


def hidden_options(current, extra=()):
    """(label, widths) pairs for a hidden-size menu, including ``current``."""
    values = {(w, w) for w in HIDDEN_WIDTHS} | set(extra) | {current}
    return [(" x ".join(map(str, v)), v) for v in sorted(values, key=lambda v: (sum(v), v))]


def build_controls(config, recipe, seed, chunk, speed, learn):
    """Every control of the dashboard (``name -> widget``), showing ``config`` and the other settings."""
    desc = {"description_width": "105px"}
    ctl = {
        "play": W.Play(value=0, min=0, max=10**9, step=1, interval=tick_interval(speed), show_repeat=False,
                       tooltip="Play / Pause: train frame after frame"),
        "step": W.Button(description="Step", icon="step-forward", tooltip="train one frame",
                         layout=W.Layout(width="80px")),
        "reset": W.Button(description="Reset", icon="undo", tooltip="back to the preset's settings, a new run",
                          layout=W.Layout(width="80px")),
        "recipe": W.Dropdown(options=PRESETS, value=recipe, description="recipe", style={"description_width": "45px"},
                             layout=W.Layout(width="190px")),
        "seed": W.Text(value=str(seed), description="seed", continuous_update=False,
                       style={"description_width": "35px"}, layout=W.Layout(width="120px")),
        "chunk": W.Dropdown(options=with_value(CHUNKS, chunk), value=chunk, description="iterations/frame",
                            style={"description_width": "100px"}, layout=W.Layout(width="180px")),
        "speed": W.Dropdown(options=tuple(SPEEDS), value=speed, description="speed",
                            style={"description_width": "40px"}, layout=W.Layout(width="160px")),
        "learn": W.ToggleButtons(options=LEARN_MODES, value=learn, description="learn",
                                 tooltips=["both players update", "only D updates (G frozen)",
                                           "only G updates (D frozen)"],
                                 style={"description_width": "40px", "button_width": "62px"}),
        "ema": W.Checkbox(value=config.ema is not None, description="ema (G's weight average)", indent=False,
                          layout=W.Layout(width="190px")),
    }
    for name, options in MENUS.items():
        ctl[name] = W.Dropdown(options=options, value=getattr(config, name), description=name,
                               style={"description_width": "62px"}, layout=W.Layout(width="215px"))
    for name in LIVE_SLIDERS:
        lo, hi = LOG_RANGES[name]
        value = getattr(config, name)
        shown = CLIP_DEFAULTS.get(name) if value is None else value
        lo, hi = min(lo, math.floor(math.log10(shown))), max(hi, math.ceil(math.log10(shown)))
        ctl[name] = RefusingLogSlider(value=shown, base=10, min=lo, max=hi, step=None, description=name,
                                      readout_format=".3g", style=desc, layout=W.Layout(width="380px"), disabled=value is None)
    for name in CLIPS:
        ctl[name + "_on"] = W.Checkbox(value=getattr(config, name) is not None, description="on", indent=False,
                                       tooltip=f"switch {name} on or off", layout=W.Layout(width="50px"))
    ctl["batch_size"] = W.SelectionSlider(options=with_value(BATCH_SIZES, config.batch_size),
                                          value=config.batch_size, description="batch_size", style=desc,
                                          layout=W.Layout(width="330px"))
    ctl["Z_DIM"] = W.Dropdown(options=with_value(Z_DIMS, config.Z_DIM), value=config.Z_DIM, description="Z_DIM",
                              style={"description_width": "50px"}, layout=W.Layout(width="130px"))
    for name in ("G_HIDDEN", "D_HIDDEN"):
        ctl[name] = W.Dropdown(options=hidden_options(getattr(config, name)), value=getattr(config, name),
                               description=name, style={"description_width": "75px"}, layout=W.Layout(width="175px"))
    for name in ERRATA:
        ctl[f"errata_{name}"] = W.Checkbox(value=name in config.errata, description=name, indent=False,
                                           tooltip=ERRATA_HELP[name], layout=W.Layout(width="150px"))
    ctl["share"] = W.Text(value="", description="share", style={"description_width": "40px"},
                          tooltip="the link of these settings: add it to the app's address",
                          layout=W.Layout(width="100%"))
    return ctl


def layout(ctl, readout, status, image, note):
    """The dashboard as one ``VBox`` of rows (class ``gan-dashboard``), and the rows by name."""
    rows = {
        "run": W.HBox([ctl["play"], ctl["step"], ctl["reset"], ctl["recipe"], ctl["seed"], ctl["chunk"],
                       ctl["speed"]]),
        "game": W.HBox([ctl["learn"], ctl["g_loss"]]),
        "optimizer": W.HBox([ctl["optimizer"], ctl["lr_decay"], ctl["ema"]]),
        "steps": W.HBox([ctl["step_size_G"], ctl["step_size_D"]]),
        "clips": W.HBox([ctl["GRADIENT_CLIP"], ctl["GRADIENT_CLIP_on"], ctl["WEIGHT_CLIP"], ctl["WEIGHT_CLIP_on"]]),
        "shape": W.HBox([ctl["batch_size"], ctl["Z_DIM"], ctl["G_HIDDEN"], ctl["D_HIDDEN"],
                         W.HTML("<span style='color:#666'>architecture: changing it restarts</span>",
                                layout=W.Layout(margin="0 0 0 8px"))]),
        "errata": W.HBox([W.HTML("<b>the chapter's errors:</b>", layout=W.Layout(width="150px"))]
                         + [ctl[f"errata_{e}"] for e in ERRATA]),
    }
    rows["errata"].add_class("gan-errata")
    box = W.VBox(list(rows.values()) + [readout, status, ctl["share"], image, note],
                 layout=W.Layout(max_width="1120px"))
    box.add_class("gan-dashboard")
    return box, rows


def expand(names):
    """Widget names for ``hide=``/``lock=`` names (``errata`` and a clip stand for several)."""
    out = []
    for n in names:
        out.extend(GROUPS.get(n, (n,)))
    return tuple(dict.fromkeys(out))


def show_settings(ctl, config, recipe, seed, learn, locked=()):
    """Put ``config`` (and the preset, seed and ``learn``) on the controls. Callbacks fire:
    the caller silences them. A locked control stays disabled."""
    for name in LIVE_SLIDERS:
        value = getattr(config, name)
        if value is not None:
            s = ctl[name]
            lg = math.log10(value)
            with s.hold_sync():
                s.min, s.max = min(s.min, math.floor(lg)), max(s.max, math.ceil(lg))
                s.value = value
        ctl[name].disabled = value is None or name in locked
    for name in CLIPS:
        ctl[name + "_on"].value = getattr(config, name) is not None
    ctl["batch_size"].options = with_value(BATCH_SIZES, config.batch_size)
    ctl["batch_size"].value = config.batch_size
    for name in MENUS:
        ctl[name].value = getattr(config, name)
    ctl["ema"].value = config.ema is not None
    ctl["Z_DIM"].options = with_value(Z_DIMS, config.Z_DIM)
    ctl["Z_DIM"].value = config.Z_DIM
    for name in ("G_HIDDEN", "D_HIDDEN"):
        ctl[name].options = hidden_options(getattr(config, name))
        ctl[name].value = getattr(config, name)
    for e in ERRATA:
        ctl[f"errata_{e}"].value = e in config.errata
    ctl["seed"].value = str(seed)
    ctl["recipe"].value = recipe
    ctl["learn"].value = learn
