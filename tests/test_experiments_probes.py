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
