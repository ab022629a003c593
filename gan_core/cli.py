"""Command line: ``python -m gan_core COMMAND ...``.

``train --recipe book --seed 0 --out runs/book``
    trains a recipe and writes ``model.npz``, ``samples.npy`` (1000 generated
    signals), ``metrics.json`` (the evaluation report and the training time),
    ``samples.png`` and ``losses.png`` into the output folder. Every
    hyperparameter of ``gan_core.Config`` is a flag named as in the chapter
    (``--step_size_D 0.02``, ``--WEIGHT_CLIP off``, ``--G_HIDDEN 32,32``);
    ``--iterations N`` sets ``ITER_NUM``.
``resume runs/book/model.npz --iterations 5000 --out runs/book2``
    continues a saved run exactly (as if it had never stopped) and writes the
    same five files.
``evaluate PATH [--json]``
    prints the quality report of a samples ``.npy`` (n x X_DIM) or of 1000
    samples drawn from a model ``.npz``.
``sample MODEL --n 500 --out samples.npy [--seed S]``
    draws generated signals from a saved model.

Output folders must be empty and output files new unless ``--force``.
Every failure prints one line on stderr: bad input exits with status 2, a run
that diverges (or a write that fails) with status 1; no traceback.
"""
import argparse
import dataclasses
import json
import math
import os
import sys
import tempfile
import time

from ._checks import MAX_SEED, check_int
from .config import FIELD_NAMES, Config, check_value
from .recipes import RECIPES

PROG = "python -m gan_core"
#: Generated signals written by ``train`` / ``resume`` and drawn by ``evaluate MODEL``.
N_SAMPLES = 1000
#: The most iterations a command accepts (``Config.ITER_NUM``'s upper bound).
MAX_ITERATIONS = 10**9
#: The most values ``sample`` writes (n * X_DIM; 800 MB of float64).
MAX_SAMPLE_VALUES = 10**8
#: The files ``train`` and ``resume`` write.
OUTPUTS = ("model.npz", "samples.npy", "metrics.json", "samples.png", "losses.png")
_SWITCHES = ("GRADIENT_CLIP", "WEIGHT_CLIP", "ema")


class CommandError(Exception):
    """A failure to report on one line: ``status`` 2 for bad input, 1 for a failed run or write."""

    def __init__(self, message, status=2):
        super().__init__(message)
        self.status = status


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {message}\n")


# ------------------------------------------------------------------ parsing
def _range_text(name):
    """``"NAME must be ... in [lo, hi]"``: the allowed values of a Config field, from its own check."""
    try:
        check_value(name, math.inf)
    except ValueError as e:
        return str(e).rsplit(", got ", 1)[0]
    return f"{name} got an invalid value"


def _parse_value(name, text):
    """Turn a flag's text into a typed hyperparameter value, checked (``ValueError`` naming ``--name``)."""
    default = getattr(Config(), name)
    t = text.strip()
    if t.lower() in ("none", "off") and name in _SWITCHES:
        return None
    try:
        if isinstance(default, tuple):
            value = tuple(int(w) for w in t.split(","))
        elif isinstance(default, str):
            value = t
        elif isinstance(default, int) and name not in _SWITCHES:
            value = int(t)
        else:
            value = float(t)
    except ValueError:
        raise ValueError(f"--{_range_text(name)}, got {_shown(text)}") from None
    try:
        return check_value(name, value)
    except ValueError as e:
        raise ValueError(f"--{e}") from None


def _shown(text):
    return repr(text) if len(text) <= 40 else f"{text[:20]!r}... ({len(text)} characters)"


def _integer(flag, text, lo, hi):
    """``text`` as an integer in ``[lo, hi]`` (``ValueError`` naming ``flag`` and the range)."""
    try:
        value = int(text.strip())
    except ValueError:  # not digits, or more than Python's 4300-digit limit
        raise ValueError(f"{flag} must be an integer in [{lo}, {hi}], got {_shown(text)}") from None
    return check_int(flag, value, lo, hi)


