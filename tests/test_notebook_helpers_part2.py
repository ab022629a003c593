"""Tests for what notebooks 04-07 add to gan_core: experiments, new plots, exercise checks."""
import matplotlib
import numpy as np
import pytest

import gan_core
from gan_core import experiments as E
from gan_core import metrics, plots
from gan_core.exercises import experiments as X6
from gan_core.exercises import training as X4
from gan_core.exercises import visualization as X5

matplotlib.use("Agg")


# --------------------------------------------------------------------------- measuring
def test_box_coverage_counts_cells_of_the_real_box():
    rng = np.random.default_rng(0)
    assert E.box_coverage(gan_core.sample_sines(500, rng)) == 1.0
    t = rng.uniform(0, 1, 400)
    diagonal = gan_core.sine_signals(t, 1.2 + 0.3 * t, 0.5 + 0.3 * t)
    assert E.box_coverage(diagonal) == 4 / 64
    corner = gan_core.sine_signals(0.2 * t, 1.2 + 0.06 * t, 0.5 + 0.06 * t)
    assert E.box_coverage(corner) == 1 / 64
    assert E.box_coverage(corner, cells=1) == 1.0
    assert E.box_coverage(rng.uniform(-1, 1, (50, 10))) == 0.0


def test_measure_adds_box_cells_to_evaluate():
    s = gan_core.sample_sines(100, np.random.default_rng(1))
    r = E.measure(s)
    assert r["box_cells"] == E.box_coverage(s)
    assert r["valid_fraction"] == metrics.evaluate(s)["valid_fraction"] == 1.0


def test_approx_rounds_to_significant_digits():
    assert E.approx(0.878) == "≈0.88"
    assert E.approx(0.00062) == "≈0.00062"
    assert E.approx(35711) == "≈36000"
    assert E.approx(28.7, 1) == "≈30"
    assert E.approx(1.0) == "≈1"
    assert E.approx(0.0) == "≈0"
    assert E.approx(1e-6) == "≈1e-06"


def test_confirm_prints_true_or_raises(capsys):
    assert E.confirm("two is more than one", 2 > 1) is None
    assert capsys.readouterr().out == "two is more than one: True\n"
    with pytest.raises(AssertionError, match="one is more than two"):
        E.confirm("one is more than two", 1 > 2)


# --------------------------------------------------------------------------- runs and sweeps
def test_run_trains_times_and_measures():
    r = E.run("book", seed=0, iterations=50, n_eval=60)
    assert r.trainer.iteration == 50 and r.iterations == 50
    assert r.seconds > 0 and r.us_per_iteration == pytest.approx(1e6 * r.seconds / 50)
    assert r["box_cells"] == r.report["box_cells"] and r["seconds"] == r.seconds
    same = gan_core.train("book", seed=0, iterations=50)
    assert np.array_equal(r.trainer.G.theta, same.G.theta)


def test_sweep_grid_values_and_format():
    sw = E.sweep({"Z_DIM": [1, 2], "step_size": [0.01, 0.02]}, recipe="book", iterations=20, n_eval=40, keep=True)
    assert sw.shape == (2, 2) and len(sw.results) == 4
    assert sw.results[1].trainer.config.step_size_G == 0.02 == sw.results[1].trainer.config.step_size_D
    assert sw.results[2].trainer.config.Z_DIM == 2
    vals = sw.values("valid_fraction")
    assert vals.shape == (2, 2) and vals[1, 0] == sw.results[2]["valid_fraction"]
    text = sw.format(("valid_fraction", "mmd2"), approx=True)
    lines = text.splitlines()
    assert lines[0].split() == ["Z_DIM", "step_size", "valid", "MMD2", "us/it"]
    assert len(lines) == 5 and "≈" in lines[1]


def test_hidden_alias_sets_both_networks():
    r = E.run("recommended", seed=0, iterations=2, n_eval=20, hidden=(8,))
    assert r.trainer.config.G_HIDDEN == (8,) == r.trainer.config.D_HIDDEN


