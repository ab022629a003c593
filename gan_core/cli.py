"""Command line: ``python -m gan_core train --recipe book --seed 0 --out runs/book``.

Writes ``model.npz``, ``samples.npy`` (1000 generated signals), ``metrics.json``
(the evaluation report and the training time), ``samples.png`` and
``losses.png`` into the output folder, which must be empty unless ``--force``.
Every hyperparameter of ``gan_core.Config`` is a flag named as in the
chapter (``--step_size_D 0.02``, ``--WEIGHT_CLIP off``, ``--G_HIDDEN 32,32``).
Bad arguments print one line and exit with status 2.
"""
import argparse
import dataclasses
import json
import os
import sys
import time

from .config import Config, FIELD_NAMES, check_value
from .recipes import RECIPES

N_SAMPLES = 1000


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parse_value(name, text):
    """Turn a flag's text into a typed hyperparameter value (validated by Config)."""
    default = getattr(Config(), name)
    t = text.strip()
    if t.lower() in ("none", "off") and name in ("GRADIENT_CLIP", "WEIGHT_CLIP", "ema"):
        return None
    try:
        if isinstance(default, tuple):
            return tuple(int(w) for w in t.split(","))
        if isinstance(default, str):
            return t
        if isinstance(default, int) and not isinstance(default, bool) and name not in ("GRADIENT_CLIP", "WEIGHT_CLIP"):
            return int(t)
        return float(t)
    except ValueError:
        raise ValueError(f"{name} got {text!r}, which is not a valid value") from None


def build_parser():
    """The ``argparse`` parser: ``train`` with ``--recipe --seed --out --force --iterations``
    and one ``--NAME VALUE`` flag per ``Config`` field."""
    p = _Parser(prog="python -m gan_core", description="Train the book's NumPy GAN on sine signals.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    t = sub.add_parser("train", help="train a recipe and write model, samples, metrics and figures")
    t.add_argument("--recipe", choices=sorted(RECIPES), default="book")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--out", required=True, help="output folder (must be empty unless --force)")
    t.add_argument("--force", action="store_true", help="write into a non-empty folder, replacing our files")
    t.add_argument("--iterations", type=int, default=None, help="number of iterations (sets ITER_NUM)")
    t.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    for f in dataclasses.fields(Config):
        t.add_argument(f"--{f.name}", dest=f"hp_{f.name}", metavar="VALUE", default=None,
                       help=f"override {f.name}")
    return p


def main(argv=None):
    """Run the command line; returns the exit status (0 ok, 2 bad arguments)."""
    args = build_parser().parse_args(argv)
    prog = "python -m gan_core"
    try:
        overrides = {n: _parse_value(n, getattr(args, f"hp_{n}")) for n in FIELD_NAMES
                     if getattr(args, f"hp_{n}") is not None}
        if args.iterations is not None:
            overrides["ITER_NUM"] = args.iterations
        for k, v in overrides.items():
            check_value(k, v)
        if args.seed < 0:
            raise ValueError(f"--seed must be an integer >= 0, got {args.seed}")
        out = args.out
        if os.path.exists(out) and not os.path.isdir(out):
            raise ValueError(f"--out {out!r} exists and is not a folder")
        if os.path.isdir(out) and os.listdir(out) and not args.force:
            raise ValueError(f"--out {out!r} is not empty; choose another folder or pass --force")
    except ValueError as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 2
    return _train(args, overrides)


def _train(args, overrides):
    import numpy as np

    from .data import sample_sines
    from .metrics import evaluate, format_report
    from .trainer import Trainer

    os.makedirs(args.out, exist_ok=True)
    trainer = Trainer(recipe=args.recipe, seed=args.seed, **overrides)
    t0 = time.perf_counter()
    trainer.train(progress=not args.no_progress)
    seconds = time.perf_counter() - t0
    samples = trainer.sample(N_SAMPLES)
    report = evaluate(samples)
    report.update(recipe=args.recipe, seed=args.seed, iterations=trainer.iteration,
                  train_seconds=round(seconds, 3), config=trainer.config.to_dict())
    trainer.save(os.path.join(args.out, "model.npz"))
    np.save(os.path.join(args.out, "samples.npy"), samples)
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(report, f, indent=2)
    _figures(trainer, samples, sample_sines(50, np.random.default_rng(args.seed), trainer.config.X_DIM), args.out)
    print(format_report(report))
    print(f"trained {trainer.iteration} iterations in {seconds:.1f} s; wrote {args.out}/"
          "{model.npz,samples.npy,metrics.json,samples.png,losses.png}")
    return 0


def _figures(trainer, samples, real, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .plots import losses_figure, samples_figure

    for name, fig in (("samples.png", samples_figure(samples, real)), ("losses.png", losses_figure(trainer.history))):
        fig.savefig(os.path.join(out, name), dpi=100)
        plt.close(fig)
