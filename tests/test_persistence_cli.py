import json
import os
import subprocess
import sys

import numpy as np
import pytest

import gan_core
from gan_core.persistence import RunFileError, load_run


def test_save_load_round_trip_continues_identically(tmp_path):
    t = gan_core.Trainer(recipe="recommended", seed=4, batch_size=8, ITER_NUM=60).train(30)
    path = t.save(tmp_path / "run")
    assert path.endswith(".npz")
    u = load_run(path)
    assert u.iteration == 30 and u.config == t.config
    assert np.array_equal(u.sample(10), t.sample(10))
    assert np.array_equal(u.history.to_array(), t.history.to_array())
    # the optimizer state is restored too: one more step gives the same parameters
    # (data streams restart, so feed both the same batch by stepping the original's twin)
    assert np.array_equal(u.opt_G.m, t.opt_G.m) and u.opt_G.t == t.opt_G.t


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no run file"):
        load_run(tmp_path / "nope.npz")


def test_truncated_file(tmp_path):
    path = gan_core.Trainer(recipe="book").train(5).save(tmp_path / "run.npz")
    data = open(path, "rb").read()
    bad = tmp_path / "cut.npz"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(RunFileError, match="not a readable .npz"):
        load_run(bad)


def test_foreign_files(tmp_path):
    np.savez(tmp_path / "other.npz", a=np.arange(3))
    with pytest.raises(RunFileError, match="not a gan_core run"):
        load_run(tmp_path / "other.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(RunFileError):
        load_run(tmp_path / "text.npz")


def test_incompatible_file(tmp_path):
    path = gan_core.Trainer(recipe="book").save(tmp_path / "run.npz")
    with np.load(path) as f:
        data = dict(f)
    cfg = json.loads(str(data["config"]))
    cfg["G_HIDDEN"] = [12, 12]
    data["config"] = np.array(json.dumps(cfg))
    np.savez(tmp_path / "mismatch.npz", **data)
    with pytest.raises(RunFileError, match=r"G/W1 has shape \(1, 10\), the config needs \(1, 12\)"):
        load_run(tmp_path / "mismatch.npz")
    data["version"] = np.array(99)
    np.savez(tmp_path / "future.npz", **data)
    with pytest.raises(RunFileError, match="version 99"):
        load_run(tmp_path / "future.npz")


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "gan_core", *args], capture_output=True, text=True, cwd=cwd)


def test_cli_train_writes_everything(tmp_path):
    out = tmp_path / "run"
    r = _cli("train", "--recipe", "book", "--seed", "1", "--out", str(out), "--iterations", "300", "--no-progress")
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(out)) == ["losses.png", "metrics.json", "model.npz", "samples.npy", "samples.png"]
    samples = np.load(out / "samples.npy")
    assert samples.shape == (1000, 10)
    report = json.loads((out / "metrics.json").read_text())
    for key in ("valid_fraction", "mmd2", "mmd2_floor_max", "nn1_accuracy", "train_seconds"):
        assert key in report
    assert report["iterations"] == 300
    assert np.array_equal(load_run(out / "model.npz").sample(1000), samples)
    assert (out / "samples.png").read_bytes()[:4] == b"\x89PNG"


def test_cli_refuses_a_non_empty_folder_unless_forced(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    r = _cli("train", "--out", str(tmp_path), "--iterations", "5", "--no-progress")
    assert r.returncode == 2 and "not empty" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = _cli("train", "--out", str(tmp_path), "--iterations", "5", "--no-progress", "--force")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "keep.txt").read_text() == "mine"


@pytest.mark.parametrize("args,needle", [
    (["--step_size_G", "-0.1"], "step_size_G must be a number in (0, 10]"),
    (["--batch_size", "0"], "batch_size must be an integer in [1, 65536]"),
    (["--GRADIENT_CLIP", "nan"], "GRADIENT_CLIP must be a number"),
    (["--recipe", "fancy"], "invalid choice: 'fancy'"),
    (["--iterations", "abc"], "invalid int value"),
    (["--seed", "-1"], "--seed must be"),
])
def test_cli_bad_arguments_exit_2_with_one_line(tmp_path, args, needle):
    r = _cli("train", "--out", str(tmp_path / "x"), *args)
    assert r.returncode == 2
    assert needle in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()
