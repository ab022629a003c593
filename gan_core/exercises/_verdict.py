"""The shared way an exercise check reports its verdict."""
import numpy as np


def verdict(ok, what, detail=""):
    """Print ``"Correct: what"`` or ``"Not yet: what (detail)"`` and return ``ok`` as a bool."""
    ok = bool(ok)
    print(f"Correct: {what}" if ok else f"Not yet: {what}" + (f" ({detail})" if detail else ""))
    return ok


def close(answer, expected, tol=1e-6):
    """True when ``answer`` has ``expected``'s shape and ``max|answer - expected| <= tol``."""
    try:
        a = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return False
    e = np.asarray(expected, dtype=float)
    return a.shape == e.shape and bool(np.all(np.abs(a - e) <= tol))
