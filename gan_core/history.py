"""What a training run records at every iteration."""
import numpy as np

#: One row per iteration, in this order.
COLUMNS = (
    "iteration",
    "loss_D_real", "loss_D_fake", "loss_G",
    "D_real", "D_fake",
    "grad_norm_D", "grad_norm_D_clipped", "grad_norm_G", "grad_norm_G_clipped",
    "clipped_D", "clipped_G",
    "step_size_D", "step_size_G",
)


class History:
    """A growing table of per-iteration records.

    ``history["loss_G"]`` gives one column as a float array. ``D_real`` and
    ``D_fake`` are D's mean outputs in the first two steps; gradient norms are
    taken over the weight matrices before and after clipping (D's averaged
    over its two updates); ``clipped_D`` / ``clipped_G`` are the share of weight
    matrices whose gradient was clipped; the step sizes are the ones used
    (after any decay).
    """

    columns = COLUMNS

    def __init__(self, rows=None):
        self._rows = [] if rows is None else [tuple(map(float, r)) for r in np.asarray(rows, dtype=float).reshape(-1, len(COLUMNS))]
        self._cache = None

    def append(self, row):
        """Add one row (a tuple in ``COLUMNS`` order)."""
        self._rows.append(row)
        self._cache = None

    def __len__(self):
        return len(self._rows)

    def to_array(self):
        """All rows as a ``(len, len(COLUMNS))`` float array."""
        if self._cache is None:
            self._cache = np.array(self._rows, dtype=float).reshape(-1, len(COLUMNS))
        return self._cache

    def __getitem__(self, name):
        if name not in COLUMNS:
            raise KeyError(f"unknown history column {name!r}; columns: {', '.join(COLUMNS)}")
        return self.to_array()[:, COLUMNS.index(name)]

    def keys(self):
        return COLUMNS

    @property
    def loss_D(self):
        """D's total loss per iteration: ``loss_D_real + loss_D_fake``."""
        return self["loss_D_real"] + self["loss_D_fake"]

    def clipped_fraction(self, net="D"):
        """Share of weight-gradient updates that gradient clipping rescaled, over the run."""
        col = self[f"clipped_{net}"]
        return float(col.mean()) if len(col) else 0.0

    def smoothed(self, name, window=100):
        """Moving average of a column over ``window`` iterations (for plots)."""
        x = self[name]
        if len(x) == 0:
            return x
        window = max(1, min(int(window), len(x)))
        c = np.cumsum(np.insert(x, 0, 0.0))
        return (c[window:] - c[:-window]) / window
