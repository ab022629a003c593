"""The run file: one ``.npz`` holding ``Trainer.state_dict()``, so a run resumes exactly.

``save_run(trainer, path)`` writes the state dict; ``load_run(path)`` checks
the whole file and returns ``Trainer.from_state_dict(state)``, which continues
the run bit for bit: ``load_run(save_run(t, p)).train(k)`` ends with the very
parameters, optimizer moments and history rows ``t.train(k)`` would.

The file holds no pickles. Its entries (NumPy arrays, one per name):

==============================  =================================================
``format``, ``version``         ``"gan_core-run"`` and ``2`` (0-d)
``config``                      the ``Config`` as a JSON string (0-d)
``seed``, ``iteration``,        0-d integers
``ema_count``
``G/W1``, ``G/b1``, ... ``D/``  every parameter array (``G_ema/...`` when ``ema``
                                is on), in the config's ``dtype``
``opt_G/m``, ``/v``, ``/t``     Adam's moments (in the config's ``dtype``) and step
``opt_D/...``                   count (nothing for SGD); the same for D
``streams/real/bit_generator``  the NumPy bit generator's state as JSON (its
``streams/noise/...``           128-bit integers fit JSON), and ``.../rows``:
                                the rows drawn but not yet used (config's ``dtype``)
``history``                     the history table, one row per iteration (float64)
``history_columns``             its column names
==============================  =================================================

``load_run`` validates everything before it builds anything: the format tag
and version, every entry's presence, dtype and shape (against the config:
parameters, moments and stream rows in its ``dtype``, float64 or float32, a
file written before ``dtype`` existed being float64; stream widths, the
history's width and length), the
scalars' ranges, finiteness of parameters and moments, the bit generators'
states, and the size of the networks the config asks for
(``Config.check_size``: at most ``gan_core.config.MAX_PARAMETERS``, counted
from the widths before anything is allocated). A
NumPy header that promises more data than its zip member holds is refused
before a byte is read. Every refusal is a ``RunFileError`` that names the
entry. Version 1 files (older gan_core, no stream state) cannot resume exactly
and are refused.
"""
import json
import math
import os
import tempfile
import zipfile

import numpy as np

from ._checks import MAX_SEED, check_array, check_int, check_seed
from .config import Config
from .data import BLOCK_ROWS
from .history import COLUMNS
from .trainer import MAX_ITERATIONS, Trainer

FORMAT = "gan_core-run"
VERSION = 2

#: Most rows a data stream can hold back: a block, or one mini-batch of the largest size.
MAX_STREAM_ROWS = max(BLOCK_ROWS, 65536)
#: The bit generator every stream of a run uses.
BIT_GENERATOR = "PCG64"
#: Largest text entry (the config and bit-generator JSON are a few hundred bytes).
_MAX_TEXT = 1 << 20


class RunFileError(ValueError):
    """A file that is not a loadable gan_core run (the message names the entry)."""


# --------------------------------------------------------------------- sizes
def layer_sizes(config):
    """``(G's sizes, D's sizes)``: ``(Z_DIM, *G_HIDDEN, X_DIM)`` and ``(X_DIM, *D_HIDDEN, 1)``."""
    return (config.Z_DIM, *config.G_HIDDEN, config.X_DIM), (config.X_DIM, *config.D_HIDDEN, 1)


def _param_shapes(sizes):
    shapes = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        shapes[f"W{i}"], shapes[f"b{i}"] = (n_in, n_out), (n_out,)
    return shapes


