"""The shared way an exercise check reads the reader's answer and reports its verdict.

A check is handed whatever a reader types: a number, an array, ``None``, a
string, a function that raises or returns junk. Whatever it gets, it prints
exactly one line, ``"Correct: what"`` or ``"Not yet: what (hint)"``, returns a
bool and never raises. It describes a wrong answer (``"a str"``, ``"an array of
shape (3,)"``) but never prints it back: an answer can be huge, or unreadable.
"""
import functools
import inspect
import math

import numpy as np

from .._checks import is_integer, is_real

#: The longest hint printed; longer ones (a long error message) are cut.
MAX_DETAIL = 240


def _one_line(text, limit=None):
    """``text`` with every run of whitespace (newlines too) turned into one space, cut to ``limit``."""
    text = " ".join(str(text).split())
    if limit is not None and len(text) > limit:
        text = text[:limit - 3] + "..."
    return text


def verdict(ok, what, detail=""):
    """Print ``"Correct: what"`` or ``"Not yet: what (detail)"`` on one line and return ``ok`` as a bool.

    A ``Not yet`` always carries a hint: without a ``detail`` it says to compare
    with the exercise's statement."""
    ok = bool(ok)
    what = _one_line(what)
    if ok:
        print(f"Correct: {what}")
    else:
        detail = _one_line(detail, MAX_DETAIL) or "read the exercise's statement again"
        print(f"Not yet: {what} ({detail})")
    return ok


def describe(value):
    """What ``value`` is, never what it holds: ``"None"``, ``"a str"``,
    ``"an array of shape (3, 2)"``, ``"a list of 4 items"``, ``"a function"``."""
    if value is None:
        return "None"
    if isinstance(value, (bool, np.bool_)):
        return "a bool"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple, dict, set)):
        try:
            n = len(value)
        except Exception:  # a subclass with a broken __len__
            n = "?"
        return f"a {type(value).__name__} of {n} item{'' if n == 1 else 's'}"
    if inspect.isroutine(value) or inspect.isclass(value):
        return "a function" if inspect.isroutine(value) else "a class"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def error_text(exc):
    """``"TypeName: first line of the message"`` for an exception raised by the reader's code."""
    message = str(exc).strip().splitlines()
    return type(exc).__name__ + (f": {message[0]}" if message else "")


def call(fn, name, *args, **kwargs):
    """``(True, fn(*args, **kwargs))``, or ``(False, hint)`` when ``fn`` is not a
    function or raises (any ``Exception``: the reader's code may fail in any way)."""
    if not callable(fn):
        return False, f"{name} must be a function you defined, got {describe(fn)}"
    try:
        return True, fn(*args, **kwargs)
    except Exception as exc:  # the reader's code: report it, do not crash the notebook
        return False, f"calling {name} raised {error_text(exc)}"


def call_for_array(fn, name, *args):
    """Call the reader's ``fn(*args)`` for an array answer: ``(None, result)`` when it
    returned an array of numbers, else ``(what, hint)`` for the ``Not yet`` line."""
    ok, got = call(fn, name, *args)
    if not ok:
        return (f"{name} raised an error" if callable(fn) else "pass your function"), got
    if as_array(got) is None:
        return f"{name} must return an array of numbers", f"it returned {describe(got)}"
    return None, got


def as_number(value):
    """``value`` as a float when it is one real number: a Python or NumPy int or float,
    or a numeric array of exactly one element. ``None`` for anything else (bools,
    strings, ``None``, longer arrays, integers too big for a float). NaN and inf
    come back as they are: the caller's comparison turns them down."""
    if is_real(value):
        try:
            return float(value)
        except (OverflowError, TypeError, ValueError):
            return None
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        return float(value.reshape(()))
    return None


def as_whole(value, lo, hi):
    """``value`` as an int when it is an integer (not a bool) with ``lo <= value <= hi``; else ``None``."""
    if is_integer(value) and lo <= value <= hi:
        return int(value)
    return None


def as_array(value):
    """``value`` as a float64 array when it holds real numbers only (bools count as 0/1);
    ``None`` for strings, ragged lists, objects, complex numbers and anything NumPy refuses."""
    if isinstance(value, (str, bytes)) or value is None:
        return None
    try:
        arr = np.asarray(value)
        if arr.dtype.kind not in "biuf":
            return None
        return arr.astype(np.float64)
    except Exception:  # ragged lists, objects whose __array__ raises, ...
        return None


def close(answer, expected, tol=1e-6):
    """True when ``answer`` is a numeric array of ``expected``'s shape with
    ``max|answer - expected| <= tol`` (NaN and inf never pass)."""
    a = as_array(answer)
    if a is None:
        return False
    e = np.asarray(expected, dtype=float)
    if a.shape != e.shape:
        return False
    with np.errstate(all="ignore"):
        return bool(np.all(np.abs(a - e) <= tol))


def off_by(got, want):
    """A hint that tells which way the number ``got`` misses ``want``, without printing it."""
    if math.isnan(got):
        return "yours is NaN"
    return f"yours is too {'high' if got > want else 'low'}"


def guarded(check):
    """Wrap an exercise check so that an argument it cannot use (a wrong number of
    arguments, a broken object) ends in a ``Not yet`` line naming how to call it,
    instead of a traceback. The wrapped check keeps its name, docstring and signature."""
    try:
        signature = str(inspect.signature(check))
    except (TypeError, ValueError):
        signature = "(...)"

    @functools.wraps(check)
    def wrapper(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except Exception as exc:  # never crash a reader's notebook
            return verdict(False, f"{check.__name__} could not use these arguments",
                           f"{type(exc).__name__}; call it as {check.__name__}{signature}, as the notebook does")

    return wrapper
