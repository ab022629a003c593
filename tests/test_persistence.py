"""gan_core.persistence: the run file, exact resume, and the refusal of every bad file."""
import io
import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import gan_core
from gan_core.persistence import VERSION, RunFileError, load_run, save_run, state_to_arrays


def _flat(state):
    """Every array of a state dict as {name: array} (parameters, moments, streams, history)."""
    out = {}
    for net in ("G", "D", "G_ema"):
        for k, v in (state[net] or {}).items():
            out[f"{net}/{k}"] = v
    for opt in ("opt_G", "opt_D"):
        for k, v in state[opt].items():
            out[f"{opt}/{k}"] = np.asarray(v)
    for s in ("real", "noise"):
        out[f"streams/{s}/rows"] = state["streams"][s]["rows"]
    out["history"] = state["history"]
    return out


def _max_difference(a, b):
    """The largest absolute difference between two trainers' states (0.0 = bit for bit)."""
    fa, fb = _flat(a.state_dict()), _flat(b.state_dict())
    assert fa.keys() == fb.keys()
    for k in fa:
        assert fa[k].shape == fb[k].shape, k
    assert a.state_dict()["streams"]["real"]["bit_generator"] == b.state_dict()["streams"]["real"]["bit_generator"]
    assert a.state_dict()["streams"]["noise"]["bit_generator"] == b.state_dict()["streams"]["noise"]["bit_generator"]
    assert (a.iteration, a.ema_count, a.seed) == (b.iteration, b.ema_count, b.seed)
    return max(float(np.max(np.abs(fa[k] - fb[k]), initial=0.0)) for k in fa)


# ------------------------------------------------------------------ exact resume
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("recipe", ["book", "recommended"])
@pytest.mark.parametrize("saved_at", [0, 50])
def test_save_load_train_equals_the_uninterrupted_run_bit_for_bit(tmp_path, recipe, saved_at, dtype):
    straight = gan_core.Trainer(recipe=recipe, seed=7, dtype=dtype).train(100)
    first = gan_core.Trainer(recipe=recipe, seed=7, dtype=dtype).train(saved_at)
    path = save_run(first, tmp_path / "run")
    assert path.endswith(".npz")
    resumed = load_run(path)
    assert resumed.iteration == saved_at and resumed.config == first.config
    assert resumed.G.theta.dtype == resumed.D.theta.dtype == resumed._noise.state()["rows"].dtype == np.dtype(dtype)
    resumed.train(100 - saved_at)
    assert _max_difference(resumed, straight) == 0.0
    if recipe == "recommended":
        assert resumed.G_ema is not None and resumed.opt_G.t == straight.opt_G.t == 100
    assert np.array_equal(resumed.sample(200), straight.sample(200))


def test_resume_twice_and_after_a_live_change(tmp_path):
    """A run saved twice, and one whose step size changed mid-run, still resume exactly."""
    straight = gan_core.Trainer(recipe="recommended", seed=1, batch_size=16).train(30)
    straight.set(step_size_D=5e-4, batch_size=8)
    straight.train(40)
    t = gan_core.Trainer(recipe="recommended", seed=1, batch_size=16).train(30)
    t.set(step_size_D=5e-4, batch_size=8)
    t.train(10)
    t = load_run(save_run(t, tmp_path / "a.npz")).train(15)
    t = load_run(save_run(t, tmp_path / "b.npz")).train(15)
    assert _max_difference(t, straight) == 0.0


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("recipe", ["book", "recommended"])
def test_state_dict_round_trip_without_files(recipe, dtype):
    straight = gan_core.Trainer(recipe=recipe, seed=2, dtype=dtype).train(60)
    t = gan_core.Trainer(recipe=recipe, seed=2, dtype=dtype).train(25)
    twin = gan_core.Trainer.from_state_dict(t.state_dict())
    assert _max_difference(twin, t) == 0.0
    assert _max_difference(twin.train(35), straight) == 0.0
    # load_state_dict into an existing trainer of the same architecture
    other = gan_core.Trainer(recipe=recipe, seed=99, dtype=dtype).train(3)
    other.load_state_dict(t.state_dict())
    assert _max_difference(other.train(35), straight) == 0.0


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_the_file_holds_exactly_the_state_dict(tmp_path, dtype):
    t = gan_core.Trainer(recipe="recommended", seed=5, dtype=dtype).train(12)
    path = save_run(t, tmp_path / "run.npz")
    with np.load(path, allow_pickle=False) as f:
        stored = {k: f[k] for k in f.files}
    wanted = state_to_arrays(t.state_dict())
    assert stored.keys() == wanted.keys()
    for k in wanted:
        assert stored[k].dtype == wanted[k].dtype and np.array_equal(stored[k], wanted[k]), k
    # parameters, moments and stream rows in the run's dtype; the history always float64
    assert {str(stored[k].dtype) for k in stored if k.split("/")[0] in ("G", "D", "G_ema")} == {dtype}
    assert stored["opt_G/m"].dtype == stored["streams/real/rows"].dtype == np.dtype(dtype)
    assert stored["history"].dtype == np.float64 and json.loads(str(stored["config"]))["dtype"] == dtype
    assert int(stored["version"]) == VERSION == 2
    assert json.loads(str(stored["streams/noise/bit_generator"]))["bit_generator"] == "PCG64"
    assert not [p for p in os.listdir(tmp_path) if p != "run.npz"]  # no temporary file left behind


