"""The dashboard's settings: their names, presets and ranges, and classroom links.

Every setting is named as in the chapter (``step_size_D``, ``GRADIENT_CLIP``,
...) and goes through :func:`gan_core.config.check_value`, so a link, a
keyword argument and a slider are refused for the same reasons.

A *link* is a page's query string, for example
``?recipe=book&seed=3&step_size_D=0.05&hide=WEIGHT_CLIP,GRADIENT_CLIP``:
:func:`parse_link` turns it into a :class:`LinkPreset` (the valid part, and
one message per refused part), :func:`make_link` writes the query string of
the current settings. Values in links: numbers as text, ``off`` for a clip or
``ema`` that is switched off, hidden widths as ``16x16``, errata as
``dReLU,dTanh``, ``all`` or ``none``.
"""
import math
import urllib.parse
from typing import NamedTuple

from ..config import ARCHITECTURE_FIELDS, LIVE_FIELDS, check_value
from ..errata import ERRATA
from ..recipes import RECIPES, get_recipe

#: The presets of the ``recipe`` menu: the two recipes, and ``chapter``, the book
#: recipe with every one of the chapter's gradient errors switched on.
PRESETS = tuple(RECIPES) + ("chapter",)

#: Who learns while Play runs: both players (the game), or one with the other frozen.
LEARN_MODES = ("both", "D only", "G only")

#: Play speeds: milliseconds between two frames at least.
SPEEDS = {"full": 40, "slow motion": 400, "very slow": 1500}
#: Frames one Play tick of the browser asks for, at each speed: at full speed a tick (every
#: 2 x 40 ms) gets two frames, so the browser's tick messages cost half as much a frame.
FRAMES_PER_TICK = {"full": 2, "slow motion": 1, "very slow": 1}


def tick_interval(speed):
    """Milliseconds between two Play ticks of the browser at ``speed``."""
    return SPEEDS[speed] * FRAMES_PER_TICK[speed]

#: Slider ranges as (log10 min, log10 max); an arrow key moves a tenth of the
#: range, i.e. half a decade (x 3.16), so two presses make a value ten times larger.
LOG_RANGES = {
    "step_size_G": (-4.0, 1.0),
    "step_size_D": (-4.0, 1.0),
    "GRADIENT_CLIP": (-3.0, 2.0),
    "WEIGHT_CLIP": (-2.0, 3.0),
}
LIVE_SLIDERS = tuple(LOG_RANGES)
CLIPS = ("GRADIENT_CLIP", "WEIGHT_CLIP")
#: Values a clip slider shows while its switch is off and the preset has no clip.
CLIP_DEFAULTS = {"GRADIENT_CLIP": 0.2, "WEIGHT_CLIP": 0.25}
#: The decay ``ema`` gets when its switch is ticked and the preset has none.
EMA_DEFAULT = 0.999
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)
Z_DIMS = (1, 2, 3, 4, 5, 8)
HIDDEN_WIDTHS = (4, 8, 10, 16, 32, 64, 80)
#: Iterations per frame: from a single iteration up.
CHUNKS = (1, 10, 50, 100, 200, 300, 500, 1000, 2000)
#: The default frame: 50 iterations (see ``gan_core.dashboard.app`` for why).
DEFAULT_CHUNK = 50
#: Measure the quality every this many frames by default (every 1,000 iterations at the default frame).
DEFAULT_QUALITY_EVERY = 20
ARCH_CONTROLS = ("Z_DIM", "G_HIDDEN", "D_HIDDEN")
#: Menus of live fields (each value a choice).
MENUS = {"optimizer": ("sgd", "adam"), "lr_decay": ("none", "linear"),
         "g_loss": ("non_saturating", "saturating")}
#: Settings of the dashboard itself (not of the trainer).
VIEW_SETTINGS = ("chunk", "learn", "speed")
#: Every name a link or ``Dashboard(...)`` may set.
SETTABLE = ("recipe", "seed") + LIVE_FIELDS + ARCH_CONTROLS + VIEW_SETTINGS
#: Names a link's ``hide=`` and ``lock=`` may list (controls, and groups of them).
CONTROL_NAMES = ("play", "step", "reset", "recipe", "seed", "chunk", "speed", "learn") + LIVE_SLIDERS + (
    "batch_size", "optimizer", "g_loss", "lr_decay", "ema") + ARCH_CONTROLS + ("errata",) + tuple(
    f"errata_{e}" for e in ERRATA) + ("share",)


def preset_config(name):
    """The ``Config`` of preset ``name`` (one of :data:`PRESETS`); else ``ValueError`` naming ``recipe``."""
    if name == "chapter":
        return get_recipe("book").replace(errata="all")
    if name not in RECIPES:
        raise ValueError(f"recipe must be one of {', '.join(map(repr, PRESETS))}, got {name!r}")
    return get_recipe(name)


