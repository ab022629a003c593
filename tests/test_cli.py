"""gan_core.cli: train, resume, evaluate and sample; one line and exit 2 (or 1) for every failure."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import gan_core
from gan_core import cli
from gan_core.persistence import load_run, save_run

HUGE = str(10**400)
OUTPUTS = ["losses.png", "metrics.json", "model.npz", "samples.npy", "samples.png"]


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "gan_core", *args], capture_output=True, text=True, cwd=cwd)


def _main(capsys, *args):
    status = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def _one_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _max_difference(a, b):
    diffs = [np.abs(a.G.theta - b.G.theta).max(), np.abs(a.D.theta - b.D.theta).max(),
             np.abs(a.history.to_array() - b.history.to_array()).max()]
    if a.G_ema is not None:
        diffs.append(np.abs(a.G_ema.theta - b.G_ema.theta).max())
    for x, y in ((a.opt_G, b.opt_G), (a.opt_D, b.opt_D)):
        for k, v in x.state().items():
            diffs.append(np.abs(np.asarray(v) - np.asarray(y.state()[k])).max())
    return float(max(diffs))


# ------------------------------------------------------------------------ train
def test_cli_train_writes_everything(tmp_path):
    out = tmp_path / "run"
    r = _cli("train", "--recipe", "book", "--seed", "1", "--out", str(out), "--iterations", "300", "--no-progress")
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(out)) == OUTPUTS
    samples = np.load(out / "samples.npy")
    assert samples.shape == (1000, 10)
    report = json.loads((out / "metrics.json").read_text())
    for key in ("valid_fraction", "mmd2", "mmd2_floor_max", "nn1_accuracy", "train_seconds", "indistinguishable"):
        assert key in report
    assert report["iterations"] == 300 and report["recipe"] == "book" and report["seed"] == 1
    assert np.array_equal(load_run(out / "model.npz").sample(1000), samples)
    assert (out / "samples.png").read_bytes()[:4] == b"\x89PNG"


def test_cli_refuses_a_non_empty_folder_unless_forced(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    status, _, err = _main(capsys, "train", "--out", tmp_path, "--iterations", 5, "--no-progress")
    assert status == 2 and "not empty" in _one_line(err)
    status, _, err = _main(capsys, "train", "--out", tmp_path, "--iterations", 5, "--no-progress", "--force")
    assert status == 0, err
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_cli_subprocess_bad_input_and_divergence(tmp_path):
    r = _cli("train", "--out", str(tmp_path / "x"), "--seed", str(2**63))
    assert r.returncode == 2 and "--seed must be an integer in [0, 9223372036854775807]" in _one_line(r.stderr)
    r = _cli("train", "--out", str(tmp_path / "x"), "--no-progress", "--step_size_D", "10", "--step_size_G", "10",
             "--GRADIENT_CLIP", "off", "--WEIGHT_CLIP", "off")
    line = _one_line(r.stderr)
    assert r.returncode == 1 and "diverged at iteration" in line and "step_size_D=10.0" in line
    assert not (tmp_path / "x").exists()
    r = _cli()
    assert r.returncode == 2 and "required" in _one_line(r.stderr)


def test_train_x_dim_4_is_the_shortest_signal_with_a_report(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "N_SAMPLES", 100)  # a smaller report: its null bands at a new X_DIM take a while
    status, out, err = _main(capsys, "train", "--out", tmp_path / "r", "--iterations", 20, "--no-progress",
                             "--X_DIM", 4)
    assert status == 0, err
    assert "valid sines" in out and np.load(tmp_path / "r" / "samples.npy").shape == (100, 4)


def test_train_still_writes_the_run_when_no_report_can_be_made(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "_check_scorable", lambda x_dim: None)  # pretend the up-front check missed it
    status, out, err = _main(capsys, "train", "--out", tmp_path / "r", "--iterations", 10, "--no-progress",
                             "--X_DIM", 3)
    assert status == 0, err
    assert "no quality report" in out and "x_dim >= 4" in out
    report = json.loads((tmp_path / "r" / "metrics.json").read_text())
    assert "no_report" in report and report["iterations"] == 10
    assert sorted(os.listdir(tmp_path / "r")) == OUTPUTS


# ----------------------------------------------------------------------- resume
def test_resume_continues_exactly_like_the_uninterrupted_command(tmp_path, capsys):
    a, b, straight = tmp_path / "a", tmp_path / "b", tmp_path / "straight"
    assert _main(capsys, "train", "--out", a, "--iterations", 50, "--seed", 4, "--no-progress")[0] == 0
    status, out, err = _main(capsys, "resume", a / "model.npz", "--iterations", 50, "--out", b, "--no-progress")
    assert status == 0, err
    assert "resumed at iteration 50, trained 50 more to 100" in out
    assert sorted(os.listdir(b)) == OUTPUTS
    assert _main(capsys, "train", "--out", straight, "--iterations", 100, "--seed", 4, "--no-progress")[0] == 0
    # the book recipe does not decay its steps, so ITER_NUM (50 vs 100) changes nothing else
    assert _max_difference(load_run(b / "model.npz"), load_run(straight / "model.npz")) == 0.0
    assert np.array_equal(np.load(b / "samples.npy"), np.load(straight / "samples.npy"))
    report = json.loads((b / "metrics.json").read_text())
    assert report["resumed_at"] == 50 and report["iterations"] == 100


@pytest.mark.parametrize("saved_at", [0, 40])
def test_resume_of_the_recommended_recipe_is_bit_for_bit(tmp_path, capsys, saved_at):
    straight = gan_core.Trainer(recipe="recommended", seed=2, ITER_NUM=100).train(100)
    path = save_run(gan_core.Trainer(recipe="recommended", seed=2, ITER_NUM=100).train(saved_at), tmp_path / "m")
    status, _, err = _main(capsys, "resume", path, "--iterations", 100 - saved_at, "--out", tmp_path / "r",
                           "--no-progress")
    assert status == 0, err
    assert _max_difference(load_run(tmp_path / "r" / "model.npz"), straight) == 0.0


def test_resume_into_the_models_own_folder_with_force(tmp_path, capsys):
    assert _main(capsys, "train", "--out", tmp_path, "--iterations", 10, "--no-progress")[0] == 0
    assert _main(capsys, "resume", tmp_path / "model.npz", "--iterations", 5, "--out", tmp_path)[0] == 2
    status, _, err = _main(capsys, "resume", tmp_path / "model.npz", "--iterations", 5, "--out", tmp_path,
                           "--force", "--no-progress")
    assert status == 0, err
    assert load_run(tmp_path / "model.npz").iteration == 15
    assert sorted(os.listdir(tmp_path)) == OUTPUTS


# --------------------------------------------------------------- evaluate/sample
@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A small saved model, its samples, and an assortment of bad files."""
    d = tmp_path_factory.mktemp("files")
    model = save_run(gan_core.Trainer(recipe="book", seed=1).train(20), d / "model.npz")
    np.save(d / "samples.npy", load_run(model).sample(300))
    np.save(d / "flat.npy", np.zeros(30))
    np.save(d / "short.npy", np.zeros((50, 3)))
    np.save(d / "nan.npy", np.full((50, 10), np.nan))
    np.save(d / "text.npy", np.array([["a"] * 10] * 5))
    np.save(d / "pickle.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    (d / "notnpy.npy").write_text("hello")
    (d / "plain.txt").write_text("hello")
    data = open(model, "rb").read()
    (d / "cut.npz").write_bytes(data[: len(data) // 2])
    with np.load(model) as f:
        old = dict(f)
    old["version"] = np.array(1)
    np.savez(d / "old.npz", **old)
    (d / "full").mkdir()
    (d / "full" / "x").write_text("x")
    (d / "exists.npy").write_bytes(b"")
    return d


def test_evaluate_samples_and_model(files, capsys):
    status, out, err = _main(capsys, "evaluate", files / "samples.npy")
    assert status == 0, err
    assert out.startswith("samples: 300 ")
    status, out, err = _main(capsys, "evaluate", files / "model.npz")
    assert status == 0 and out.startswith("samples: 1000 "), err


def test_evaluate_json_is_strict_json(files, capsys):
    status, out, err = _main(capsys, "evaluate", files / "model.npz", "--json")
    assert status == 0, err
    report = json.loads(out, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert report["n"] == 1000 and isinstance(report["indistinguishable"], bool)
    expected = cli._json_safe(gan_core.metrics.evaluate(load_run(files / "model.npz").sample(1000)))
    assert report == expected


def test_json_safe():
    got = cli._json_safe({"a": np.float64("nan"), "b": np.bool_(True), "c": np.int64(3),
                          "d": (1.0, float("inf")), "e": np.arange(2)})
    assert got == {"a": None, "b": True, "c": 3, "d": [1.0, None], "e": [0, 1]}
    assert type(got["b"]) is bool and type(got["c"]) is int
    json.dumps(got, allow_nan=False)


def test_sample_writes_and_refuses_to_overwrite(files, tmp_path, capsys):
    out = tmp_path / "s.npy"
    status, text, err = _main(capsys, "sample", files / "model.npz", "--n", 7, "--out", out)
    assert status == 0, err
    got = np.load(out)
    assert np.array_equal(got, load_run(files / "model.npz").sample(7))
    status, _, err = _main(capsys, "sample", files / "model.npz", "--n", 5, "--out", out)
    assert status == 2 and "exists" in _one_line(err) and np.array_equal(np.load(out), got)
    assert _main(capsys, "sample", files / "model.npz", "--n", 5, "--out", out, "--force", "--seed", 3)[0] == 0
    assert np.array_equal(np.load(out), load_run(files / "model.npz").sample(5, np.random.default_rng(3)))
    assert sorted(os.listdir(tmp_path)) == ["s.npy"]


# ------------------------------------------------------------ the bad-input sweep
DIVERGE = ["--step_size_D", "10", "--step_size_G", "10", "--GRADIENT_CLIP", "off", "--WEIGHT_CLIP", "off"]

# (argv with {f} = the files folder and {t} = a fresh temporary folder, exit status, text the one line must hold)
SWEEP = [
    ([], 2, "required: command"),
    (["fly"], 2, "invalid choice: 'fly'"),
    (["train"], 2, "required: --out"),
    (["train", "--out", "{t}/x", "--step_size_G"], 2, "--step_size_G: expected one argument"),
    (["train", "--out", "{t}/x", "--bogus", "1"], 2, "unrecognized arguments: --bogus"),
    (["train", "--out", "{t}/x", "--recipe", "fancy"], 2, "invalid choice: 'fancy'"),
    (["train", "--out", "{t}/x", "--step_size_G", "-0.1"], 2, "step_size_G must be a number in (0, 10]"),
    (["train", "--out", "{t}/x", "--step_size_D", "abc"], 2, "step_size_D must be a number in (0, 10]"),
    (["train", "--out", "{t}/x", "--step_size_D", "1e400"], 2, "step_size_D must be a number in (0, 10]"),
    (["train", "--out", "{t}/x", "--step_size_G", HUGE], 2, "step_size_G must be a number in (0, 10]"),
    (["train", "--out", "{t}/x", "--batch_size", "0"], 2, "batch_size must be an integer in [1, 65536]"),
    (["train", "--out", "{t}/x", "--batch_size", "2.5"], 2, "batch_size must be an integer in [1, 65536]"),
    (["train", "--out", "{t}/x", "--batch_size", HUGE], 2, "batch_size must be an integer in [1, 65536]"),
    (["train", "--out", "{t}/x", "--Z_DIM", HUGE], 2, "Z_DIM must be an integer in [1, 1024]"),
    (["train", "--out", "{t}/x", "--X_DIM", "0"], 2, "X_DIM must be an integer in [1, 1024]"),
    (["train", "--out", "{t}/x", "--X_DIM", "2000"], 2, "X_DIM must be an integer in [1, 1024]"),
    (["train", "--out", "{t}/x", "--X_DIM", "3"], 2, "X_DIM 3: gan_core.metrics cannot score"),
    (["train", "--out", "{t}/x", "--X_DIM", "1"], 2, "X_DIM 1: gan_core.metrics cannot score"),
    (["train", "--out", "{t}/x", "--G_HIDDEN", "10,abc"], 2, "G_HIDDEN must be a width"),
    (["train", "--out", "{t}/x", "--G_HIDDEN", "0,10"], 2, "G_HIDDEN must be an integer in [1, 4096]"),
    (["train", "--out", "{t}/x", "--G_HIDDEN", HUGE], 2, "G_HIDDEN must be an integer in [1, 4096]"),
    (["train", "--out", "{t}/x", "--D_HIDDEN", "4096,4096,4096,4096"], 2, "D_HIDDEN"),
    (["train", "--out", "{t}/x", "--GRADIENT_CLIP", "nan"], 2, "GRADIENT_CLIP must be a number"),
    (["train", "--out", "{t}/x", "--WEIGHT_CLIP", "-1"], 2, "WEIGHT_CLIP must be a number"),
    (["train", "--out", "{t}/x", "--WEIGHT_CLIP", HUGE], 2, "WEIGHT_CLIP must be a number"),
    (["train", "--out", "{t}/x", "--ITER_NUM", "0"], 2, "ITER_NUM must be an integer in [1, 1000000000]"),
    (["train", "--out", "{t}/x", "--ITER_NUM", "0", "--iterations", "5"], 2, "ITER_NUM must be an integer"),
    (["train", "--out", "{t}/x", "--iterations", "5", "--ITER_NUM", HUGE], 2, "ITER_NUM must be an integer"),
    (["train", "--out", "{t}/x", "--iterations", "0"], 2, "--iterations must be an integer in [1, 1000000000]"),
    (["train", "--out", "{t}/x", "--iterations", "abc"], 2, "--iterations must be an integer"),
    (["train", "--out", "{t}/x", "--iterations", "1e3"], 2, "--iterations must be an integer"),
    (["train", "--out", "{t}/x", "--iterations", HUGE], 2, "--iterations must be an integer in [1, 1000000000]"),
    (["train", "--out", "{t}/x", "--seed", "-1"], 2, "--seed must be an integer in [0, 9223372036854775807]"),
    (["train", "--out", "{t}/x", "--seed", str(2**63)], 2, "--seed must be an integer in [0, 9223372036854775807]"),
    (["train", "--out", "{t}/x", "--seed", HUGE], 2, "--seed must be an integer in [0, 9223372036854775807]"),
    (["train", "--out", "{t}/x", "--seed", "9" * 5000], 2, "--seed must be an integer in [0, 9223372036854775807]"),
    (["train", "--out", "{t}/x", "--optimizer", "rmsprop"], 2, "optimizer must be one of 'sgd', 'adam'"),
    (["train", "--out", "{t}/x", "--lr_decay", "cosine"], 2, "lr_decay must be one of"),
    (["train", "--out", "{t}/x", "--g_loss", "wgan"], 2, "g_loss must be one of"),
    (["train", "--out", "{t}/x", "--ema", "1"], 2, "ema must be a number in [0, 1)"),
    (["train", "--out", "{t}/x", "--adam_beta2", "1"], 2, "adam_beta2 must be a number in [0, 1)"),
    (["train", "--out", "{t}/x", "--leaky_slope", "2"], 2, "leaky_slope must be a number in [0, 1]"),
    (["train", "--out", ""], 2, "--out must name a folder, got ''"),
    (["train", "--out", "/proc/gan_core_out"], 2, "--out '/proc/gan_core_out' cannot be created"),
    (["train", "--out", "/proc", "--force"], 2, "--out '/proc' is not writable"),
    (["train", "--out", "{f}/plain.txt/sub"], 2, "plain.txt/sub' cannot be created"),
    (["train", "--out", "{f}/plain.txt"], 2, "plain.txt' exists and is not a folder"),
    (["train", "--out", "{f}/full"], 2, "full' is not empty"),
    (["train", "--out", "{t}/x", "--no-progress", *DIVERGE], 1, "training diverged at iteration"),
    (["resume", "{f}/model.npz", "--out", "{t}/x"], 2, "required: --iterations"),
    (["resume", "{f}/missing.npz", "--iterations", "5", "--out", "{t}/x"], 2, "no model file at"),
    (["resume", "{f}/samples.npy", "--iterations", "5", "--out", "{t}/x"], 2, "not a readable .npz run file"),
    (["resume", "{f}/cut.npz", "--iterations", "5", "--out", "{t}/x"], 2, "not a readable .npz run file"),
    (["resume", "{f}/old.npz", "--iterations", "5", "--out", "{t}/x"], 2, "older gan_core"),
    (["resume", "{f}/full", "--iterations", "5", "--out", "{t}/x"], 2, "is a folder"),
    (["resume", "{f}/model.npz", "--iterations", "0", "--out", "{t}/x"], 2, "--iterations must be an integer in [1,"),
    (["resume", "{f}/model.npz", "--iterations", HUGE, "--out", "{t}/x"], 2, "--iterations must be an integer"),
    (["resume", "{f}/model.npz", "--iterations", "5", "--out", "{f}/full"], 2, "is not empty"),
    (["resume", "{f}/model.npz", "--iterations", "5", "--out", ""], 2, "--out must name a folder"),
    (["resume", "{f}/model.npz", "--iterations", "5", "--out", "/proc/x/y"], 2, "cannot be created"),
    (["evaluate"], 2, "required: PATH"),
    (["evaluate", "{f}/missing.npy"], 2, "no samples file at"),
    (["evaluate", "{f}/missing.npz"], 2, "no model file at"),
    (["evaluate", "{f}/notnpy.npy"], 2, "not a readable samples .npy"),
    (["evaluate", "{f}/plain.txt"], 2, "not a readable samples .npy"),
    (["evaluate", "{f}/pickle.npy"], 2, "Python objects"),
    (["evaluate", "{f}/flat.npy"], 2, "samples must be a 2-D array"),
    (["evaluate", "{f}/short.npy"], 2, "x_dim >= 4"),
    (["evaluate", "{f}/nan.npy"], 2, "samples must hold only finite numbers"),
    (["evaluate", "{f}/text.npy"], 2, "samples must be an array of real numbers"),
    (["evaluate", "{f}/cut.npz"], 2, "not a readable .npz run file"),
    (["evaluate", "{f}/old.npz"], 2, "older gan_core"),
    (["evaluate", "{f}/full"], 2, "is a folder"),
    (["sample", "{f}/model.npz", "--out", "{t}/s.npy"], 2, "required: --n"),
    (["sample", "{f}/model.npz", "--n", "0", "--out", "{t}/s.npy"], 2, "--n must be an integer in [1, 10000000]"),
    (["sample", "{f}/model.npz", "--n", HUGE, "--out", "{t}/s.npy"], 2, "--n must be an integer in [1, 10000000]"),
    (["sample", "{f}/model.npz", "--n", "abc", "--out", "{t}/s.npy"], 2, "--n must be an integer"),
    (["sample", "{f}/model.npz", "--n", "5", "--out", "{t}/s.txt"], 2, "--out must name a .npy file"),
    (["sample", "{f}/model.npz", "--n", "5", "--out", "{f}/exists.npy"], 2, "exists.npy' exists"),
    (["sample", "{f}/model.npz", "--n", "5", "--out", "{t}/no/s.npy"], 2, "does not exist"),
    (["sample", "{f}/model.npz", "--n", "5", "--out", "{t}/s.npy", "--seed", "-1"], 2, "--seed must be an integer"),
    (["sample", "{f}/model.npz", "--n", "5", "--out", "{t}/s.npy", "--seed", str(2**63)], 2, "--seed must be"),
    (["sample", "{f}/missing.npz", "--n", "5", "--out", "{t}/s.npy"], 2, "no model file at"),
    (["sample", "{f}/cut.npz", "--n", "5", "--out", "{t}/s.npy"], 2, "not a readable .npz run file"),
]


def test_the_sweep_is_big_enough():
    assert len(SWEEP) >= 40


@pytest.mark.parametrize("argv,status,needle", SWEEP, ids=[f"{i}-{' '.join(a[:1] + a[-2:])[:40]}"
                                                            for i, (a, _, _) in enumerate(SWEEP)])
def test_bad_input_sweep(files, tmp_path, capsys, argv, status, needle):
    argv = [a.replace("{f}", str(files)).replace("{t}", str(tmp_path)) for a in argv]
    before = sorted(os.listdir(files)), sorted(os.listdir(files / "full"))
    got, out, err = _main(capsys, *argv)
    line = _one_line(err)
    assert got == status, line
    assert needle in line, line
    assert line.startswith("python -m gan_core")
    assert os.listdir(tmp_path) == []  # nothing created
    assert (sorted(os.listdir(files)), sorted(os.listdir(files / "full"))) == before
