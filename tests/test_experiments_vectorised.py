"""Tests for gan_core.experiments.vectorised: K stacked runs equal K separate Trainers."""
import numpy as np
import pytest

import gan_core
from gan_core import experiments as E


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("recipe", ["recommended", "book"])
def test_k_vectorised_seeds_equal_k_separate_trainers(recipe, dtype):
    """Same optimizer, clips, decay, EMA and seeding: recommended is bit for bit in
    float64 and in float32 (its per-run step sizes are rounded to the parameters'
    type exactly where the Trainer's Python float is); book, whose clip norms are
    summed in another order, agrees over 100 iterations to 1e-12 in float64 and to
    1e-6 in float32 (a few float32 roundings of weights below 1)."""
    seeds = [0, 1, 2]
    tol = 1e-12 if dtype == "float64" else 1e-6
    runs = E.ParallelRuns([{"seed": s} for s in seeds], recipe=recipe, dtype=dtype).train(100)
    assert runs.G.theta.dtype == runs.D.grad.dtype == np.dtype(dtype)
    if runs.G_ema is not None:
        assert runs.G_ema.dtype == runs.opt_D.v.dtype == np.dtype(dtype)
    for k, seed in enumerate(seeds):
        tr = gan_core.Trainer(recipe=recipe, seed=seed, dtype=dtype).train(100)
        pairs = [(runs.G.run_theta(k), tr.G.theta), (runs.D.run_theta(k), tr.D.theta)]
        if tr.G_ema is not None:
            pairs.append((runs.G.run_theta(k, runs.G_ema), tr.G_ema.theta))
        for got, want in pairs:
            assert got.dtype == want.dtype == np.dtype(dtype)
            if recipe == "recommended":
                assert np.array_equal(got, want)
            else:
                assert np.max(np.abs(got - want)) <= tol
        samples = runs.sample(20)
        assert samples.dtype == np.float64
        assert np.array_equal(samples[k], tr.sample(20)) or recipe == "book"
        assert np.max(np.abs(samples[k] - tr.sample(20))) <= tol


def test_vectorised_runs_use_the_trainers_engine():
    """No second Adam: both paths use gan_core.optim's classes and functions."""
    from gan_core import optim
    runs = E.ParallelRuns([{}, {"seed": 3}])
    assert isinstance(runs.opt_G, optim.Adam) and runs.opt_G.eps == optim.EPS_ADAM
    assert isinstance(E.ParallelRuns([{}], recipe="book").opt_D, optim.SGD)


def test_seeds_side_by_side_is_parallel_runs_over_seeds():
    runs = E.seeds_side_by_side([0, 1], recipe="book", iterations=20)
    tr = gan_core.train("book", seed=1, iterations=20)
    assert runs.k == 2 and runs.iteration == 20
    assert np.max(np.abs(runs.G.run_theta(1) - tr.G.theta)) <= 1e-12


# --------------------------------------------------------------------------- ParallelRuns
PARALLEL_CASES = [
    ("book", {}, [{}, {"WEIGHT_CLIP": None, "step_size_D": 0.02}, {"g_loss": "saturating", "GRADIENT_CLIP": 0.05}]),
    ("recommended", {"ITER_NUM": 300}, [{}, {"step_size": 5e-3, "WEIGHT_CLIP": 0.25},
                                         {"g_loss": "saturating", "GRADIENT_CLIP": 0.5, "seed": 4}]),
]


