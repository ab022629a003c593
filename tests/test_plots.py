"""Tests for gan_core.plots: every figure builds, with the panels it promises."""
import matplotlib
import numpy as np

import gan_core
from gan_core import metrics, plots

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


def test_seed_range_figure_draws_ranges_medians_and_bands():
    import matplotlib.pyplot as plt
    vals = np.array([[0.1, 0.3, 0.2], [0.5, 0.4, 0.9]])
    fig = plots.seed_range_figure(["a", "b"], {"p": vals, "q (log)": vals + 1}, refs={"p": 0.25, "q (log)": (1.1, 1.2)},
                                  log=("q (log)",), xlabel="setting", title="t")
    a, b = fig.axes
    segs = a.collections[0].get_segments()            # one bar per setting, from the smallest to the largest seed
    assert np.allclose([s[:, 1] for s in segs], [[0.1, 0.3], [0.4, 0.9]])
    medians = a.collections[2].get_offsets()
    assert np.allclose(np.asarray(medians)[:, 1], [0.2, 0.5])
    assert b.get_yscale() == "log" and a.get_xlabel() == "setting" and a.get_ylabel() == "p"
    assert len(a.lines) == 1 and len(b.patches) == 1    # the reference line and the shaded band
    plt.close("all")


def test_mmd_figure_accepts_null_bands():
    import matplotlib.pyplot as plt
    bands = metrics.null_bands(30, repeats=5)
    fig = plots.mmd_figure({"a": ([1, 10], [0.1, 0.01])}, bands)
    ax = fig.axes[0]
    assert np.isclose(ax.lines[-1].get_ydata()[0], bands["mmd2_high"])
    assert "97.5th percentile" in ax.get_legend().get_texts()[-1].get_text()
    plt.close("all")