def build_parser():
    """The ``argparse`` parser of the four commands (``train``, ``resume``, ``evaluate``, ``sample``)."""
    p = _Parser(prog=PROG, allow_abbrev=False,
                description="Train, resume, sample and evaluate the book's NumPy GAN on sine signals.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("train", allow_abbrev=False,
                       help="train a recipe and write model, samples, metrics and figures")
    t.add_argument("--recipe", choices=sorted(RECIPES), default="book")
    t.add_argument("--seed", default="0", help=f"the run's seed, an integer in [0, {MAX_SEED}]")
    t.add_argument("--out", required=True, help="output folder (must be empty unless --force)")
    t.add_argument("--force", action="store_true", help="write into a non-empty folder, replacing our files")
    t.add_argument("--iterations", default=None, help="number of iterations (sets ITER_NUM)")
    t.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    for f in dataclasses.fields(Config):
        t.add_argument(f"--{f.name}", dest=f"hp_{f.name}", metavar="VALUE", default=None,
                       help=f"override {f.name}")

    r = sub.add_parser("resume", allow_abbrev=False,
                       help="continue a saved run exactly and write model, samples, metrics and figures")
    r.add_argument("model", metavar="MODEL", help="a model.npz written by train or resume")
    r.add_argument("--iterations", required=True, help="how many more iterations to run")
    r.add_argument("--out", required=True, help="output folder (must be empty unless --force)")
    r.add_argument("--force", action="store_true", help="write into a non-empty folder, replacing our files")
    r.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    e = sub.add_parser("evaluate", allow_abbrev=False, help="print the quality report of samples or of a model")
    e.add_argument("path", metavar="PATH", help=f"samples .npy (n x X_DIM) or model .npz ({N_SAMPLES} samples)")
    e.add_argument("--json", action="store_true", help="print the report as JSON")

    s = sub.add_parser("sample", allow_abbrev=False, help="draw generated signals from a saved model")
    s.add_argument("model", metavar="MODEL", help="a model.npz written by train or resume")
    s.add_argument("--n", required=True, help="number of signals")
    s.add_argument("--out", required=True, help="the .npy file to write (new unless --force)")
    s.add_argument("--seed", default=None, help="seed of the noise (default: the run's own sampling seed)")
    s.add_argument("--force", action="store_true", help="replace an existing file")
    return p


# --------------------------------------------------------------------- main
def main(argv=None):
    """Run the command line; returns the exit status (0 ok, 2 bad input, 1 failed run or write)."""
    import numpy as np

    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:  # argparse has printed its one line (or the help)
        return e.code if isinstance(e.code, int) else 2
    command = {"train": _train, "resume": _resume, "evaluate": _evaluate, "sample": _sample}[args.command]
    try:
        with np.errstate(all="ignore"):  # a diverging run is reported by the trainer itself
            return command(args)
    except CommandError as e:
        return _fail(args.command, e, e.status)
    except ValueError as e:  # RunFileError included
        return _fail(args.command, e, 2)
    except FileNotFoundError as e:
        return _fail(args.command, e, 2)
    except OSError as e:
        return _fail(args.command, f"cannot write: {e}", 1)
    except MemoryError:
        return _fail(args.command, "out of memory", 1)
    except KeyboardInterrupt:
        return _fail(args.command, "interrupted", 130)


def _fail(command, message, status):
    text = " ".join(str(message).split())
    print(f"{PROG} {command}: error: {text}", file=sys.stderr)
    return status


# ----------------------------------------------------------------- commands
def _train(args):
    from .recipes import get_recipe
    from .trainer import Trainer

    overrides = {n: _parse_value(n, getattr(args, f"hp_{n}")) for n in FIELD_NAMES
                 if getattr(args, f"hp_{n}") is not None}
    if args.iterations is not None:  # checked after --ITER_NUM, so a bad --ITER_NUM is still refused
        overrides["ITER_NUM"] = _integer("--iterations", args.iterations, 1, MAX_ITERATIONS)
    seed = _integer("--seed", args.seed, 0, MAX_SEED)
    config = get_recipe(args.recipe).replace(**overrides).check_size()
    _check_scorable(config.X_DIM)
    created = _prepare_folder(args.out, args.force)
    trainer = Trainer(config, seed=seed)
    trainer.recipe = args.recipe
    seconds = _run(trainer, config.ITER_NUM, args.no_progress, args.out, created)
    return _write_run(trainer, args.out, seconds, {"recipe": args.recipe, "seed": seed},
                      f"trained {trainer.iteration} iterations")