@pytest.mark.parametrize("recipe,fixed,settings", PARALLEL_CASES)
def test_parallel_runs_follow_the_trainer(recipe, fixed, settings):
    runs = E.ParallelRuns(settings, recipe=recipe, seed=1, **fixed).train(60)
    samples = runs.sample(15)
    for k, s in enumerate(settings):
        s = dict(s)
        seed = s.pop("seed", 1)
        tr = gan_core.Trainer(recipe=recipe, seed=seed, **fixed, **E.expand_aliases(s)).train(60)
        assert np.allclose(runs.G.run_theta(k), tr.G.theta, atol=1e-12, rtol=0)
        assert np.allclose(runs.D.run_theta(k), tr.D.theta, atol=1e-12, rtol=0)
        assert np.allclose(samples[k], tr.sample(15), atol=1e-12, rtol=0)
        assert np.allclose(runs.D_real[:, k], tr.history["D_real"], atol=1e-12)
        assert np.allclose(runs.D_fake[:, k], tr.history["D_fake"], atol=1e-12)
        assert np.allclose(runs.grad_norm_G[:, k], tr.history["grad_norm_G"], atol=1e-10)
        assert np.allclose(runs.grad_norm_D[:, k], tr.history["grad_norm_D"], atol=1e-10)


@pytest.mark.parametrize("recipe,fixed,settings", PARALLEL_CASES)
def test_float32_parallel_runs_follow_the_trainer(recipe, fixed, settings):
    """In float32 the runs with clips (whose norms are summed in another order) and
    the history's means drift from the Trainer by float32 roundings: agreement to
    1e-5 over 60 iterations (float32 resolves about 6e-8 relative)."""
    runs = E.ParallelRuns(settings, recipe=recipe, seed=1, dtype="float32", **fixed).train(60)
    samples = runs.sample(15)
    for k, s in enumerate(settings):
        s = dict(s)
        seed = s.pop("seed", 1)
        tr = gan_core.Trainer(recipe=recipe, seed=seed, dtype="float32", **fixed, **E.expand_aliases(s)).train(60)
        assert np.allclose(runs.G.run_theta(k), tr.G.theta, atol=1e-5, rtol=0)
        assert np.allclose(runs.D.run_theta(k), tr.D.theta, atol=1e-5, rtol=0)
        assert np.allclose(samples[k], tr.sample(15), atol=1e-5, rtol=0)
        for name, got in (("D_real", runs.D_real), ("D_fake", runs.D_fake), ("grad_norm_G", runs.grad_norm_G),
                          ("grad_norm_D", runs.grad_norm_D)):
            assert got.dtype == np.float64 and np.allclose(got[:, k], tr.history[name], atol=1e-5, rtol=1e-5), name


def test_parallel_runs_set_and_validation():
    runs = E.ParallelRuns([{}, {"g_loss": "saturating"}], ITER_NUM=100)
    g0, d0 = runs.G.theta.copy(), runs.D.theta.copy()
    runs.set(step_size_G=0.0).train(5)
    assert np.array_equal(runs.G.theta, g0) and not np.array_equal(runs.D.theta, d0)
    runs.set(step_size_G=0.002).train(1)
    assert not np.array_equal(runs.G.theta, g0)
    with pytest.raises(ValueError, match="Z_DIM"):
        E.ParallelRuns([{"Z_DIM": 3}])
    with pytest.raises(ValueError, match="at least one run"):
        E.ParallelRuns([])
    with pytest.raises(ValueError, match="batch_size"):
        runs.set(batch_size=3)
    with pytest.raises(ValueError, match=r"step_size_G must be a number in \[0, 10\]"):
        runs.set(step_size_G=-1)
    with pytest.raises(ValueError, match="iterations"):
        runs.train(10**400)


def test_parallel_runs_mark_diverged_runs_and_stay_quiet(recwarn):
    runs = E.ParallelRuns([{}, {"step_size": 10.0}], recipe="book", WEIGHT_CLIP=None, GRADIENT_CLIP=None)
    runs.train(300)
    reports = runs.evaluate(30)
    assert len(recwarn) == 0
    if runs.diverged[1]:
        assert np.isnan(reports[1]["mmd2"])
    assert not runs.diverged[0] and np.isfinite(reports[0]["mmd2"])


