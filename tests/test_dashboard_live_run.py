"""The widget-free live run (gan_core.dashboard.live_run.LiveRun), driven directly."""
import numpy as np
import pytest

import gan_core
from gan_core.dashboard.live_run import FROZEN_STEP, HEAT_FREQ, HEAT_MULT, LiveRun

CHUNK = 40


@pytest.fixture
def run():
    return LiveRun("book", 0, quality_every=3, quality_samples=50, n_show=10)


def test_frames_equal_the_trainer_run(run):
    run.train_frame(CHUNK)
    run.train_frame(CHUNK)
    fresh = gan_core.Trainer(recipe="book", seed=0).train(2 * CHUNK)
    np.testing.assert_array_equal(run.trainer.G.theta, fresh.G.theta)
    np.testing.assert_array_equal(run.trainer.history.to_array(), fresh.history.to_array())
    assert run.series["it"] == [CHUNK, 2 * CHUNK] and run.frame_count == 2
    assert run.last["rows"] == CHUNK


def test_verdicts(run):
    v = run.apply("step_size_D", 0.05)
    assert v.kind == "accepted" and v.ok and "step_size_D = 0.05" in v.message
    assert run.trainer.config.step_size_D == 0.05
    v = run.apply("step_size_D", 0)
    assert v.kind == "refused" and not v.ok and "Keeping step_size_D = 0.05" in v.message
    run.train_frame(CHUNK)
    v = run.apply("Z_DIM", 3)
    assert v.kind == "restarted" and run.trainer.iteration == 0 and run.series["it"] == []
    assert run.trainer.config.step_size_D == 0.05            # live settings survive a new architecture
    assert run.apply("seed", 5).kind == "restarted" and run.trainer.seed == 5
    assert run.apply("seed", 5).kind == "unchanged"
    assert run.apply("seed", "x").kind == "refused" and run.trainer.seed == 5
    assert run.apply("recipe", "recommended").kind == "restarted"
    assert run.trainer.config == gan_core.recommended()
    assert run.apply("nonsense", 1).kind == "refused"
    assert run.apply("learn", "nobody").kind == "refused"


@pytest.mark.parametrize("name,value", [("g_loss", "saturating"), ("optimizer", "adam"), ("lr_decay", "linear"),
                                        ("ema", 0.99), ("batch_size", 8), ("errata", ("dTanh",))])
def test_live_fields_reach_the_next_step(run, name, value):
    run.train_frame(CHUNK)
    assert run.apply(name, value).kind == "accepted"
    assert getattr(run.trainer.config, name) == value
    run.train_frame(CHUNK)
    assert run.trainer.iteration == 2 * CHUNK


def test_learn_d_only_freezes_g_exactly(run):
    run.train_frame(CHUNK)
    g, d = run.trainer.G.theta.copy(), run.trainer.D.theta.copy()
    assert run.apply("learn", "D only").ok
    run.train_frame(CHUNK)
    np.testing.assert_array_equal(run.trainer.G.theta, g)
    assert not np.array_equal(run.trainer.D.theta, d)
    assert run.trainer.history["step_size_G"][-1] == FROZEN_STEP == 0.0
    assert run.config.step_size_G == 0.01                   # the reader's value is kept
    assert run.apply("step_size_G", 0.05).ok                 # moved while frozen: kept for later
    assert run.trainer.config.learn == "D" and run.trainer.config.step_size_G == 0.05
    run.apply("learn", "G only")
    d = run.trainer.D.theta.copy()
    run.train_frame(CHUNK)
    np.testing.assert_array_equal(run.trainer.D.theta, d)
    assert run.trainer.history["step_size_G"][-1] == 0.05
    run.apply("learn", "both")
    assert run.trainer.config.step_size_D == 0.01


def test_chapter_preset_swaps_d_real_and_d_fake():
    """With all five errors on, D climbs its own loss: D(real) falls below D(fake) (notebook 03)."""
    run = LiveRun("chapter", 0, quality_samples=50, n_show=10)
    run.train_frame(1000)
    h = run.trainer.history
    assert h["D_real"].mean() < h["D_fake"].mean()
    exact = LiveRun("book", 0, quality_samples=50, n_show=10)
    exact.train_frame(1000)
    assert exact.trainer.history["D_real"].mean() > exact.trainer.history["D_fake"].mean()


def test_view_has_the_fit_the_scores_and_the_heat_map(run):
    run.train_frame(CHUNK)
    v = run.view()
    assert v.samples.shape == (10, 10) and set(v.fit) == {"x0", "freq", "mult", "rmse"}
    np.testing.assert_allclose(v.scores, run.trainer.D.forward(v.samples)[:, 0])
    assert v.heat.shape == (len(HEAT_MULT), len(HEAT_FREQ)) and ((0 < v.heat) & (v.heat < 1)).all()
    fit = gan_core.metrics.fit_sines(v.samples)
    np.testing.assert_array_equal(v.fit["freq"], fit["freq"])


def test_quality_every_k_frames_and_iter_num():
    run = LiveRun("book", 0, quality_every=2, quality_samples=50, n_show=10, ITER_NUM=100)
    assert run.quality["it"] == [0]
    assert run.train_frame(60) == (60, None)
    assert run.train_frame(60) == (40, "ITER_NUM")
    assert run.quality["it"] == [0, 100]


def test_divergence_is_a_stop_not_an_exception(run, monkeypatch):
    def boom(n):
        raise FloatingPointError("training diverged at iteration 7")
    monkeypatch.setattr(run.trainer, "train", boom)
    done, stop = run.train_frame(CHUNK)
    assert done == 0 and "diverged" in stop


def test_history_is_trimmed():
    run = LiveRun("book", 0, quality_samples=50, n_show=10, history_limit=1000)
    run.train_frame(700)
    run.train_frame(700)
    assert len(run.trainer.history) <= 1000 and run.trainer.history["iteration"][-1] == 1400
