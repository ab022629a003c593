"""Tests for gan_core.experiments.sweeps: run, sweep, measure, box coverage."""
import numpy as np
import pytest

import gan_core
from gan_core import experiments as E
from gan_core import metrics


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
