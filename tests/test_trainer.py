import numpy as np
import pytest

import gan_core
from gan_core.metrics import evaluate


def test_same_seed_same_samples_and_history():
    a = gan_core.train("book", seed=5, iterations=300)
    b = gan_core.train("book", seed=5, iterations=300)
    assert np.array_equal(a.sample(20), b.sample(20))
    assert np.array_equal(a.history.to_array(), b.history.to_array())
    c = gan_core.train("book", seed=6, iterations=300)
    assert not np.array_equal(a.sample(20), c.sample(20))


def test_training_in_chunks_equals_one_run():
    whole = gan_core.Trainer(recipe="recommended", seed=1, batch_size=16).train(120)
    parts = gan_core.Trainer(recipe="recommended", seed=1, batch_size=16)
    for n in (1, 50, 69):
        parts.train(n)
    assert parts.iteration == 120
    assert np.array_equal(whole.G.theta, parts.G.theta)
    assert np.array_equal(whole.D.theta, parts.D.theta)


def test_train_defaults_to_iter_num_and_sample_shape():
    t = gan_core.train("book", seed=0, ITER_NUM=50)
    assert t.iteration == 50 and len(t.history) == 50
    s = t.sample(7)
    assert s.shape == (7, 10) and np.all(np.abs(s) < 1)


def test_set_acts_on_the_next_step():
    t = gan_core.Trainer(recipe="book", seed=0).train(3)
    t.set(step_size_G=0.05, step_size_D=0.002)
    t.step()
    assert t.history["step_size_G"][-1] == 0.05
    assert t.history["step_size_D"][-1] == 0.002
    assert np.all(t.history["step_size_G"][:3] == 0.01)


def test_set_refuses_bad_values_and_keeps_the_old_one():
    t = gan_core.Trainer(recipe="book")
    with pytest.raises(ValueError, match="step_size_D"):
        t.set(step_size_D=0.0)
    assert t.config.step_size_D == 0.01
    with pytest.raises(ValueError, match="Z_DIM"):
        t.set(Z_DIM=3)
    t.reset(Z_DIM=3)
    assert t.G.n_in == 3 and t.iteration == 0


def test_gradient_clipping_bounds_every_weight_gradient():
    t = gan_core.Trainer(recipe="book", seed=0, GRADIENT_CLIP=1e-3).train(50)
    h = t.history
    assert np.all(h["grad_norm_G_clipped"] <= np.sqrt(3) * 1e-3 + 1e-12)
    assert h.clipped_fraction("G") > 0.9
    t.set(GRADIENT_CLIP=None)
    t.train(20)
    assert np.allclose(t.history["grad_norm_D"][-20:], t.history["grad_norm_D_clipped"][-20:])


def test_weight_clipping_bounds_every_parameter():
    t = gan_core.Trainer(recipe="book", seed=0, WEIGHT_CLIP=0.05, step_size_D=0.5, step_size_G=0.5).train(100)
    assert np.abs(t.D.theta).max() <= 0.05 and np.abs(t.G.theta).max() <= 0.05


def test_linear_decay_reaches_zero():
    t = gan_core.train("recommended", seed=0, ITER_NUM=40, batch_size=8)
    lr = t.history["step_size_G"]
    assert lr[0] == t.config.step_size_G and np.all(np.diff(lr) < 0) and lr[-1] < lr[0] / 20


def test_divergence_stops_with_iteration_and_hyperparameters():
    t = gan_core.Trainer(recipe="book").train(2)
    t.G.theta[:] = np.nan
    with pytest.raises(FloatingPointError, match=r"iteration 3.*step_size_D=0.01"):
        t.train(5)


def test_discriminator_learns_the_right_labels_against_a_frozen_generator():
    """With the gradients corrected, D pushes real scores up and fake scores down
    (the chapter's sign errors made it learn the opposite)."""
    t = gan_core.train("book", seed=0, iterations=3000, step_size_G=1e-9)
    h = t.history
    assert h["D_real"][-500:].mean() > 0.6 > 0.4 > h["D_fake"][-500:].mean()