# ---------------------------------------------------------------------- save
def save_run(trainer, path):
    """Write ``trainer.state_dict()`` to ``path`` (``.npz`` is appended if missing); returns the path.

    The folder must exist. The file is written beside its final name and moved
    into place, so an interrupted save never leaves half a file under ``path``.
    """
    if not isinstance(trainer, Trainer):
        raise ValueError(f"trainer must be a gan_core.Trainer, got {type(trainer).__name__}")
    if trainer.diverged is not None:
        raise ValueError(f"cannot save a diverged run ({trainer.diverged}); reset() it first")
    path = _as_path(path)
    if not path.endswith(".npz"):
        path += ".npz"
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot save to {path!r}: the folder {folder!r} does not exist")
    if os.path.isdir(path):
        raise IsADirectoryError(f"cannot save to {path!r}: it is a folder")
    arrays = state_to_arrays(trainer.state_dict())
    fd, tmp = tempfile.mkstemp(prefix=".gan_core-", suffix=".npz.part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def state_to_arrays(state):
    """The ``{entry: array}`` a run file holds for ``state`` (a ``Trainer.state_dict()``)."""
    dtype = np.dtype(state["config"].get("dtype", "float64"))
    arrays = {"format": np.array(FORMAT), "version": np.array(VERSION),
              "config": np.array(json.dumps(state["config"])),
              "seed": np.array(state["seed"], dtype=np.int64),
              "iteration": np.array(state["iteration"], dtype=np.int64),
              "ema_count": np.array(state["ema_count"], dtype=np.int64)}
    for net in ("G", "D", "G_ema"):
        for k, v in (state[net] or {}).items():
            arrays[f"{net}/{k}"] = np.asarray(v, dtype=dtype)
    for opt in ("opt_G", "opt_D"):
        for k, v in state[opt].items():
            arrays[f"{opt}/{k}"] = np.asarray(v, dtype=np.int64 if k == "t" else dtype)
    for name, stream in state["streams"].items():
        arrays[f"streams/{name}/bit_generator"] = np.array(json.dumps(stream["bit_generator"]))
        arrays[f"streams/{name}/rows"] = np.asarray(stream["rows"], dtype=dtype)
    arrays["history"] = np.asarray(state["history"], dtype=np.float64).reshape(-1, len(COLUMNS))
    arrays["history_columns"] = np.array(COLUMNS)
    return arrays


# ---------------------------------------------------------------------- load
def load_run(path):
    """Read a file written by ``save_run`` and return a ``Trainer`` that continues it exactly.

    Raises ``FileNotFoundError`` for a missing file and ``RunFileError`` (a
    ``ValueError``) naming the entry for anything else that is not a
    compatible, intact gan_core run.
    """
    path = _as_path(path, error=RunFileError)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no run file at {path!r}")
    if os.path.isdir(path):
        raise RunFileError(f"{path!r} is a folder, not a run file")
    try:
        with _NpzReader(path) as reader:
            state = _read_state(reader)
    except RunFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, KeyError,
            TypeError, OverflowError, NotImplementedError, UnicodeDecodeError, MemoryError) as e:
        raise RunFileError(f"{path!r} is not a readable .npz run file (truncated or not a gan_core save): "
                           f"{type(e).__name__}: {e}") from None
    try:
        return Trainer.from_state_dict(state)
    except (ValueError, TypeError, KeyError, OverflowError) as e:  # the checks above should make this unreachable
        raise RunFileError(f"{path!r} does not fit a Trainer: {e}") from None


def _as_path(path, error=ValueError):
    try:
        return os.fspath(path)
    except TypeError:
        raise error(f"path must be a str or os.PathLike, got {type(path).__name__}") from None


class _NpzReader:
    """The members of an ``.npz`` with their NumPy headers read (and checked) but not their data."""

    def __init__(self, path):
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
            raise RunFileError(f"{path!r} is not a readable .npz run file (truncated or not a gan_core save): "
                               f"{e}") from None
        self.headers = {}
        for info in self.zip.infolist():
            if not info.filename.endswith(".npy"):
                raise RunFileError(f"{path!r} is not a gan_core run: it holds {info.filename!r}, not a NumPy array")
            self.headers[info.filename[:-4]] = (info, *self._header(info))

    def _header(self, info):
        with self.zip.open(info) as fp:
            version = np.lib.format.read_magic(fp)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
            else:
                raise RunFileError(f"{self.path!r}: entry {info.filename[:-4]!r} has NumPy format {version}, "
                                   "which gan_core does not write")
            offset = fp.tell()
        if dtype.hasobject:
            raise RunFileError(f"{self.path!r}: entry {info.filename[:-4]!r} holds Python objects (a pickle); "
                               "a run file holds numbers and text only")
        if math.prod(shape) * dtype.itemsize > info.file_size - offset:
            raise RunFileError(f"{self.path!r}: entry {info.filename[:-4]!r} claims shape {shape} but the file "
                               "holds less data (truncated or corrupt)")
        return shape, dtype

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.zip.close()

    def names(self):
        return set(self.headers)

    def read(self, name):
        with self.zip.open(self.headers[name][0]) as fp:
            return np.lib.format.read_array(fp, allow_pickle=False)