def test_sweep_averages_over_seeds():
    sw = E.sweep({"Z_DIM": [1]}, recipe="book", iterations=10, n_eval=30, seeds=(0, 1))
    per_seed = [r["mmd2"] for r in sw.results]
    assert sw.values("mmd2")[0] == pytest.approx(np.mean(per_seed))


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
        tr = gan_core.Trainer(recipe=recipe, seed=seed, **fixed, **E._expand(s)).train(60)
        assert np.allclose(runs.G.run_theta(k), tr.G.theta, atol=1e-12, rtol=0)
        assert np.allclose(runs.D.run_theta(k), tr.D.theta, atol=1e-12, rtol=0)
        assert np.allclose(samples[k], tr.sample(15), atol=1e-12, rtol=0)
        assert np.allclose(runs.D_real[:, k], tr.history["D_real"], atol=1e-12)
        assert np.allclose(runs.D_fake[:, k], tr.history["D_fake"], atol=1e-12)
        assert np.allclose(runs.grad_norm_G[:, k], tr.history["grad_norm_G"], atol=1e-10)
        assert np.allclose(runs.grad_norm_D[:, k], tr.history["grad_norm_D"], atol=1e-10)


def test_parallel_runs_support_the_trainers_extra_options():
    extra = {k: v for k, v in {"d_steps": 2, "r1_gamma": 1.0, "G_activation": "leaky_relu"}.items()
             if k in gan_core.Config().to_dict()}
    if not extra:
        pytest.skip("this gan_core has no d_steps / r1_gamma / G_activation")
    runs = E.ParallelRuns([{}, {"step_size": 3e-3}], ITER_NUM=200, **extra).train(30)
    for k, s in enumerate([{}, {"step_size_G": 3e-3, "step_size_D": 3e-3}]):
        tr = gan_core.Trainer(recipe="recommended", seed=0, ITER_NUM=200, **extra, **s).train(30)
        assert np.allclose(runs.G.run_theta(k), tr.G.theta, atol=1e-12, rtol=0)
        assert np.allclose(runs.D.run_theta(k), tr.D.theta, atol=1e-12, rtol=0)


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


# --------------------------------------------------------------------------- looking inside
def test_checkpoints_keep_samples_from_fixed_noise():
    tr = gan_core.Trainer(recipe="book", seed=0)
    cp = E.checkpoints(tr, [0, 10, 30], n=7, networks=True)
    assert list(cp["iterations"]) == [0, 10, 30] and tr.iteration == 30
    assert cp["samples"][0].shape == (7, 10)
    assert np.array_equal(cp["samples"][-1], tr.sample(7))
    assert np.array_equal(cp["D"][1].theta, gan_core.train("book", seed=0, iterations=10).D.theta)
    with pytest.raises(ValueError, match="increase"):
        E.checkpoints(tr, [20, 40])


def test_mmd_curve_uses_one_reference():
    rng = np.random.default_rng(3)
    sets = [gan_core.sample_sines(50, rng), rng.uniform(-1, 1, (50, 10))]
    ref = gan_core.sample_sines(50, np.random.default_rng(2017))
    assert np.allclose(E.mmd_curve(sets), [metrics.mmd2(s, ref) for s in sets])


def test_latent_walk_moves_one_axis():
    tr = gan_core.Trainer(recipe="recommended", seed=0)
    z, x = E.latent_walk(tr, [-1.0, 0.0, 2.0], axis=2, base=np.ones(5))
    assert z.shape == (3, 5) and x.shape == (3, 10)
    assert np.array_equal(z[:, 2], [0.0, 1.0, 3.0]) and np.all(z[:, [0, 1, 3, 4]] == 1.0)
    assert np.allclose(x, tr.generate(z))
    with pytest.raises(ValueError, match="axis"):
        E.latent_walk(tr, axis=5)


def test_discriminator_scores_over_a_sine_family():
    D = gan_core.Trainer(recipe="book", seed=0).D
    freqs, mults = np.array([1.2, 1.3, 1.4]), np.array([0.5, 0.8])
    s = E.discriminator_scores(D, 0.5, freqs, mults)
    assert s.shape == (3, 2)
    direct = D.forward(gan_core.sine_signals(0.5, 1.3, 0.8))[0, 0]
    assert s[1, 1] == pytest.approx(direct)