def test_short_recommended_run_improves_quality():
    t = gan_core.Trainer(recipe="recommended", seed=0, ITER_NUM=1500, ema=None)
    before = evaluate(t.sample(500))
    t.train()
    after = evaluate(t.sample(500))
    assert after["mmd2"] < before["mmd2"] / 5
    assert after["valid_fraction"] > before["valid_fraction"] + 0.1
    assert after["mean_rmse"] < before["mean_rmse"] / 2


def test_generate_checks_the_noise_shape():
    t = gan_core.Trainer(recipe="book")
    with pytest.raises(ValueError, match=r"z must have shape \(n, 1\)"):
        t.generate(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="n must be"):
        t.sample(0)


def test_bad_api_inputs_get_clear_errors_and_change_nothing():
    t = gan_core.Trainer(recipe="book", seed=3)
    with pytest.raises(ValueError, match="rng must be None or a numpy.random.Generator"):
        t.sample(5, rng=5)
    with pytest.raises(ValueError, match="callback must be a function"):
        t.train(10, callback=5)
    assert t.iteration == 0  # checked before the first step
    for bad in ([[float("nan")]], [[float("inf")]], [[1.0], [1.0, 2.0]], "abc", [[1.0, 2.0]]):
        with pytest.raises(ValueError, match="z must"):
            t.generate(bad)
    with pytest.raises(ValueError, match="Z_DIM"):
        t.reset(seed=5, Z_DIM=0)
    assert t.seed == 3 and t.config.Z_DIM == 1
    for seed in (2**63, -1, 1.5, True, "0"):
        with pytest.raises(ValueError, match="seed must be an integer in"):
            gan_core.Trainer(recipe="book", seed=seed)
    with pytest.raises(ValueError, match="iterations must be an integer in"):
        t.train(10**400)


def test_after_a_divergence_sampling_and_training_raise():
    t = gan_core.Trainer(recipe="book", step_size_G=10, step_size_D=10, GRADIENT_CLIP=None, WEIGHT_CLIP=None)
    with pytest.raises(FloatingPointError, match="diverged at iteration"):
        with np.errstate(all="ignore"):
            t.train(5000)
    with pytest.raises(FloatingPointError, match="diverged"):
        t.sample(3)
    with pytest.raises(FloatingPointError, match="reset"):
        t.train(1)
    t.reset()
    assert np.isfinite(t.sample(3)).all()


def test_weight_average_is_bias_corrected():
    """avg_t = e_t / (1 - d^t) with e_0 = 0: after one step it is G itself, and
    it never holds any share of the initial weights."""
    t = gan_core.Trainer(recipe="recommended", seed=0)
    init = t.G.theta.copy()
    t.train(1)
    assert np.array_equal(t.G_ema.theta, t.G.theta)
    thetas = [t.G.theta.copy()]
    for _ in range(9):
        t.train(1)
        thetas.append(t.G.theta.copy())
    d = t.config.ema
    w = d ** np.arange(9, -1, -1.0)
    want = (w[:, None] * np.array(thetas)).sum(axis=0) / w.sum()
    assert np.max(np.abs(t.G_ema.theta - want)) < 1e-14
    assert not np.allclose(t.G_ema.theta, init)


@pytest.mark.parametrize("learn", ["D", "G"])
def test_learn_freezes_one_player_exactly(learn):
    t = gan_core.Trainer(recipe="recommended", seed=0).train(20)
    frozen = t.G if learn == "D" else t.D
    opt = t.opt_G if learn == "D" else t.opt_D
    before, moments = frozen.theta.copy(), opt.m.copy()
    other = (t.D if learn == "D" else t.G).theta.copy()
    t.set(learn=learn).train(30)
    assert np.array_equal(frozen.theta, before) and np.array_equal(opt.m, moments)
    assert not np.array_equal((t.D if learn == "D" else t.G).theta, other)
    col = "step_size_G" if learn == "D" else "step_size_D"
    assert np.all(t.history[col][-30:] == 0.0)
    with pytest.raises(ValueError, match="learn must be one of"):
        t.set(learn="D only")
