"""Tests for gan_core.experiments.probes: checkpoints, MMD curves, latent walks, D scores."""
import numpy as np
import pytest

import gan_core
from gan_core import experiments as E
from gan_core import metrics


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


# --------------------------------------------------------------------------- evidence probes (notebooks 04-07)
from gan_core.experiments import ParallelRuns  # noqa: E402
from gan_core.experiments.probes import (adam_step_ratio, box_cell_distance, masked_sine_fit, parallel_samples,  # noqa: E402
                                         twin_gap, update_norms)


def test_twin_gap_stays_put_for_sgd_and_grows_for_adam():
    its, gaps = twin_gap("book", 300, every=100)
    assert list(its) == [0, 100, 200, 300] and gaps[0] == pytest.approx(1e-15, rel=0.2)
    assert gaps.max() < 1e-13
    _, adam = twin_gap("book", 1500, every=500, optimizer="adam")
    assert adam[-1] > 100 * adam[0]


def test_update_norms_records_every_optimizer_step_and_restores_it():
    tr = gan_core.Trainer(recipe="recommended", seed=0, G_HIDDEN=(8,), D_HIDDEN=(8,))
    ref = gan_core.Trainer(recipe="recommended", seed=0, G_HIDDEN=(8,), D_HIDDEN=(8,))
    u = update_norms(tr, 20)
    ref.train(20)
    assert np.array_equal(tr.G.theta, ref.G.theta)            # recording does not change the run
    assert {k: v.shape for k, v in u.items()} == {"D_real": (20,), "D_fake": (20,), "G": (20,)}
    assert (u["G"] > 0).all() and "step" not in vars(tr.opt_G)  # the wrapper is gone again
    # Adam's first step moves every parameter by about the step size: ||delta|| ~ step * sqrt(size)
    assert u["G"][0] == pytest.approx(tr.config.step_size_G * np.sqrt(tr.G.theta.size), rel=0.05)


def test_adam_step_ratio_remembers_large_gradients():
    from gan_core.optim import Adam
    opt, theta = Adam(3), np.zeros(3)
    assert not adam_step_ratio(opt).any()
    for _ in range(50):
        opt.step(theta, np.array([1.0, -1.0, 1.0]), 0.0)        # step size 0 still updates m and v
    assert np.allclose(adam_step_ratio(opt), 1.0, atol=0.02)
    for _ in range(20):
        opt.step(theta, np.array([0.01, -0.01, 1.0]), 0.0)
    r = adam_step_ratio(opt)
    assert r[0] < 0.1 and r[1] < 0.1 and r[2] == pytest.approx(1.0, abs=0.02)
    assert not theta.any()


def test_box_cell_distance_sees_how_samples_spread():
    rng = np.random.default_rng(0)
    real = gan_core.sample_sines(2000, rng)
    assert box_cell_distance(real) < 0.1
    assert box_cell_distance(np.zeros((50, 10))) == pytest.approx(1.0)       # all outside
    one = np.repeat(gan_core.sine_signals(0.5, 1.35, 0.65), 100, axis=0)
    assert box_cell_distance(one) == pytest.approx(1 - 1 / 64)             # one cell
    assert 0 <= box_cell_distance(real[:100]) <= 1


def test_masked_sine_fit_recovers_a_sine_from_part_of_it():
    rng = np.random.default_rng(1)
    clean = gan_core.sample_sines(5, rng)
    known = np.ones(clean.shape, bool)
    known[:, 3:7] = False
    fit = masked_sine_fit(clean, known)
    assert fit.shape == clean.shape and np.abs(fit - clean).max() < 0.01
    noisy = clean + 0.1 * rng.standard_normal(clean.shape)
    assert np.sqrt(np.mean((masked_sine_fit(noisy, True) - clean) ** 2)) < 0.1


def test_parallel_samples_with_and_without_the_average():
    runs = ParallelRuns([{}, {"seed": 1}], recipe="recommended", G_HIDDEN=(8,), D_HIDDEN=(8,)).train(30)
    avg, raw = parallel_samples(runs, 20), parallel_samples(runs, 20, average=False)
    assert np.array_equal(avg, runs.sample(20)) and raw.shape == avg.shape and not np.array_equal(avg, raw)
    assert runs.G_ema is not None


def test_twin_gap_refuses_a_nudge_that_the_weights_cannot_hold():
    from gan_core.experiments.probes import twin_gap
    its, gaps = twin_gap("book", 20, every=10, nudge=1e-15)
    assert list(its) == [0, 10, 20] and 0 < gaps[0] <= 2e-15
    with pytest.raises(ValueError, match=r"^nudge 1e-30 is lost in G's float64 weight"):
        twin_gap("book", 20, nudge=1e-30)

