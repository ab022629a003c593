"""Tests for gan_core.experiments.run_cache: runs trained once, read back, waited for, and started in the background."""
import os
import subprocess
import sys
import time

import numpy as np
import pytest

import gan_core
from gan_core.experiments import run_cache
from gan_core.experiments.run_cache import cached_checkpoints
from gan_core.persistence import save_run


def test_cached_checkpoints_trains_once_then_loads_the_same_run(tmp_path):
    kw = dict(recipe="book", seed=3, at=[0, 20, 50], n=7, directory=str(tmp_path))
    tr1, cp1 = cached_checkpoints(**kw)
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".lock", ".npz", ".npz"]   # the run, its checkpoints, its lock
    tr2, cp2 = cached_checkpoints(**kw)
    assert tr2 is not tr1 and tr2.iteration == 50
    assert np.array_equal(tr1.G.theta, tr2.G.theta) and np.array_equal(tr1.history.to_array(), tr2.history.to_array())
    assert all(np.array_equal(a, b) for a, b in zip(cp1["samples"], cp2["samples"]))
    assert cp1["seconds"] > 0 and cp2["seconds"] == cp1["seconds"]     # the time of the training itself, kept
    ref = gan_core.Trainer(recipe="book", seed=3).train(60)
    tr2.train(10)
    assert np.array_equal(ref.G.theta, tr2.G.theta)                   # a loaded run continues exactly
    _, cp3 = cached_checkpoints(**{**kw, "n": 8})                       # other settings: trained afresh
    assert cp3["samples"][0].shape == (8, 10) and len(list(tmp_path.iterdir())) == 6
    unwritable = tmp_path / "file"
    unwritable.write_text("x")
    tr4, _ = cached_checkpoints(**{**kw, "directory": str(unwritable / "sub")})   # cannot write: still works
    assert tr4.iteration == 50


def test_cached_run_key_names_the_blas_kernel(monkeypatch):
    key = run_cache._run_key("book", 0, [10], 5, {})
    assert key == run_cache._run_key("book", 0, [10], 5, {})
    monkeypatch.setattr(run_cache, "_blas_kernels", lambda: "openblas 0.3 Prescott")
    assert run_cache._run_key("book", 0, [10], 5, {}) != key             # another kernel: another file


@pytest.mark.skipif(sys.platform == "win32", reason="the lock is fcntl's")
def test_a_process_asking_for_a_run_in_training_waits_and_reads_it(tmp_path):
    kw = dict(recipe="book", seed=2, at=[0, 30], n=5)
    base = os.path.join(str(tmp_path), run_cache._run_key(kw["recipe"], kw["seed"], kw["at"], kw["n"], {}))
    asker = ("from gan_core.experiments.run_cache import cached_checkpoints; print('asking', flush=True); "
             f"_, cp = cached_checkpoints(directory={str(tmp_path)!r}, **{kw!r}); print(cp['seconds'])")
    with run_cache._training_lock(base + ".lock"):        # this test "trains" the run meanwhile
        other = subprocess.Popen([sys.executable, "-c", asker], stdout=subprocess.PIPE, text=True)
        assert other.stdout.readline() == "asking\n"     # it has imported gan_core and now asks for the run
        time.sleep(1.0)
        assert other.poll() is None                      # still waiting for the lock, not training
        trainer = gan_core.Trainer(recipe="book", seed=2)
        cp = run_cache.checkpoints(trainer, kw["at"], n=kw["n"])
        save_run(trainer, base + ".npz")
        np.savez(base + "-checkpoints.npz", iterations=cp["iterations"], samples=np.stack(cp["samples"]), seconds=123.0)
    out, _ = other.communicate(timeout=120)
    assert other.returncode == 0 and float(out) == 123.0   # it read this run's files: it did not train its own


