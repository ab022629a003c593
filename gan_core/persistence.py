"""Save and load a trained run as a single ``.npz`` file (no pickles).

The file holds every parameter array (``G/W1``, ``D/b2``, ...; ``G_ema/...``
when weight averaging is on), the optimizers' state, the history table, the
iteration count and seed, and the config as JSON. ``load_run`` checks the
format tag, the version and every shape before it builds a ``Trainer``, so a
missing, truncated, foreign or mismatched file fails with a clear message.
"""
import json
import os
import zipfile

import numpy as np

from .config import Config
from .history import COLUMNS, History

FORMAT = "gan_core-run"
VERSION = 1


class RunFileError(ValueError):
    """A file that is not a loadable gan_core run."""


def save_run(trainer, path):
    """Write ``trainer`` to ``path`` (``.npz`` is appended by NumPy if missing); returns the path."""
    arrays = {"format": np.array(FORMAT), "version": np.array(VERSION),
              "config": np.array(json.dumps(trainer.config.to_dict())),
              "seed": np.array(trainer.seed), "iteration": np.array(trainer.iteration),
              "history": trainer.history.to_array(), "history_columns": np.array(COLUMNS)}
    nets = {"G": trainer.G, "D": trainer.D}
    if trainer.G_ema is not None:
        nets["G_ema"] = trainer.G_ema
    for prefix, net in nets.items():
        for k, v in net.params.items():
            arrays[f"{prefix}/{k}"] = v
    for prefix, opt in (("opt_G", trainer.opt_G), ("opt_D", trainer.opt_D)):
        for k, v in opt.state().items():
            arrays[f"{prefix}/{k}"] = v
    path = os.fspath(path)
    if not path.endswith(".npz"):
        path += ".npz"
    np.savez(path, **arrays)
    return path


def load_run(path):
    """Read a file written by ``save_run`` and return a ready ``Trainer``.

    Raises ``FileNotFoundError`` for a missing file and ``RunFileError`` for
    anything that is not a compatible gan_core run.
    """
    from .trainer import Trainer

    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no run file at {path!r}")
    try:
        with np.load(path, allow_pickle=False) as f:
            data = {k: f[k] for k in f.files}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
        raise RunFileError(f"{path!r} is not a readable .npz run file (truncated or not a gan_core save): {e}") from None
    if not isinstance(data, dict) or data.get("format", np.array("")).item() != FORMAT:
        raise RunFileError(f"{path!r} is a NumPy file but not a gan_core run (no '{FORMAT}' format tag)")
    version = int(data["version"])
    if version != VERSION:
        raise RunFileError(f"{path!r} has run-file version {version}; this gan_core reads version {VERSION}")
    try:
        config = Config.from_dict(json.loads(str(data["config"])))
        trainer = Trainer(config, seed=int(data["seed"]))
    except (ValueError, TypeError, KeyError) as e:
        raise RunFileError(f"{path!r} holds an invalid config: {e}") from None
    nets = {"G": trainer.G, "D": trainer.D}
    if trainer.G_ema is not None:
        nets["G_ema"] = trainer.G_ema
    for prefix, net in nets.items():
        for k, v in net.params.items():
            key = f"{prefix}/{k}"
            if key not in data:
                raise RunFileError(f"{path!r} lacks the array {key!r}")
            if data[key].shape != v.shape:
                raise RunFileError(f"{path!r}: {key} has shape {data[key].shape}, the config needs {v.shape}")
            v[...] = data[key]
    for prefix, opt in (("opt_G", trainer.opt_G), ("opt_D", trainer.opt_D)):
        state = {k: data.get(f"{prefix}/{k}") for k in opt.state()}
        missing = [k for k, v in state.items() if v is None]
        if missing:
            raise RunFileError(f"{path!r} lacks optimizer state {prefix}/{missing[0]}")
        try:
            opt.load_state(state)
        except ValueError as e:
            raise RunFileError(f"{path!r}: optimizer state {prefix} does not fit: {e}") from None
    history = data.get("history")
    if history is None or history.ndim != 2 or history.shape[1] != len(COLUMNS):
        raise RunFileError(f"{path!r}: history table missing or not {len(COLUMNS)} columns wide")
    trainer.history = History(history)
    trainer.iteration = int(data["iteration"])
    return trainer
