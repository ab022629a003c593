"""The one copy of gan_core's argument checks.

Every public function that takes a count, a seed, a number in a range or an
array calls one of these. Each raises ``ValueError`` whose message names the
parameter and the allowed range (``"n must be an integer in [1, 1000000], got
-3"``), so a bad input never ends in a traceback from deep inside NumPy.
Booleans are refused where numbers belong (``True`` is an ``int`` to Python,
never a count or a step size to us), and huge integers (``10**400``) are
answered with the range, not an ``OverflowError``.
"""
import math
import numbers

import numpy as np

#: The largest seed a run accepts: NumPy stores it in an int64 array on save.
MAX_SEED = 2**63 - 1


def is_integer(value):
    """True for a Python or NumPy integer that is not a bool."""
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_))


def is_real(value):
    """True for a Python or NumPy real number (int or float) that is not a bool."""
    return isinstance(value, (numbers.Real, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def check_int(name, value, lo, hi):
    """``value`` as an ``int`` if it is an integer with ``lo <= value <= hi``; else ``ValueError``.

    A float with an integral value (``2.0``, as a slider or JSON may give) is
    read as that integer; ``2.5``, NaN and inf are refused.
    """
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer():
        value = int(value)
    if not is_integer(value) or not lo <= value <= hi:
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}], got {_show(value)}")
    return int(value)


def check_seed(name, value):
    """A seed: an integer in ``[0, MAX_SEED]``."""
    return check_int(name, value, 0, MAX_SEED)


def check_number(name, value, lo, hi, lo_open=False, hi_open=False, allow_none=False):
    """``value`` as a finite ``float`` in the interval ``lo..hi`` (ends open or closed).

    ``allow_none=True`` lets ``None`` through (a switch that is off).
    """
    if value is None and allow_none:
        return None
    rng = f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
    off = " (or None to switch it off)" if allow_none else ""
    ok = is_real(value)
    if ok:
        try:
            v = float(value)
        except OverflowError:
            ok = False
    if ok:
        ok = math.isfinite(v) and (lo < v if lo_open else lo <= v) and (v < hi if hi_open else v <= hi)
    if not ok:
        raise ValueError(f"{name} must be a number in {rng}{off}, got {_show(value)}")
    return v


def check_array(name, value, ndim=None, shape=None, finite=True, dtype=np.float64):
    """``value`` as a float64 array (or of ``dtype``), refused unless it is numeric,
    of ``ndim`` dimensions, matches ``shape`` (``None`` entries match any length)
    and, with ``finite=True``, holds no NaN or inf."""
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):
        raise ValueError(f"{name} must be an array of real numbers; got a ragged or non-numeric {type(value).__name__}") from None
    if arr.dtype.kind not in "iuf" or arr.dtype == object:
        raise ValueError(f"{name} must be an array of real numbers, got dtype {arr.dtype}")
    arr = arr.astype(dtype, copy=False)
    want = len(shape) if shape is not None else ndim
    if want is not None and arr.ndim != want:
        raise ValueError(f"{name} must be a {want}-D array{' of shape ' + _shape_text(shape) if shape else ''}, got shape {arr.shape}")
    if shape is not None and any(s is not None and s != a for s, a in zip(shape, arr.shape)):
        raise ValueError(f"{name} must have shape {_shape_text(shape)}, got shape {arr.shape}")
    if finite and not np.isfinite(arr).all():
        raise ValueError(f"{name} must hold only finite numbers; found {int((~np.isfinite(arr)).sum())} NaN or inf")
    return arr


def check_choice(name, value, choices):
    """``value`` if it is one of ``choices``; else ``ValueError`` listing them."""
    try:
        ok = value in choices
    except TypeError:
        ok = False
    if not ok or not isinstance(value, type(next(iter(choices)))):
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {_show(value)}")
    return value


def check_callable(name, value, allow_none=True):
    """``value`` if it is callable (or ``None`` when allowed); else ``ValueError``."""
    if (value is None and allow_none) or callable(value):
        return value
    raise ValueError(f"{name} must be a function (or None), got {_show(value)}")


def _shape_text(shape):
    if shape is None:
        return ""
    return "(" + ", ".join("n" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _show(value):
    """A short repr for error messages (huge integers and long texts shortened)."""
    if is_integer(value) and abs(int(value)) > 10**18:
        return f"an integer with {len(str(abs(int(value))))} digits"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
