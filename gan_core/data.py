"""The real data: 10-point sine signals, as in the source chapter.

A real sample is ``x_i = mult * sin(x0 + freq * i)`` for ``i = 0 .. X_DIM-1``
with ``x0 ~ U(0, 1)``, ``freq ~ U(1.2, 1.5)`` and ``mult ~ U(0.5, 0.8)``.
"""
import numpy as np

from ._checks import check_int

#: The most rows or points one call draws (a guard against typos like n=10**12).
MAX_ROWS = 10**8

#: Where the three parameters of a real sine are drawn from (inclusive ranges).
SINE_RANGES = {"x0": (0.0, 1.0), "freq": (1.2, 1.5), "mult": (0.5, 0.8)}

#: The chapter's fixed ``random=False`` sample: x0 = 0, freq = 0.2, mult = 1.
FIXED_SINE = {"x0": 0.0, "freq": 0.2, "mult": 1.0}


def sine_signals(x0, freq, mult, x_dim=10):
    """Build sines from their parameters: ``x[k, i] = mult[k] * sin(x0[k] + freq[k] * i)``.

    ``x0``, ``freq`` and ``mult`` are scalars or 1-D arrays of one length n;
    the result has shape ``(n, x_dim)``.
    """
    x_dim = _check_positive_int("x_dim", x_dim)
    x0, freq, mult = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (x0, freq, mult))
    i = np.arange(x_dim, dtype=float)
    return mult[:, None] * np.sin(x0[:, None] + freq[:, None] * i)


def sample_sines(n, rng, x_dim=10, random=True):
    """Draw ``n`` real samples ``mult * sin(x0 + freq * i)``, shape ``(n, x_dim)``.

    With ``random=True`` the parameters come from ``SINE_RANGES`` (drawn with
    ``rng.uniform`` in the order x0, freq, mult); with ``random=False`` every
    row is the chapter's fixed curve ``sin(0.2 * i)``.
    """
    n = _check_positive_int("n", n)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    if random:
        params = [rng.uniform(*SINE_RANGES[k], size=n) for k in ("x0", "freq", "mult")]
    else:
        params = [np.full(n, FIXED_SINE[k]) for k in ("x0", "freq", "mult")]
    return sine_signals(*params, x_dim=x_dim)


def _check_positive_int(name, value):
    return check_int(name, value, 1, MAX_ROWS)


#: Rows a ``RowStream`` draws at a time.
BLOCK_ROWS = 4096


class RowStream:
    """An endless stream of rows, drawn ``BLOCK_ROWS`` at a time as ``draw(k, rng)``.

    ``take(n)`` hands out the next ``n`` rows. The sequence of rows depends
    only on ``rng``'s starting state, not on how it is consumed (64 + 64 rows
    are the same as 128). ``state()`` holds the bit generator's state and the
    rows drawn but not yet handed out, so ``load_state(state())`` on a fresh
    stream continues the very same sequence: this is what makes a saved run
    resume exactly.

    ``dtype`` (``"float64"`` or ``"float32"``) is the type of the rows handed
    out: each block is drawn as ``draw`` gives it (float64) and then rounded,
    so a float32 stream holds the same random sequence as a float64 one.
    """

    def __init__(self, draw, rng, dtype="float64"):
        self._draw, self.rng = draw, rng
        self.dtype = np.dtype(dtype)
        self._buf = self._block(BLOCK_ROWS)
        self._pos = 0

    def _block(self, k):
        return np.asarray(self._draw(k, self.rng)).astype(self.dtype, copy=False)

    def take(self, n):
        """The next ``n`` rows (a view; do not write to it)."""
        pos, buf = self._pos, self._buf
        if pos + n > len(buf):
            buf = np.concatenate([buf[pos:], self._block(max(BLOCK_ROWS, n))])
            self._buf, pos = buf, 0
        self._pos = pos + n
        return buf[pos:pos + n]

    def state(self):
        """``{"bit_generator": dict, "rows": array}``: everything needed to continue
        (the rows in this stream's dtype)."""
        return {"bit_generator": self.rng.bit_generator.state, "rows": self._buf[self._pos:].copy()}

    def load_state(self, state):
        """Continue from ``state()`` (rows must have this stream's width: ``ValueError`` otherwise;
        they are converted to this stream's dtype)."""
        rows = np.asarray(state["rows"])
        if rows.dtype.kind not in "iuf":
            raise ValueError(f"stream rows must be real numbers, got dtype {rows.dtype}")
        if rows.ndim != 2 or rows.shape[1] != self._buf.shape[1]:
            raise ValueError(f"stream rows must have shape (n, {self._buf.shape[1]}), got {rows.shape}")
        self.rng.bit_generator.state = state["bit_generator"]
        self._buf, self._pos = rows.astype(self.dtype), 0
