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