def test_parallel_sweep_matches_its_settings():
    sw = E.parallel_sweep({"step_size": [0.005, 0.01], "WEIGHT_CLIP": [None, 0.25]}, recipe="book", iterations=30, n_eval=30)
    assert sw.shape == (2, 2) and sw.runs.k == 4
    assert [r.settings.get("WEIGHT_CLIP") for r in sw.results] == [None, 0.25, None, 0.25]
    tr = gan_core.Trainer(recipe="book", seed=0, step_size_G=0.01, step_size_D=0.01, WEIGHT_CLIP=0.25).train(30)
    assert np.allclose(sw.runs.G.run_theta(3), tr.G.theta, atol=1e-12)


def test_vectorised_runs_reproduce_the_chapters_errata():
    runs = E.ParallelRuns([{"seed": 0}, {"seed": 1}], recipe="book", errata="all").train(100)
    for k in range(2):
        tr = gan_core.Trainer(recipe="book", seed=k, errata="all").train(100)
        assert np.max(np.abs(runs.G.run_theta(k) - tr.G.theta)) <= 1e-12
        assert np.max(np.abs(runs.D.run_theta(k) - tr.D.theta)) <= 1e-12


def test_vectorised_learn_matches_the_trainer():
    runs = E.ParallelRuns([{"seed": 0}, {"seed": 1}], recipe="recommended", learn="D").train(40)
    for k in range(2):
        tr = gan_core.Trainer(recipe="recommended", seed=k, learn="D").train(40)
        assert np.array_equal(runs.G.run_theta(k), tr.G.theta)
        assert np.array_equal(runs.D.run_theta(k), tr.D.theta)


# --------------------------------------------------------------------------- runs that differ in errata or decay
def _assert_same_runs(mixed, columns, alone):
    """Runs ``columns`` of ``mixed`` hold the very numbers of the stack ``alone``."""
    for j, k in enumerate(columns):
        assert np.array_equal(mixed.G.run_theta(k), alone.G.run_theta(j))
        assert np.array_equal(mixed.D.run_theta(k), alone.D.run_theta(j))
        for name in ("D_real", "D_fake", "grad_norm_G", "grad_norm_D"):
            assert np.array_equal(getattr(mixed, name)[:, k], getattr(alone, name)[:, j]), name


def test_runs_with_different_errata_equal_stacks_of_their_own():
    """One stack that mixes every single erratum, all five and none, with and without
    gradient clipping, gives each run bit for bit the numbers of a stack of its own
    errata (the chapter's derivatives and signs are chosen run by run)."""
    from gan_core.errata import ERRATA
    versions = [ERRATA, ()] + [(e,) for e in ERRATA] + [tuple(e for e in ERRATA if e != "dReLU")]
    settings = [{"errata": v, "seed": s} for v in versions for s in (0, 1)]
    settings.append({"errata": ERRATA, "seed": 2, "GRADIENT_CLIP": None})
    mixed = E.ParallelRuns(settings, recipe="book").train(150)
    assert not mixed.diverged.any()
    for i, v in enumerate(versions):
        alone = E.ParallelRuns([{"seed": 0}, {"seed": 1}], recipe="book", errata=v).train(150)
        _assert_same_runs(mixed, [2 * i, 2 * i + 1], alone)
    alone = E.ParallelRuns([{"seed": 2}], recipe="book", errata="all", GRADIENT_CLIP=None).train(150)
    _assert_same_runs(mixed, [len(settings) - 1], alone)
    assert np.array_equal(mixed.sample(10)[len(settings) - 1], alone.sample(10)[0])