def test_persistence_imports_trainer_and_never_the_reverse():
    code = "import sys, gan_core.trainer; assert 'gan_core.persistence' not in sys.modules; print('ok')"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


# ------------------------------------------------------------------------- saving
def test_save_refuses_a_missing_folder_and_non_trainers(tmp_path):
    t = gan_core.Trainer(recipe="book")
    with pytest.raises(FileNotFoundError, match="the folder .* does not exist"):
        save_run(t, tmp_path / "no" / "such" / "run.npz")
    (tmp_path / "dir.npz").mkdir()
    with pytest.raises(IsADirectoryError, match="is a folder"):
        save_run(t, tmp_path / "dir.npz")
    with pytest.raises(ValueError, match="must be a gan_core.Trainer"):
        save_run({"G": 1}, tmp_path / "x.npz")
    with pytest.raises(ValueError, match="path must be a str"):
        save_run(t, 12)


def test_save_refuses_a_diverged_run(tmp_path):
    t = gan_core.Trainer(recipe="book", step_size_D=10, step_size_G=10, GRADIENT_CLIP=None, WEIGHT_CLIP=None)
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError):
        t.train(2000)
    with pytest.raises(ValueError, match="diverged"):
        save_run(t, tmp_path / "x.npz")
    assert not (tmp_path / "x.npz").exists()


def test_saving_over_an_old_file_replaces_it(tmp_path):
    path = save_run(gan_core.Trainer(recipe="book").train(3), tmp_path / "run.npz")
    save_run(gan_core.Trainer(recipe="book").train(9), path)
    assert load_run(path).iteration == 9


# ---------------------------------------------------------------- refusing files
def test_missing_file_and_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no run file"):
        load_run(tmp_path / "nope.npz")
    with pytest.raises(RunFileError, match="is a folder"):
        load_run(tmp_path)
    with pytest.raises(RunFileError, match="path must be a str"):
        load_run(3.5)