# --------------------------------------------------------------------------- plots
def _n_axes(fig):
    return len([a for a in fig.axes if a.get_label() != "<colorbar>"])


def test_new_figures_build():
    rng = np.random.default_rng(0)
    sets = [gan_core.sample_sines(30, rng) for _ in range(3)]
    cp = {"iterations": np.array([0, 10, 20]), "samples": sets}
    assert _n_axes(plots.snapshots_figure({"a": cp, "b": cp}, n=5)) == 6
    fits = {"real": metrics.fit_sines(sets[0]), "gen": metrics.fit_sines(sets[1])}
    assert len(plots.parameter_histograms_figure(fits).axes) == 6
    assert len(plots.parameter_pairs_figure(fits).axes) == 3
    floor = metrics.mmd2_floor(30, repeats=3)
    assert len(plots.mmd_figure({"a": ([1, 10, 100], [0.1, 0.01, -0.001])}, floor, xscale="log").axes) == 1
    fig = plots.latent_walk_figure(np.linspace(-1, 1, 3), sets[0][:3], fit=metrics.fit_sines(sets[0][:3]))
    assert len(fig.axes) == 3          # two panels and a colour bar
    h = gan_core.train("book", seed=0, iterations=50).history
    assert len(plots.curves_figure({"a": h, "b": h}).axes) == 4
    assert len(plots.signals_figure({"a": sets[0], "b": sets[1]}).axes) == 2
    assert len(plots.bars_figure(["x", "y"], {"p": [1, 2], "q": [0.1, 20]}, refs={"p": 1.5}).axes) == 2
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    im = plots.heatmap(ax, np.array([[0.1, 1.0], [0.01, 0.5]]), [1, 2], ["a", "b"], "r", "c", log=True)
    assert len(ax.texts) == 4 and im.get_array().shape == (2, 2)
    im = plots.score_map(ax, np.zeros((3, 2)), [0, 1, 2], [0, 1], "x", "y", box=((0, 1), (0, 1)))
    assert im.get_array().shape == (2, 3)
    plt.close("all")


# --------------------------------------------------------------------------- exercise checks
def test_training_checks(capsys):
    assert X4.check_minibatch_loop(X4.solution_train_batches, iterations=10, batch_size=4)
    assert not X4.check_minibatch_loop(lambda seed, it, bs: X4.solution_train_batches(seed, it, 1), iterations=10, batch_size=4)
    assert not X4.check_minibatch_loop(lambda *a: 1 / 0)
    run = gan_core.train("book", seed=0, iterations=100)
    right = np.mean(np.abs(run.D.theta) >= 0.25 - 1e-12)
    assert X4.check_share_at_clip(run, right, net="D")
    assert not X4.check_share_at_clip(run, right + 0.1, net="D")
    assert "Not yet" in capsys.readouterr().out


def test_visualization_checks():
    assert X5.check_interpolation(X5.solution_interpolate)
    assert not X5.check_interpolation(lambda tr, a, b, n: X5.solution_interpolate(tr, a, b, n)[::-1])
    assert X5.check_collapse_detector(X5.solution_collapsed)
    assert not X5.check_collapse_detector(lambda s: False)


def test_experiment_checks():
    assert X6.check_cells_reached(X6.solution_cells_reached)
    assert X6.check_cells_reached(lambda s, cells=4: E.box_coverage(s, cells=cells))
    assert not X6.check_cells_reached(lambda s, cells=4: 0.5)
    assert X6.check_cells_on_a_line(10) and not X6.check_cells_on_a_line(4)
    tr = gan_core.train("recommended", seed=0, iterations=3000, ITER_NUM=3000, step_size_G=0.008, step_size_D=0.008)
    assert X6.check_denoiser(X6.solution_denoise, tr)
    assert not X6.check_denoiser(lambda tr, y: y, tr)
