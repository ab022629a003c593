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


def test_measure_adds_box_cells_and_cell_distance_to_evaluate_from_one_fit(monkeypatch):
    from gan_core.experiments import probes, sweeps
    s = np.concatenate([gan_core.sample_sines(100, np.random.default_rng(1)), np.zeros((20, 10))])
    full = metrics.evaluate(s)
    fits = []
    monkeypatch.setattr(sweeps, "fit_sines", lambda x: fits.append(1) or metrics.fit_sines(x))
    r = E.measure(s)
    assert len(fits) == 1                                        # evaluate and both box figures share it
    assert r["box_cells"] == E.box_coverage(s) and r["cell_distance"] == probes.box_cell_distance(s)
    assert {k: v for k, v in r.items() if k not in ("box_cells", "cell_distance")} == full
    assert r["valid_fraction"] == 100 / 120


def test_evaluate_takes_a_fit_and_checks_it():
    s = gan_core.sample_sines(50, np.random.default_rng(2))
    fit = metrics.fit_sines(s)
    assert metrics.evaluate(s, fit=fit) == metrics.evaluate(s)
    with pytest.raises(ValueError, match=r"^fit must be the dict fit_sines\(samples\) returns, with keys x0, freq, mult, rmse"):
        metrics.evaluate(s, fit={"x0": fit["x0"]})
    with pytest.raises(ValueError, match=r"^fit\['rmse'\] must"):
        metrics.evaluate(s, fit={**fit, "rmse": fit["rmse"][:10]})
    with pytest.raises(ValueError, match=r"^fit\['freq'\] must"):
        metrics.evaluate(s, fit={**fit, "freq": np.full(50, np.nan)})


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
