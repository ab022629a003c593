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


# --------------------------------------------------------------------------- dtype
#: Recorded before Config.dtype existed (float64 everywhere): parameters of
#: Trainer(recipe="book", seed=0) after 500 iterations and of the recommended
#: settings in float64 (seed 0) after 100: every 30th / 150th / 900th entry and
#: the sums. The float64 path is unchanged: it was bit for bit on the machine
#: these were taken on; the 1e-12 tolerance is for other BLAS builds, and is
#: still 10^4 times finer than a single float32 rounding anywhere in the step.
BOOK_500 = {
    "G": ([0.249558812090401, 0.18543898721422805, -0.25, 0.03303301458137877, 0.022506071900598335, -0.25,
           0.14421786616098792, 0.2010234361903152], -0.22771858370964093),
    "D": ([0.10517027994588403, -0.2499576307877204, 0.01243308144406475, -0.15707184550715023,
           -0.12942547122889847, 0.024688640777108667, -0.23480891365388531, -0.019256289883741593],
          -3.589510393578979),
}
RECOMMENDED_FLOAT64_100 = {
    "G": ([0.20632263824686203, -0.2567558383041787, 0.17804068648028654, -0.13879243319821, 0.14782631301733568,
           0.16115037622033118, 0.08811530980584806, -0.016954961024465393, 0.0025288257664530327,
           0.1965560861912859, 0.17069449490305502], 29.48960307029122),
    "D": ([0.1165581531132135, -0.000525197670389625, -0.06517677970731461, 0.03302635993143654,
           0.06704887655613559, 0.017581541736429077, 0.02354113719578994, 0.05155329922984557,
           0.08726357023818299], 23.179369087871407),
}


def _assert_recorded(theta, recorded, every):
    entries, total = recorded
    assert theta.dtype == np.float64
    assert np.allclose(theta[::every], entries, rtol=0, atol=1e-12)
    assert abs(theta.sum() - total) < 1e-11


def test_float64_runs_are_what_they_were_before_dtype_existed():
    t = gan_core.Trainer(recipe="book", seed=0).train(500)
    assert t.config.dtype == "float64"
    _assert_recorded(t.G.theta, BOOK_500["G"], 30)
    _assert_recorded(t.D.theta, BOOK_500["D"], 30)
    t = gan_core.Trainer(recipe="recommended", seed=0, dtype="float64").train(100)
    _assert_recorded(t.G.theta, RECOMMENDED_FLOAT64_100["G"], 150)
    _assert_recorded(t.D.theta, RECOMMENDED_FLOAT64_100["D"], 900)


@pytest.mark.parametrize("recipe,overrides", [
    ("recommended", {}),
    ("book", {"errata": "all"}),  # SGD, both clips and the chapter's gradients (bce_grad, dSigmoid, ...)
    ("recommended", {"GRADIENT_CLIP": 0.05, "WEIGHT_CLIP": 0.1, "g_loss": "saturating", "errata": ("dSigmoid",)}),
])
def test_a_float32_run_computes_every_array_of_its_steps_in_float32(monkeypatch, recipe, overrides):
    """Parameters, gradients, Adam's moments, the weight average, the stream rows and
    every array that passes through a layer or an optimizer step: no float64 sneaks in."""
    from gan_core import layers, optim
    seen = []
    forward, backward = layers.Dense.forward, layers.Dense.backward_preactivation
    steps = {cls: cls.step for cls in (optim.Adam, optim.SGD)}

    def spy_forward(self, x):
        y = forward(self, x)
        seen.extend([("forward x", x.dtype), ("forward y", y.dtype)])
        return y

    def spy_backward(self, dz, param_grads=True, input_grad=True):
        dx = backward(self, dz, param_grads, input_grad)
        seen.extend([("dz", dz.dtype), ("dW", self.dW.dtype)] + ([("dx", dx.dtype)] if dx is not None else []))
        return dx

    def spy_step(self, theta, g, step_size):
        seen.extend([("theta", theta.dtype), ("g", g.dtype)])
        steps[type(self)](self, theta, g, step_size)
        seen.extend([("m", self.m.dtype), ("v", self.v.dtype)] if hasattr(self, "m") else [])

    def spy_net_backward(self, dz, param_grads=True, input_grad=True):
        seen.append(("network dz", dz.dtype))  # before MLP's own conversion of a foreign dtype
        return net_backward(self, dz, param_grads, input_grad)

    def spy_net_forward(self, x):
        seen.append(("network x", x.dtype))
        return net_forward(self, x)

    from gan_core.mlp import MLP
    net_backward, net_forward = MLP.backward_preactivation, MLP.forward
    monkeypatch.setattr(MLP, "backward_preactivation", spy_net_backward)
    monkeypatch.setattr(MLP, "forward", spy_net_forward)
    monkeypatch.setattr(layers.Dense, "forward", spy_forward)
    monkeypatch.setattr(layers.Dense, "backward_preactivation", spy_backward)
    for cls in steps:
        monkeypatch.setattr(cls, "step", spy_step)
    t = gan_core.Trainer(recipe=recipe, seed=0, dtype="float32", ITER_NUM=100, **overrides).train(3)
    kinds = {name for name, _ in seen}
    assert kinds >= {"network x", "network dz", "forward x", "forward y", "dz", "dW", "dx", "theta", "g"}
    assert [name for name, dt in seen if dt != np.float32] == []
    arrays = [t.G.theta, t.G.grad, t.D.theta, t.D.grad, t._real.take(64), t._noise.take(64),
              t.state_dict()["streams"]["real"]["rows"]]
    if t.config.optimizer == "adam":
        assert {"m", "v"} <= kinds
        arrays += [t.G_ema.theta, t.opt_G.m, t.opt_G.v, t.opt_D.m, t.opt_D.v]
    for arr in arrays:
        assert arr.dtype == np.float32
    assert t.history.to_array().dtype == np.float64 and np.isfinite(t.history.to_array()).all()