def _read_state(reader):
    """Check every entry of ``reader`` and return the state dict they describe."""
    where = f"{reader.path!r}"
    present = reader.names()

    run_dtype = np.dtype(np.float64)  # the config's dtype, set once the config is read

    def header(name, kind, shape):
        """Check entry ``name``'s dtype and shape from its header. ``kind``: ``"text"``, ``"int"``,
        ``"float"`` (float64) or ``"run"`` (the config's dtype: parameters, moments, stream rows)."""
        if name not in present:
            raise RunFileError(f"{where} lacks the entry {name!r}")
        _, got_shape, dtype = reader.headers[name]
        if kind == "text" or kind == "int":
            if dtype.kind not in {"text": "U", "int": "iu"}[kind]:
                raise RunFileError(f"{where}: entry {name!r} must hold {'text' if kind == 'text' else 'an integer'}, "
                                   f"got dtype {dtype}")
        else:
            want = np.dtype(np.float64) if kind == "float" else run_dtype
            if dtype != want:
                why = " (the config's dtype)" if kind == "run" else ""
                raise RunFileError(f"{where}: entry {name!r} must hold {want.name} numbers{why}, got dtype {dtype}")
        if len(got_shape) != len(shape) or any(s is not None and s != g for s, g in zip(shape, got_shape)):
            want = "a single value" if shape == () else "shape " + _shape_text(shape)
            raise RunFileError(f"{where}: entry {name!r} must be {want}, got shape {got_shape}")
        if kind == "text" and dtype.itemsize * math.prod(got_shape) > _MAX_TEXT:
            raise RunFileError(f"{where}: entry {name!r} is implausibly long ({dtype.itemsize} bytes)")
        return got_shape

    def text(name):
        header(name, "text", ())
        return str(reader.read(name)[()])

    def integer(name, lo, hi, seed=False):
        header(name, "int", ())
        value = reader.read(name)[()]
        try:
            return check_seed(name, value) if seed else check_int(name, value, lo, hi)
        except ValueError as e:
            raise RunFileError(f"{where}: {e}") from None

    def floats(name, shape, finite=True, kind="float"):
        header(name, kind, shape)
        dtype = np.float64 if kind == "float" else run_dtype
        try:
            return check_array(name, reader.read(name), shape=shape, finite=finite, dtype=dtype)
        except ValueError as e:
            raise RunFileError(f"{where}: {e}") from None

    def as_json(name):
        try:
            return json.loads(text(name))
        except (json.JSONDecodeError, RecursionError) as e:
            raise RunFileError(f"{where}: entry {name!r} is not valid JSON: {e}") from None

    # 1. what the file is
    if "format" not in present:
        raise RunFileError(f"{where} is a NumPy file but not a gan_core run (no '{FORMAT}' format tag)")
    try:
        tag = text("format")
    except RunFileError:
        tag = None
    if tag != FORMAT:
        raise RunFileError(f"{where} is a NumPy file but not a gan_core run (its format tag is not '{FORMAT}')")
    version = integer("version", 0, 2**62)
    if version == 1:
        raise RunFileError(f"{where} was written by an older gan_core (run-file version 1): it lacks the data "
                           "streams' state, so it cannot resume exactly; retrain it with this gan_core")
    if version != VERSION:
        raise RunFileError(f"{where} has run-file version {version}; this gan_core reads version {VERSION} "
                           "(a newer gan_core wrote it)")

    # 2. the config, and the size of what it asks for, before anything is built
    cfg = as_json("config")
    if not isinstance(cfg, dict):
        raise RunFileError(f"{where}: entry 'config' must be a JSON object of hyperparameters, "
                           f"got {type(cfg).__name__}")
    try:
        config = Config.from_dict(cfg)
    except (ValueError, TypeError, OverflowError) as e:
        raise RunFileError(f"{where}: entry 'config' is invalid: {e}") from None
    try:
        config.check_size()  # Config.parameter_count() from the widths alone, before any array exists
    except ValueError as e:
        raise RunFileError(f"{where}: entry 'config' asks for networks too large to load: {e}") from None
    run_dtype = np.dtype(config.dtype)

    # 3. the set of entries this config needs, and nothing else
    g_sizes, d_sizes = layer_sizes(config)
    nets = {"G": _param_shapes(g_sizes), "D": _param_shapes(d_sizes)}
    if config.ema is not None:
        nets["G_ema"] = nets["G"]
    n_params = {"opt_G": sum(math.prod(s) for s in nets["G"].values()),
                "opt_D": sum(math.prod(s) for s in nets["D"].values())}
    expected = {"format", "version", "config", "seed", "iteration", "ema_count", "history", "history_columns"}
    expected |= {f"{net}/{k}" for net, shapes in nets.items() for k in shapes}
    if config.optimizer == "adam":
        expected |= {f"{opt}/{k}" for opt in n_params for k in ("m", "v", "t")}
    expected |= {f"streams/{s}/{k}" for s in ("real", "noise") for k in ("bit_generator", "rows")}
    missing, extra = sorted(expected - present), sorted(present - expected)
    if missing:
        raise RunFileError(f"{where} lacks the entry {missing[0]!r}"
                           + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    if extra:
        raise RunFileError(f"{where} has the entry {extra[0]!r}, which a run with this config does not have"
                           + (f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""))

    # 4. scalars
    seed = integer("seed", 0, MAX_SEED, seed=True)
    iteration = integer("iteration", 0, MAX_ITERATIONS)
    ema_count = integer("ema_count", 0, iteration)
    if config.ema is None and ema_count:
        raise RunFileError(f"{where}: entry 'ema_count' is {ema_count} but the config has no ema")

    # 5. every shape from the headers, before reading any large array
    for net, shapes in nets.items():
        for k, shape in shapes.items():
            header(f"{net}/{k}", "run", shape)
    if config.optimizer == "adam":
        for opt, n in n_params.items():
            header(f"{opt}/m", "run", (n,))
            header(f"{opt}/v", "run", (n,))
    widths = {"real": config.X_DIM, "noise": config.Z_DIM}
    for s, width in widths.items():
        rows = header(f"streams/{s}/rows", "run", (None, width))
        if rows[0] > MAX_STREAM_ROWS:
            raise RunFileError(f"{where}: entry 'streams/{s}/rows' has {rows[0]} rows; a stream holds at most "
                               f"{MAX_STREAM_ROWS}")
    header("history", "float", (iteration, len(COLUMNS)))
    header("history_columns", "text", (len(COLUMNS),))

    # 6. the values
    params = {net: {k: floats(f"{net}/{k}", shape, kind="run") for k, shape in shapes.items()}
              for net, shapes in nets.items()}
    opts = {}
    for opt, n in n_params.items():
        if config.optimizer == "adam":
            m, v = floats(f"{opt}/m", (n,), kind="run"), floats(f"{opt}/v", (n,), kind="run")
            if (v < 0).any():
                raise RunFileError(f"{where}: entry '{opt}/v' holds negative second moments")
            t = integer(f"{opt}/t", 0, 2 * MAX_ITERATIONS)
            opts[opt] = {"m": m, "v": v, "t": np.array(t)}
        else:
            opts[opt] = {}
    streams = {s: {"bit_generator": _check_bit_generator(where, f"streams/{s}/bit_generator",
                                                         as_json(f"streams/{s}/bit_generator")),
                   "rows": floats(f"streams/{s}/rows", (None, width), kind="run")}
               for s, width in widths.items()}
    history = floats("history", (iteration, len(COLUMNS)), finite=False)
    columns = tuple(str(c) for c in reader.read("history_columns"))
    if columns != COLUMNS:
        raise RunFileError(f"{where}: entry 'history_columns' is {list(columns)}, expected {list(COLUMNS)}")
    return {"config": config.to_dict(), "seed": seed, "iteration": iteration, "ema_count": ema_count,
            "G": params["G"], "D": params["D"], "G_ema": params.get("G_ema"),
            "opt_G": opts["opt_G"], "opt_D": opts["opt_D"], "streams": streams, "history": history}


def _check_bit_generator(where, name, state):
    """``state`` if it is a valid PCG64 state dict (as ``bit_generator.state`` gives); else ``RunFileError``."""
    def bad(why):
        return RunFileError(f"{where}: entry {name!r} is not a valid {BIT_GENERATOR} state: {why}")

    if not isinstance(state, dict) or set(state) != {"bit_generator", "state", "has_uint32", "uinteger"}:
        raise bad("expected the keys bit_generator, state, has_uint32, uinteger")
    if state["bit_generator"] != BIT_GENERATOR:
        raise bad(f"bit_generator is {state['bit_generator']!r}")
    inner = state["state"]
    if not isinstance(inner, dict) or set(inner) != {"state", "inc"}:
        raise bad("state must hold the keys state and inc")
    try:
        check_int("state", inner["state"], 0, 2**128 - 1)
        check_int("inc", inner["inc"], 1, 2**128 - 1)
        check_int("has_uint32", state["has_uint32"], 0, 1)
        check_int("uinteger", state["uinteger"], 0, 2**32 - 1)
    except ValueError as e:
        raise bad(e) from None
    if inner["inc"] % 2 == 0:
        raise bad("inc must be odd (PCG64 never produces an even increment)")
    try:
        np.random.PCG64().state = state
    except (ValueError, TypeError, KeyError, OverflowError) as e:
        raise bad(e) from None
    return state


def _shape_text(shape):
    return "(" + ", ".join("n" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