def _resume(args):
    iterations = _integer("--iterations", args.iterations, 1, MAX_ITERATIONS)
    trainer = _load(args.model)
    start = trainer.iteration
    if start + iterations > MAX_ITERATIONS:
        raise ValueError(f"--iterations {iterations}: the run is at iteration {start} and may reach at most "
                         f"{MAX_ITERATIONS}")
    created = _prepare_folder(args.out, args.force)
    c = trainer.config
    if c.lr_decay == "linear" and start + iterations > c.ITER_NUM:
        print(f"note: lr_decay='linear' and ITER_NUM={c.ITER_NUM}: the step sizes are 0 from iteration "
              f"{c.ITER_NUM} on")
    seconds = _run(trainer, iterations, args.no_progress, args.out, created)
    return _write_run(trainer, args.out, seconds,
                      {"seed": trainer.seed, "resumed_from": os.path.abspath(args.model), "resumed_at": start},
                      f"resumed at iteration {start}, trained {iterations} more to {trainer.iteration}")


def _evaluate(args):
    from .metrics import evaluate, format_report

    path = args.path
    if _is_model(path):
        trainer = _load(path)
        samples, what = trainer.sample(N_SAMPLES), f"{N_SAMPLES} samples of the model in {path!r}"
    else:
        samples, what = _read_samples(path), f"the samples in {path!r}"
    try:
        report = evaluate(samples)
    except ValueError as e:
        raise ValueError(f"cannot score {what}: {e}") from None
    print(json.dumps(_json_safe(report), indent=2, allow_nan=False) if args.json else format_report(report))
    return 0


def _sample(args):
    import numpy as np

    n = _integer("--n", args.n, 1, 10**7)
    seed = None if args.seed is None else _integer("--seed", args.seed, 0, MAX_SEED)
    out = args.out
    if not out.endswith(".npy"):
        raise ValueError(f"--out must name a .npy file, got {out!r}")
    folder = os.path.dirname(out) or "."
    if os.path.isdir(out):
        raise ValueError(f"--out {out!r} is a folder, not a .npy file")
    if os.path.exists(out) and not args.force:
        raise ValueError(f"--out {out!r} exists; choose another file or pass --force")
    if not os.path.isdir(folder):
        raise ValueError(f"--out {out!r}: the folder {folder!r} does not exist")
    trainer = _load(args.model)
    if n * trainer.config.X_DIM > MAX_SAMPLE_VALUES:
        raise ValueError(f"--n {n}: {n} x {trainer.config.X_DIM} values is more than the {MAX_SAMPLE_VALUES:,} "
                         "a sample file may hold")
    samples = trainer.sample(n, rng=None if seed is None else np.random.default_rng(seed))
    _atomic_write(out, lambda f: np.save(f, samples))
    print(f"wrote {n} samples of length {samples.shape[1]} to {out}")
    return 0


# ------------------------------------------------------------------ helpers
def _check_scorable(x_dim):
    """Refuse up front an ``X_DIM`` the quality report cannot score (the metrics decide, on a dummy set)."""
    import numpy as np

    from .metrics import evaluate
    try:
        evaluate(np.zeros((2, x_dim)), floor_repeats=1)
    except ValueError as e:
        raise ValueError(f"--X_DIM {x_dim}: gan_core.metrics cannot score signals of this length, so no "
                         f"report could be made ({e})") from None


def _prepare_folder(out, force):
    """Check (and create) the output folder before any work; returns True if it was created."""
    if not out.strip():
        raise ValueError(f"--out must name a folder, got {out!r}")
    if os.path.exists(out) and not os.path.isdir(out):
        raise ValueError(f"--out {out!r} exists and is not a folder")
    if os.path.isdir(out) and os.listdir(out) and not force:
        raise ValueError(f"--out {out!r} is not empty; choose another folder or pass --force")
    created = not os.path.isdir(out)
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as e:
        raise ValueError(f"--out {out!r} cannot be created: {e.strerror or e}") from None
    try:
        fd, probe = tempfile.mkstemp(prefix=".gan_core-probe-", dir=out)
        os.close(fd)
        os.remove(probe)
    except OSError as e:
        _remove_if_empty(out, created)
        raise ValueError(f"--out {out!r} is not writable: {e.strerror or e}") from None
    return created