def test_a_float32_run_starts_from_the_float64_draws_rounded():
    wide = gan_core.Trainer(recipe="recommended", seed=4, dtype="float64")
    narrow = gan_core.Trainer(recipe="recommended", seed=4, dtype="float32")
    assert np.array_equal(narrow.G.theta, wide.G.theta.astype(np.float32))
    assert np.array_equal(narrow.D.theta, wide.D.theta.astype(np.float32))
    for a, b in ((narrow._real, wide._real), (narrow._noise, wide._noise)):
        assert np.array_equal(a.take(5000), b.take(5000).astype(np.float32))
    # after some training the two runs differ only by float32 rounding's drift
    wide.train(20), narrow.train(20)
    assert np.max(np.abs(narrow.G.theta - wide.G.theta)) < 1e-4


def test_a_float32_run_samples_float64_signals_computed_in_float32():
    t = gan_core.Trainer(recipe="recommended", seed=1, dtype="float32").train(30)
    z = np.random.default_rng(0).standard_normal((40, t.config.Z_DIM))
    x = t.generate(z)
    assert x.dtype == np.float64
    assert np.array_equal(x, t.G_ema.forward(z.astype(np.float32)).astype(np.float64))
    assert t.sample(25).dtype == np.float64 and np.array_equal(t.sample(25), t.sample(25))
    assert np.isfinite(evaluate(t.sample(200))["mmd2"])


def test_dtype_changes_only_through_reset():
    t = gan_core.Trainer(recipe="book", seed=2).train(5)
    with pytest.raises(ValueError, match=r"dtype change\(s\) the networks' number type: call reset\(dtype=...\)"):
        t.set(dtype="float32")
    assert t.config.dtype == "float64" and t.G.theta.dtype == np.float64
    t.set(dtype="float64")  # no change: accepted
    t.reset(dtype="float32")
    assert t.config.dtype == "float32" and t.iteration == 0
    assert t.G.theta.dtype == t.D.theta.dtype == t._real.take(1).dtype == np.float32
    with pytest.raises(ValueError, match="dtype must be one of 'float64', 'float32'"):
        t.reset(dtype="float16")
    assert t.config.dtype == "float32"
    t.reset(dtype="float64").train(5)
    assert np.array_equal(t.G.theta, gan_core.Trainer(recipe="book", seed=2).train(5).G.theta)


@pytest.mark.parametrize("recipe", ["book", "recommended"])
def test_a_float32_run_resumes_from_its_state_dict_bit_for_bit(recipe):
    straight = gan_core.Trainer(recipe=recipe, seed=3, dtype="float32").train(80)
    first = gan_core.Trainer(recipe=recipe, seed=3, dtype="float32").train(33)
    twin = gan_core.Trainer.from_state_dict(first.state_dict())
    assert twin.config.dtype == "float32" and twin.G.theta.dtype == np.float32
    twin.train(47)
    for a, b in ((twin.G.theta, straight.G.theta), (twin.D.theta, straight.D.theta),
                 (twin.history.to_array(), straight.history.to_array())):
        assert np.array_equal(a, b)
    if recipe == "recommended":
        assert np.array_equal(twin.G_ema.theta, straight.G_ema.theta)
        assert np.array_equal(twin.opt_D.v, straight.opt_D.v) and twin.opt_D.v.dtype == np.float32