def test_shared_run_is_the_cached_seed0_run(monkeypatch):
    calls = []
    monkeypatch.setattr(run_cache, "cached_checkpoints", lambda *a, **k: calls.append((a, k)) or "run")
    assert run_cache.shared_run("book") == "run"
    assert calls == [(("book",), {"seed": 0, "at": run_cache.SHARED_RUNS["book"][2], "n": 500})]
    calls.clear()
    run_cache.shared_run("D too fast")                     # notebook 05's failing run: a recipe with changes
    assert calls == [(("recommended",), {"seed": 0, "at": (3000,), "n": 500, "ITER_NUM": 3000,
                                          "step_size_D": 0.02, "step_size_G": 0.0002})]
    for ask in (run_cache.shared_run, run_cache.is_cached):
        with pytest.raises(ValueError, match=r"^name must be one of 'book', 'recommended', 'D too fast', got 'other'"):
            ask("other")


def test_is_cached_sees_the_files_of_shared_run(monkeypatch, tmp_path):
    monkeypatch.setenv("GAN_BASICS_CACHE", str(tmp_path))
    assert not run_cache.is_cached("book")
    base = tmp_path / run_cache._run_key("book", 0, run_cache.SHARED_RUNS["book"][2], 500, {})
    (tmp_path / (base.name + ".npz")).write_bytes(b"")
    assert not run_cache.is_cached("book")               # both files are needed
    (tmp_path / (base.name + "-checkpoints.npz")).write_bytes(b"")
    assert run_cache.is_cached("book") and not run_cache.is_cached("recommended")


def test_other_blas_kernel(monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "PRESCOTT")
    assert run_cache.other_blas_kernel() == "Sandybridge"
    monkeypatch.delenv("OPENBLAS_CORETYPE")
    assert run_cache.other_blas_kernel() == "Prescott"


class _Recorder:
    def __init__(self):
        self.calls = []

    def __call__(self, args, **kw):
        self.calls.append((args, kw))
        return ("process", len(self.calls))


def test_start_shared_runs_starts_what_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("GAN_BASICS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)
    popen = _Recorder()
    monkeypatch.setattr(run_cache.subprocess, "Popen", popen)
    cached = set()
    monkeypatch.setattr(run_cache, "is_cached", lambda recipe: recipe in cached)

    assert run_cache.start_shared_runs() == [("process", 1), ("process", 2)]
    (args1, kw1), (args2, kw2) = popen.calls
    assert args1[:2] == [sys.executable, "-c"] and "train_in_background(['recommended', 'book', 'D too fast'], 5)" in args1[2]
    assert "OPENBLAS_CORETYPE" not in kw1["env"] and kw2["env"]["OPENBLAS_CORETYPE"] == "Prescott"
    assert "train_in_background(['book'], 15)" in args2[2]         # needed last: the lowest priority
    assert kw1["start_new_session"] and kw1["stdout"] is subprocess.DEVNULL
    package_root = os.path.dirname(os.path.dirname(gan_core.__file__))
    assert kw1["env"]["PYTHONPATH"].split(os.pathsep)[0] == package_root
    assert (tmp_path / "cache" / "background.log").exists()   # where their errors go

    popen.calls.clear()
    cached.update({"recommended", "D too fast"})
    run_cache.start_shared_runs(other_kernel=False)
    assert len(popen.calls) == 1 and "train_in_background(['book'], 5)" in popen.calls[0][0][2]
    cached.add("book")
    assert run_cache.start_shared_runs(other_kernel=False) == [] and len(popen.calls) == 1


def test_start_shared_runs_starts_nothing_where_the_cache_cannot_be_written(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("GAN_BASICS_CACHE", str(blocker / "cache"))        # below a file: cannot be created
    popen = _Recorder()
    monkeypatch.setattr(run_cache.subprocess, "Popen", popen)
    assert run_cache.start_shared_runs() == [] and popen.calls == []


def test_train_in_background_lowers_its_priority_then_asks_for_each_run(monkeypatch):
    events = []
    monkeypatch.setattr(run_cache.os, "nice", lambda n: events.append(("nice", n)), raising=False)
    monkeypatch.setattr(run_cache, "shared_run", lambda recipe: events.append(("run", recipe)))
    run_cache.train_in_background(["recommended", "book"], 15)
    assert events == [("nice", 15), ("run", "recommended"), ("run", "book")]