def check_view_setting(name, value):
    """A dashboard setting (``chunk``, ``learn``, ``speed``) checked; else ``ValueError`` naming it."""
    if name == "chunk":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100_000:
            raise ValueError(f"chunk must be an integer in [1, 100000], got {value!r}")
        return value
    choices = LEARN_MODES if name == "learn" else tuple(SPEEDS)
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def format_value(value):
    """The short text of a setting's value, as the readout and links show it: ``0.01``, ``off``, ``16x16``."""
    if value is None:
        return "off"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, tuple):
        if value and all(isinstance(v, str) for v in value):
            return ",".join(value)
        return "x".join(map(str, value)) if value else "none"
    return str(value)


def parse_text_value(name, text):
    """The value a link's text stands for, as ``check_value`` wants it (not yet checked).

    ``"0.05"`` -> 0.05, ``"off"`` -> None (clips, ``ema``), ``"16x16"`` -> (16, 16),
    ``"dReLU,dTanh"`` -> a tuple of names, ``"none"`` -> () for ``errata``.
    """
    text = text.strip()
    if name in ("recipe", "learn", "speed") or name in MENUS:
        return text
    if name == "errata":
        if text in ("", "none"):
            return ()
        return "all" if text == "all" else tuple(t.strip() for t in text.split(",") if t.strip())
    if name in CLIPS + ("ema",) and text.lower() in ("off", "none"):
        return None
    if name in ("G_HIDDEN", "D_HIDDEN"):
        parts = text.lower().replace(",", "x").split("x")
        return tuple(_integer(name, p) for p in parts)
    if name in ("seed", "chunk", "batch_size", "ITER_NUM", "Z_DIM", "X_DIM"):
        return _integer(name, text)
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {text!r}") from None
    return value


def _integer(name, text):
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        raise ValueError(f"{name} must be a whole number, got {text!r}")
    return int(text)


class LinkPreset(NamedTuple):
    """What a link asks for: ``recipe`` (or None), ``seed`` (or None), ``settings``
    (name -> checked value, in link order), ``hide`` and ``lock`` (control names),
    and ``problems`` (one message per refused part; its default is kept)."""

    recipe: object
    seed: object
    settings: dict
    hide: tuple
    lock: tuple
    problems: tuple


def parse_link(query):
    """A page's query string (``"?recipe=book&seed=3&hide=WEIGHT_CLIP"``, with or without
    ``?``) as a :class:`LinkPreset`. Never raises for what the string says: every
    unknown name or bad value becomes a message in ``problems`` and is left out."""
    if query is None:
        query = ""
    if not isinstance(query, str):
        return LinkPreset(None, None, {}, (), (), (f"link must be a query string, got {type(query).__name__}",))
    pairs = urllib.parse.parse_qsl(query.lstrip("?"), keep_blank_values=True)
    recipe, seed, settings, hide, lock, problems = None, None, {}, [], [], []
    for key, text in pairs:
        try:
            if key in ("hide", "lock"):
                names = [n.strip() for n in text.split(",") if n.strip()]
                unknown = [n for n in names if n not in CONTROL_NAMES]
                if unknown:
                    raise ValueError(f"{key} may list {', '.join(CONTROL_NAMES)}; unknown: {', '.join(unknown)}")
                (hide if key == "hide" else lock).extend(names)
            elif key == "recipe":
                preset_config(text.strip())
                recipe = text.strip()
            elif key == "seed":
                from .live_run import parse_seed
                seed = parse_seed(text)
            elif key in SETTABLE:
                value = parse_text_value(key, text)
                settings[key] = (check_view_setting(key, value) if key in VIEW_SETTINGS
                                 else check_value(key, value))
            else:
                raise ValueError(f"unknown setting {key!r}; a link may set recipe, seed, hide, lock and "
                                 f"{', '.join(n for n in SETTABLE if n not in ('recipe', 'seed'))}")
        except ValueError as e:
            problems.append(f"link: {key}={text!r} refused ({e}); the default is kept")
    return LinkPreset(recipe, seed, settings, tuple(dict.fromkeys(hide)), tuple(dict.fromkeys(lock)),
                      tuple(problems))


def _same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9)
    return a == b


def make_link(recipe, seed, config, view=None, hide=(), lock=()):
    """The query string (starting with ``?``) that gives these settings: ``recipe``,
    ``seed``, every field of ``config`` that differs from the preset, the dashboard
    settings in ``view`` (name -> value) and the ``hide``/``lock`` lists."""
    parts = [("recipe", recipe), ("seed", str(seed))]
    base = preset_config(recipe)
    for name in ARCH_CONTROLS + LIVE_FIELDS:
        value = getattr(config, name)
        if not _same(value, getattr(base, name)):
            text = ("none" if name == "errata" and not value else
                    f"{value:.6g}" if isinstance(value, float) else format_value(value))
            parts.append((name, text))
    for name, value in (view or {}).items():
        parts.append((name, str(value)))
    for key, names in (("hide", hide), ("lock", lock)):
        if names:
            parts.append((key, ",".join(names)))
    return "?" + urllib.parse.urlencode(parts, safe=",")
