"""Hyperparameters of a GAN run, named as in the chapter, with validation.

``Config`` holds every setting the trainer reads. Fields in ``LIVE_FIELDS``
may change between any two training steps (a slider does this); the others
define the architecture, and changing them means building new networks.
Every value is checked on the way in, and a bad one raises a ``ValueError``
that names the parameter and the allowed range.
"""
import dataclasses
from dataclasses import dataclass

import numpy as np

from ._checks import check_choice, check_int, check_number
from .errata import check_errata

#: The most hidden layers a network may have, and the most parameters G and D may have together.
MAX_HIDDEN_LAYERS = 16
MAX_PARAMETERS = 20_000_000

ARCHITECTURE_FIELDS = ("Z_DIM", "X_DIM", "G_HIDDEN", "D_HIDDEN", "leaky_slope", "dtype")

#: The floating-point types a run may compute in (``Config.dtype``).
DTYPES = ("float64", "float32")

_CHOICES = {
    "optimizer": ("sgd", "adam"),
    "lr_decay": ("none", "linear"),
    "g_loss": ("non_saturating", "saturating"),
    "learn": ("both", "D", "G"),
    "dtype": DTYPES,
}


@dataclass
class Config:
    """All hyperparameters. The defaults are the chapter's constants.

    Step sizes and clips are read by the trainer at every step.
    ``GRADIENT_CLIP`` / ``WEIGHT_CLIP`` set to ``None`` switch that clip off.
    ``lr_decay="linear"`` scales both step sizes by ``1 - t / ITER_NUM``.
    ``ema`` (``None`` or a decay in ``[0, 1)``) keeps an exponential moving
    average of the generator's weights, used for sampling.
    ``errata`` (names from ``gan_core.errata.ERRATA``, or ``"all"``) switches
    on the chapter's gradient errors; the default ``()`` is exact.
    ``learn`` says which players update: ``"both"``, ``"D"`` (G is frozen) or
    ``"G"`` (D is frozen); a frozen player takes no step and its optimizer's
    state stays as it was.
    ``dtype`` (``"float64"`` or ``"float32"``) is the type of the networks'
    parameters, gradients, optimizer moments and data rows; like the widths it
    is fixed when the networks are built (``Trainer.reset(dtype=...)``).
    """

    Z_DIM: int = 1
    X_DIM: int = 10
    G_HIDDEN: tuple = (10, 10)
    D_HIDDEN: tuple = (10, 10)
    step_size_G: float = 0.01
    step_size_D: float = 0.01
    GRADIENT_CLIP: object = 0.2
    WEIGHT_CLIP: object = 0.25
    ITER_NUM: int = 50000
    batch_size: int = 1
    optimizer: str = "sgd"
    adam_beta1: float = 0.5
    adam_beta2: float = 0.999
    lr_decay: str = "none"
    ema: object = None
    g_loss: str = "non_saturating"
    leaky_slope: float = 0.2
    errata: tuple = ()
    learn: str = "both"
    dtype: str = "float64"

    def __setattr__(self, name, value):
        if name not in FIELD_NAMES:
            raise AttributeError(f"unknown hyperparameter {name!r}; known: {', '.join(FIELD_NAMES)}")
        object.__setattr__(self, name, check_value(name, value))

    def replace(self, **changes):
        """A new ``Config`` with ``changes`` applied (and validated)."""
        unknown = set(changes) - set(FIELD_NAMES)
        if unknown:
            raise ValueError(f"unknown hyperparameter(s) {sorted(unknown)}; known: {', '.join(FIELD_NAMES)}")
        return dataclasses.replace(self, **changes)

    def to_dict(self):
        """A JSON-friendly dict (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self).items()}

    @classmethod
    def from_dict(cls, d):
        """Inverse of ``to_dict``; unknown keys are an error."""
        unknown = set(d) - set(FIELD_NAMES)
        if unknown:
            raise ValueError(f"unknown hyperparameter(s) {sorted(unknown)}")
        return cls(**d)

    def parameter_count(self):
        """Weights and biases of G and D together: ``sum_l (n_in + 1) * n_out`` over both nets' layers."""
        total = 0
        for sizes in ((self.Z_DIM, *self.G_HIDDEN, self.X_DIM), (self.X_DIM, *self.D_HIDDEN, 1)):
            total += sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
        return total

    def check_size(self):
        """Refuse (``ValueError``) networks of more than ``MAX_PARAMETERS`` parameters, naming their size."""
        count = self.parameter_count()
        if count > MAX_PARAMETERS:
            raise ValueError(f"G_HIDDEN={self.G_HIDDEN}, D_HIDDEN={self.D_HIDDEN} would need {count:,} parameters "
                             f"({count * np.dtype(self.dtype).itemsize * 6 / 2**30:.1f} GiB with gradients and optimizer state "
                             f"in {self.dtype}); "
                             f"at most {MAX_PARAMETERS:,} are allowed")
        return self

    def architecture(self):
        """The fields that fix the networks: their shapes and their ``dtype``."""
        return {k: getattr(self, k) for k in ARCHITECTURE_FIELDS}


FIELD_NAMES = tuple(f.name for f in dataclasses.fields(Config))
LIVE_FIELDS = tuple(n for n in FIELD_NAMES if n not in ARCHITECTURE_FIELDS)


def _number(name, value, lo, hi, lo_open=False, hi_open=False, integer=False, allow_none=False):
    if value is None and allow_none:
        return None
    if integer:
        return check_int(name, value, lo, hi)
    return check_number(name, value, lo, hi, lo_open=lo_open, hi_open=hi_open, allow_none=allow_none)


def _hidden(name, value):
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value, value)
    try:
        widths = tuple(value)
    except TypeError:
        raise ValueError(f"{name} must be a width or a sequence of widths, each an integer in [1, 4096], got {value!r}")
    if not widths:
        raise ValueError(f"{name} must list at least one hidden width (each an integer in [1, 4096]), got {value!r}")
    if len(widths) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"{name} must list at most {MAX_HIDDEN_LAYERS} hidden widths, got {len(widths)}")
    return tuple(_number(name, w, 1, 4096, integer=True) for w in widths)


def check_value(name, value):
    """Validate one hyperparameter; return it normalised or raise ``ValueError``."""
    if name in ("Z_DIM", "X_DIM"):
        return _number(name, value, 1, 1024, integer=True)
    if name in ("G_HIDDEN", "D_HIDDEN"):
        return _hidden(name, value)
    if name in ("step_size_G", "step_size_D"):
        return _number(name, value, 0, 10, lo_open=True)
    if name in ("GRADIENT_CLIP", "WEIGHT_CLIP"):
        return _number(name, value, 0, 1e6, lo_open=True, allow_none=True)
    if name == "ITER_NUM":
        return _number(name, value, 1, 10**9, integer=True)
    if name == "batch_size":
        return _number(name, value, 1, 65536, integer=True)
    if name in ("adam_beta1", "adam_beta2"):
        return _number(name, value, 0, 1, hi_open=True)
    if name == "ema":
        return _number(name, value, 0, 1, hi_open=True, allow_none=True)
    if name == "leaky_slope":
        return _number(name, value, 0, 1)
    if name == "errata":
        return check_errata(value)
    if name in _CHOICES:
        return check_choice(name, value, _CHOICES[name])
    raise ValueError(f"unknown hyperparameter {name!r}; known: {', '.join(FIELD_NAMES)}")