def test_truncated_file(tmp_path):
    path = save_run(gan_core.Trainer(recipe="book").train(5), tmp_path / "run.npz")
    data = open(path, "rb").read()
    for cut in (10, len(data) // 2, len(data) - 30):
        bad = tmp_path / f"cut{cut}.npz"
        bad.write_bytes(data[:cut])
        with pytest.raises(RunFileError, match="not a readable .npz"):
            load_run(bad)


def test_flipped_bytes_are_caught_by_the_zip_checksum(tmp_path):
    path = save_run(gan_core.Trainer(recipe="book").train(5), tmp_path / "run.npz")
    data = bytearray(open(path, "rb").read())
    data[len(data) // 3] ^= 0xFF
    (tmp_path / "flip.npz").write_bytes(bytes(data))
    with pytest.raises(RunFileError):
        load_run(tmp_path / "flip.npz")


def test_foreign_files(tmp_path):
    np.savez(tmp_path / "other.npz", a=np.arange(3))
    with pytest.raises(RunFileError, match="not a gan_core run"):
        load_run(tmp_path / "other.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(RunFileError, match="not a readable"):
        load_run(tmp_path / "text.npz")
    np.save(tmp_path / "samples.npy", np.zeros((3, 10)))
    with pytest.raises(RunFileError, match="not a readable"):
        load_run(tmp_path / "samples.npy")
    with zipfile.ZipFile(tmp_path / "zip.npz", "w") as z:
        z.writestr("readme.txt", "hi")
    with pytest.raises(RunFileError, match="readme.txt"):
        load_run(tmp_path / "zip.npz")


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """The entries of a saved recommended (Adam, EMA) run and of a saved book (SGD) run,
    in float64 (``"recommended"``, ``"book"``) and in float32 (``"recommended-float32"``, ...)."""
    folder = tmp_path_factory.mktemp("runs")
    out = {}
    for recipe in ("recommended", "book"):
        for dtype, key in (("float64", recipe), ("float32", f"{recipe}-float32")):
            path = save_run(gan_core.Trainer(recipe=recipe, seed=3, dtype=dtype).train(20), folder / key)
            with np.load(path, allow_pickle=False) as f:
                out[key] = {k: f[k] for k in f.files}
    return out


def _config(data, **changes):
    cfg = json.loads(str(data["config"]))
    cfg.update(changes)
    return np.array(json.dumps(cfg))


def _bitgen(data, name="real", **changes):
    bg = json.loads(str(data[f"streams/{name}/bit_generator"]))
    for k, v in changes.items():
        if k in ("state", "inc"):
            bg["state"][k] = v
        else:
            bg[k] = v
    return np.array(json.dumps(bg))


def _nan(a):
    a = a.copy()
    a.flat[0] = np.nan
    return a


# (recipe, {entry: new value or None to drop it}, what the message must say)
CORRUPTIONS = [
    ("recommended", {"format": None}, "not a gan_core run"),
    ("recommended", {"format": np.array("other-run")}, "not a gan_core run"),
    ("recommended", {"format": np.array(7)}, "not a gan_core run"),
    ("recommended", {"version": np.array(1)}, "older gan_core .*cannot resume exactly"),
    ("recommended", {"version": np.array(99)}, "version 99"),
    ("recommended", {"version": np.array("2")}, "'version' must hold an integer"),
    ("recommended", {"version": np.array(2.0)}, "'version' must hold an integer"),
    ("recommended", {"version": np.array([2, 2])}, "'version' must be a single value"),
    ("recommended", {"config": None}, "lacks the entry 'config'"),
    ("recommended", {"config": np.array("{not json")}, "'config' is not valid JSON"),
    ("recommended", {"config": np.array("[1, 2]")}, "'config' must be a JSON object"),
    ("recommended", {"config": np.array(3.0)}, "'config' must hold text"),
    ("recommended", {"config": lambda d: _config(d, colour="red")}, "'config' is invalid: unknown"),
    ("recommended", {"config": lambda d: _config(d, step_size_G=-1)}, "'config' is invalid: step_size_G"),
    ("recommended", {"config": lambda d: _config(d, ITER_NUM=10**400)}, "'config' is invalid: ITER_NUM"),
    ("recommended", {"config": lambda d: _config(d, G_HIDDEN=[10**400])}, "'config' is invalid: G_HIDDEN"),
    ("recommended", {"config": lambda d: _config(d, batch_size="64")}, "'config' is invalid: batch_size"),
    ("recommended", {"config": lambda d: _config(d, G_HIDDEN=[4096] * 5)}, "'config' asks for networks too large to load: .*would need [0-9,]+ parameters"),
    ("recommended", {"config": lambda d: _config(d, G_HIDDEN=[12, 12])}, r"'G/W1' must be shape \(5, 12\)"),
    ("recommended", {"config": lambda d: _config(d, optimizer="sgd")}, "'opt_D/m', which a run"),
    ("recommended", {"config": lambda d: _config(d, ema=None)}, "'G_ema/W1', which a run"),
    ("book", {"config": lambda d: _config(d, optimizer="adam")}, "lacks the entry 'opt_D/m'"),
    ("recommended", {"seed": np.array("3")}, "'seed' must hold an integer"),
    ("recommended", {"seed": np.array(3.0)}, "'seed' must hold an integer"),
    ("recommended", {"seed": np.array(True)}, "'seed' must hold an integer"),
    ("recommended", {"seed": np.array(-1)}, r"seed must be an integer in \[0, 9223372036854775807\]"),
    ("recommended", {"seed": np.array(2**64 - 1, dtype=np.uint64)}, "seed must be an integer in"),
    ("recommended", {"seed": None}, "lacks the entry 'seed'"),
    ("recommended", {"iteration": np.array(-5)}, r"iteration must be an integer in \[0, "),
    ("recommended", {"iteration": np.array(21)}, r"'history' must be shape \(21, 14\)"),
    ("recommended", {"ema_count": np.array(21)}, r"ema_count must be an integer in \[0, 20\]"),
    ("book", {"ema_count": np.array(3)}, "'ema_count' is 3 but the config has no ema"),
    ("recommended", {"G/W1": None}, "lacks the entry 'G/W1'"),
    ("recommended", {"G/W1": lambda d: d["G/W1"].astype(str)}, "'G/W1' must hold float64 numbers"),
    ("recommended", {"G/W1": lambda d: d["G/W1"].astype(np.float32)}, "'G/W1' must hold float64"),
    ("recommended", {"G/W1": lambda d: d["G/W1"][:, :3]}, r"'G/W1' must be shape \(5, 32\)"),
    ("recommended", {"D/b3": lambda d: _nan(d["D/b3"])}, "D/b3 must hold only finite numbers"),
    ("recommended", {"G_ema/W2": lambda d: d["G_ema/W2"] * np.inf}, "G_ema/W2 must hold only finite"),
    ("recommended", {"G/W9": np.zeros((3, 3))}, "'G/W9', which a run"),
    ("recommended", {"opt_G/m": lambda d: _nan(d["opt_G/m"])}, "opt_G/m must hold only finite"),
    ("recommended", {"opt_D/v": lambda d: d["opt_D/v"][:-1]}, r"'opt_D/v' must be shape \("),
    ("recommended", {"opt_D/v": lambda d: -d["opt_D/v"] - 1}, "'opt_D/v' holds negative"),
    ("recommended", {"opt_G/t": np.array(-1)}, "opt_G/t must be an integer in"),
    ("recommended", {"opt_G/t": np.array(20.0)}, "'opt_G/t' must hold an integer"),
    ("recommended", {"opt_D/t": None}, "lacks the entry 'opt_D/t'"),
    ("recommended", {"streams/real/rows": lambda d: d["streams/real/rows"][:, :9]},
     r"'streams/real/rows' must be shape \(n, 10\)"),
    ("recommended", {"streams/noise/rows": lambda d: d["streams/noise/rows"][:, 0]},
     r"'streams/noise/rows' must be shape \(n, 5\)"),
    ("recommended", {"streams/noise/rows": lambda d: _nan(d["streams/noise/rows"])}, "streams/noise/rows must hold"),
    ("recommended", {"streams/real/rows": np.zeros((70000, 10))}, "'streams/real/rows' has 70000 rows"),
    ("recommended", {"streams/real/bit_generator": np.array("{")}, "'streams/real/bit_generator' is not valid JSON"),
    ("recommended", {"streams/real/bit_generator": np.array("{}")}, "'streams/real/bit_generator' is not a valid PCG64"),
    ("recommended", {"streams/real/bit_generator": lambda d: _bitgen(d, bit_generator="MT19937")}, "MT19937"),
    ("recommended", {"streams/noise/bit_generator": lambda d: _bitgen(d, "noise", inc=4)}, "inc must be odd"),
    ("recommended", {"streams/noise/bit_generator": lambda d: _bitgen(d, "noise", state=2**200)},
     r"state must be an integer in \[0, "),
    ("recommended", {"streams/noise/bit_generator": lambda d: _bitgen(d, "noise", state="12")},
     "state must be an integer"),
    ("recommended", {"streams/noise/bit_generator": lambda d: _bitgen(d, "noise", has_uint32=True)},
     "has_uint32 must be an integer in"),
    ("recommended", {"streams/real/bit_generator": None}, "lacks the entry 'streams/real/bit_generator'"),
    ("recommended", {"history": lambda d: d["history"][:, :13]}, r"'history' must be shape \(20, 14\)"),
    ("recommended", {"history": lambda d: d["history"].astype(str)}, "'history' must hold float64"),
    ("recommended", {"history_columns": np.array(["a"] * 14)}, "'history_columns' is"),
    # arrays whose dtype disagrees with the config's
    ("recommended", {"config": lambda d: _config(d, dtype="float16")}, "'config' is invalid: dtype must be one of"),
    ("recommended", {"config": lambda d: _config(d, dtype="float32")},
     r"'G/W1' must hold float32 numbers \(the config's dtype\), got dtype float64"),
    ("recommended-float32", {"config": lambda d: _config(d, dtype="float64")},
     r"'G/W1' must hold float64 numbers \(the config's dtype\), got dtype float32"),
    ("recommended-float32", {"D/b2": lambda d: d["D/b2"].astype(np.float64)}, "'D/b2' must hold float32 numbers"),
    ("recommended-float32", {"G_ema/W3": lambda d: d["G_ema/W3"].astype(np.float64)}, "'G_ema/W3' must hold float32"),
    ("recommended-float32", {"opt_G/v": lambda d: d["opt_G/v"].astype(np.float64)}, "'opt_G/v' must hold float32"),
    ("recommended-float32", {"streams/noise/rows": lambda d: d["streams/noise/rows"].astype(np.float64)},
     "'streams/noise/rows' must hold float32"),
    ("recommended-float32", {"history": lambda d: d["history"].astype(np.float32)}, "'history' must hold float64"),
    ("recommended-float32", {"G/W1": lambda d: d["G/W1"].astype(np.float16)}, "'G/W1' must hold float32"),
    ("recommended-float32", {"D/W1": lambda d: _nan(d["D/W1"])}, "D/W1 must hold only finite numbers"),
    ("book-float32", {"D/W3": lambda d: d["D/W3"].astype(np.float64)}, "'D/W3' must hold float32"),
    ("book-float32", {"streams/real/rows": lambda d: d["streams/real/rows"].astype(">f4")},
     "'streams/real/rows' must hold float32"),
]


@pytest.mark.parametrize("recipe,changes,needle", CORRUPTIONS, ids=[str(i) for i in range(len(CORRUPTIONS))])
def test_every_corruption_is_a_run_file_error_naming_the_entry(tmp_path, saved, recipe, changes, needle):
    data = dict(saved[recipe])
    for k, v in changes.items():
        if v is None:
            del data[k]
        else:
            data[k] = v(data) if callable(v) else v
    np.savez(tmp_path / "bad.npz", **data)
    with pytest.raises(RunFileError, match=needle) as info:
        load_run(tmp_path / "bad.npz")
    assert type(info.value) is RunFileError


def test_the_corruption_list_is_a_real_sweep():
    assert len(CORRUPTIONS) >= 50


def test_pickled_arrays_are_refused(tmp_path, saved):
    data = dict(saved["book"])
    data["G/W1"] = np.array([{"evil": 1}], dtype=object)
    np.savez(tmp_path / "pickle.npz", **data)
    with pytest.raises(RunFileError, match="'G/W1' holds Python objects"):
        load_run(tmp_path / "pickle.npz")


def test_a_header_that_promises_more_than_the_file_holds_is_refused_before_reading(tmp_path, saved):
    data = dict(saved["book"])
    np.savez(tmp_path / "base.npz", **data)
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": (10**9, 14)})
    with zipfile.ZipFile(tmp_path / "base.npz") as src, zipfile.ZipFile(tmp_path / "liar.npz", "w") as dst:
        for info in src.infolist():
            payload = buf.getvalue() + b"\0" * 64 if info.filename == "history.npy" else src.read(info)
            dst.writestr(info.filename, payload)
    with pytest.raises(RunFileError, match="'history' claims shape"):
        load_run(tmp_path / "liar.npz")


def test_the_shapes_checked_are_the_shapes_a_trainer_builds():
    from gan_core.persistence import _param_shapes, layer_sizes
    t = gan_core.Trainer(recipe="recommended", G_HIDDEN=(7, 5, 3))
    g, d = (_param_shapes(s) for s in layer_sizes(t.config))
    assert g == {k: v.shape for k, v in t.G.params.items()}
    assert d == {k: v.shape for k, v in t.D.params.items()}


def test_a_file_written_before_dtype_existed_loads_as_float64_and_resumes_exactly(tmp_path, saved):
    """Files of the same format version whose config has no ``dtype`` key (gan_core before it) are float64 runs."""
    data = dict(saved["recommended"])
    cfg = json.loads(str(data["config"]))
    del cfg["dtype"]
    data["config"] = np.array(json.dumps(cfg))
    np.savez(tmp_path / "old.npz", **data)
    old = load_run(tmp_path / "old.npz")
    assert old.config.dtype == "float64" and old.G.theta.dtype == np.float64
    fresh = load_run(save_run(gan_core.Trainer(recipe="recommended", seed=3, dtype="float64").train(20),
                              tmp_path / "new"))
    assert _max_difference(old.train(15), fresh.train(15)) == 0.0