def _remove_if_empty(out, created):
    if created:
        try:
            os.rmdir(out)
        except OSError:
            pass


def _run(trainer, iterations, no_progress, out, created):
    """Train; a divergence becomes a one-line ``CommandError`` (status 1) and nothing is written."""
    t0 = time.perf_counter()
    try:
        trainer.train(iterations, progress=not no_progress)
    except FloatingPointError as e:
        _remove_if_empty(out, created)
        raise CommandError(f"{e}; nothing was written (try smaller step sizes or switch the clips on)", 1) from None
    except BaseException:
        _remove_if_empty(out, created)
        raise
    return time.perf_counter() - t0


def _write_run(trainer, out, seconds, extra, done):
    """Write the five outputs of ``train`` / ``resume`` and print the report."""
    import numpy as np

    from .data import sample_sines
    from .metrics import evaluate, format_report
    from .persistence import save_run

    samples = trainer.sample(N_SAMPLES)
    try:
        report, no_report = evaluate(samples), None
    except ValueError as e:
        report, no_report = {}, f"no quality report: gan_core.metrics cannot score these samples ({e})"
    text = format_report(report) if no_report is None else no_report
    report = dict(report, **extra, iterations=trainer.iteration, train_seconds=round(seconds, 3),
                  config=trainer.config.to_dict())
    if no_report is not None:
        report["no_report"] = no_report
    save_run(trainer, os.path.join(out, "model.npz"))
    _atomic_write(os.path.join(out, "samples.npy"), lambda f: np.save(f, samples))
    _atomic_write(os.path.join(out, "metrics.json"),
                  lambda f: f.write(json.dumps(_json_safe(report), indent=2, allow_nan=False).encode()))
    real = sample_sines(50, np.random.default_rng(trainer.seed), trainer.config.X_DIM)
    _figures(trainer, samples, real, out)
    print(text)
    print(f"{done} in {seconds:.1f} s; wrote {out}/{{{','.join(OUTPUTS)}}}")
    return 0


def _atomic_write(path, write):
    """``write(binary file)`` to a temporary file beside ``path``, then move it into place."""
    fd, tmp = tempfile.mkstemp(prefix=".gan_core-", suffix=".part", dir=os.path.dirname(path) or ".")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _is_model(path):
    import zipfile
    return path.endswith(".npz") or (os.path.isfile(path) and zipfile.is_zipfile(path))


def _load(path):
    """``load_run(path)`` with a missing file or a folder as a one-line ``ValueError``."""
    from .persistence import load_run
    if not os.path.exists(path):
        raise ValueError(f"no model file at {path!r}")
    return load_run(path)


def _read_samples(path):
    """A samples ``.npy`` as an array, its header checked against the file before reading."""
    import numpy as np

    if not os.path.exists(path):
        raise ValueError(f"no samples file at {path!r}")
    if os.path.isdir(path):
        raise ValueError(f"{path!r} is a folder, not a samples .npy or a model .npz")
    try:
        with open(path, "rb") as f:
            version = np.lib.format.read_magic(f)
            reader = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
            if version not in reader:
                raise ValueError(f"unsupported .npy version {version}")
            shape, _, dtype = reader[version](f)
            if dtype.hasobject:
                raise ValueError("it holds Python objects (a pickle), not numbers")
            if math.prod(shape) * dtype.itemsize > os.path.getsize(path) - f.tell():
                raise ValueError(f"its header promises shape {shape} but the file is shorter (truncated)")
        return np.load(path, allow_pickle=False)
    except (ValueError, EOFError, OSError, TypeError) as e:
        raise ValueError(f"{path!r} is not a readable samples .npy (n x X_DIM floats) or model .npz: {e}") from None


def _json_safe(value):
    """``value`` with NumPy scalars as Python ones and NaN / inf as ``null`` (strict JSON)."""
    import numpy as np

    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.ndarray):
        return _json_safe(value.tolist())
    return value


def _figures(trainer, samples, real, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .plots import losses_figure, samples_figure

    for name, fig in (("samples.png", samples_figure(samples, real)), ("losses.png", losses_figure(trainer.history))):
        fig.savefig(os.path.join(out, name), dpi=100)
        plt.close(fig)