def test_runs_with_and_without_decay_equal_stacks_of_their_own_and_the_trainer():
    settings = [{"seed": 0}, {"seed": 0, "lr_decay": "none"}, {"seed": 1, "lr_decay": "none", "step_size": 0.004}]
    mixed = E.ParallelRuns(settings, recipe="recommended", ITER_NUM=200, hidden=(16,)).train(200)
    for k, s in enumerate(settings):
        s = dict(s)
        seed = s.pop("seed")
        alone = E.ParallelRuns([{"seed": seed}], recipe="recommended", ITER_NUM=200, hidden=(16,), **s).train(200)
        _assert_same_runs(mixed, [k], alone)
        tr = gan_core.Trainer(recipe="recommended", seed=seed, ITER_NUM=200, **E.expand_aliases({"hidden": (16,), **s}))
        tr.train(200)
        assert np.array_equal(mixed.G.run_theta(k), tr.G.theta)
    # the decayed run ends where its steps reached 0; the others kept moving
    assert not np.array_equal(mixed.G.run_theta(0), mixed.G.run_theta(1))


def test_parallel_runs_refuse_what_cannot_differ_per_run():
    with pytest.raises(ValueError, match="optimizer"):
        E.ParallelRuns([{}, {"optimizer": "sgd"}])
    with pytest.raises(ValueError, match="errata"):
        E.ParallelRuns([{"errata": ("dRelu",)}], recipe="book")
    with pytest.raises(ValueError, match="lr_decay"):
        E.ParallelRuns([{"lr_decay": "cosine"}])


def test_columns_pick_runs_out_of_a_stack():
    runs = E.ParallelRuns([{"seed": s} for s in range(4)], recipe="book").train(30)
    view = runs.columns([3, 1])
    assert view.k == 2 and view.seeds == [3, 1]
    assert np.array_equal(view.D_real, runs.D_real[:, [3, 1]])
    assert np.array_equal(view.grad_norm_D, runs.grad_norm_D[:, [3, 1]])
    assert np.array_equal(view.sample(5), runs.sample(5)[[3, 1]])
    with pytest.raises(ValueError, match="runs"):
        runs.columns([4])
    with pytest.raises(ValueError, match="at least one"):
        runs.columns([])


@pytest.mark.parametrize("recipe,fixed,settings", PARALLEL_CASES)
def test_recorded_update_lengths_match_update_norms_of_the_trainer(recipe, fixed, settings):
    """record_updates: each run's step lengths are probes.update_norms of its Trainer, its
    clipped D gradient norm the Trainer's history; recording leaves the runs' path unchanged."""
    from gan_core.experiments.probes import update_norms
    plain = E.ParallelRuns(settings, recipe=recipe, seed=1, **fixed).train(40)
    runs = E.ParallelRuns(settings, recipe=recipe, seed=1, **fixed).train(10).record_updates().train(30)
    runs.record_updates(False).train(0)
    assert np.array_equal(runs.G.theta, plain.G.theta) and np.array_equal(runs.D.theta, plain.D.theta)
    assert np.array_equal(runs.grad_norm_D, plain.grad_norm_D) and np.array_equal(runs.grad_norm_G, plain.grad_norm_G)
    lengths = runs.update_norms
    assert runs.grad_norm_D_clipped.shape == (30, runs.k) and all(v.shape == (30, runs.k) for v in lengths.values())
    for k, s in enumerate(settings):
        s = dict(s)
        seed = s.pop("seed", 1)
        tr = gan_core.Trainer(recipe=recipe, seed=seed, **fixed, **E.expand_aliases(s)).train(10)
        want = update_norms(tr, 30)
        for name in ("D_real", "D_fake", "G"):
            assert np.allclose(lengths[name][:, k], want[name], atol=1e-12, rtol=1e-9), name
        assert np.allclose(runs.grad_norm_D_clipped[:, k], tr.history["grad_norm_D_clipped"][10:], atol=1e-10)
    view = runs.columns([2, 0])
    assert np.array_equal(view.grad_norm_D_clipped, runs.grad_norm_D_clipped[:, [2, 0]])
    assert np.array_equal(view.update_norms["D_fake"], lengths["D_fake"][:, [2, 0]])
    runs.train(5)                                   # recording is off: nothing more is recorded
    assert runs.update_norms["G"].shape == (30, runs.k)
