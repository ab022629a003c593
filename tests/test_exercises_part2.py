"""The exercise checks of notebooks 04-07 (gan_core.exercises.training, .visualization,
.experiments, .applications): each says Correct for a right answer and Not yet for the
stub and for a plausible mistake. tests/test_exercises.py runs its battery of bad
inputs over them with the right arguments of :func:`part2_right_arguments`."""
import numpy as np
import pytest

import gan_core
from gan_core import metrics
from gan_core.exercises import applications as X7
from gan_core.exercises import experiments as X6
from gan_core.exercises import training as X4
from gan_core.exercises import visualization as X5
from gan_core.losses import generator_logit_grad, sigmoid_bce_grad
from gan_core.optim import clip_gradient_norms, clip_weights


# --------------------------------------------------------------------------- reference answers
def train_batches(seed, iterations, batch_size):
    cfg = gan_core.book()
    g_seq, d_seq, data_seq, noise_seq, _ = np.random.SeedSequence(seed).spawn(5)
    G = gan_core.Generator(cfg.Z_DIM, cfg.G_HIDDEN, cfg.X_DIM, rng=np.random.default_rng(g_seq))
    D = gan_core.Discriminator(cfg.X_DIM, cfg.D_HIDDEN, rng=np.random.default_rng(d_seq))
    real = gan_core.sample_sines(4096, np.random.default_rng(data_seq))
    noise = np.random.default_rng(noise_seq).standard_normal((4096, cfg.Z_DIM))

    def step(net, size):
        clip_gradient_norms(net.weight_grad_views, cfg.GRADIENT_CLIP)
        net.theta -= size * net.grad
        clip_weights(net.theta, cfg.WEIGHT_CLIP)

    n = batch_size
    for t in range(iterations):
        x_real, z = real[t * n:(t + 1) * n], noise[t * n:(t + 1) * n]
        p = D.forward(x_real)
        D.backward_preactivation(sigmoid_bce_grad(p, 1.0), input_grad=False)
        step(D, cfg.step_size_D)
        x_fake = G.forward(z)
        p = D.forward(x_fake)
        D.backward_preactivation(sigmoid_bce_grad(p, 0.0), input_grad=False)
        step(D, cfg.step_size_D)
        p = D.forward(x_fake)
        dx = D.backward_preactivation(generator_logit_grad(p), param_grads=False)
        G.backward(dx, input_grad=False)
        step(G, cfg.step_size_G)
    return G, D


def predicted_logit_change(D, x, target, step_size):
    p = D.forward(x).item()
    D.backward_preactivation(np.ones((1, 1)), input_grad=False)
    J = D.grad.copy()
    return -step_size * (p - target) * float(J @ J)


def interpolate(trainer, z_a, z_b, steps):
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return trainer.generate((1 - t) * np.asarray(z_a, float)[None, :] + t * np.asarray(z_b, float)[None, :])


def collapsed(samples):
    if metrics.valid_fraction(samples) < 0.5:
        return True
    return bool(metrics.coverage(samples)["std_freq"] < 0.5)


def cells_reached(samples, cells=4):
    fit = metrics.fit_sines(samples)
    ok = metrics.valid_mask(samples, fit=fit)
    if not ok.any():
        return 0.0
    index = np.zeros(int(ok.sum()), dtype=int)
    for name in ("x0", "freq", "mult"):
        lo, hi = gan_core.SINE_RANGES[name]
        k = np.clip(np.floor((fit[name][ok] - lo) / (hi - lo) * cells), 0, cells - 1).astype(int)
        index = index * cells + k
    return len(np.unique(index)) / cells ** 3


def step_ratio(g_big, n_big, g_small, n_small, beta1=0.5, beta2=0.999):
    m = v = 0.0
    t = 0
    for g in [g_big] * n_big + [g_small] * n_small:
        t += 1
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
    return abs(np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t) * m / (np.sqrt(v) + 1e-8))


def denoise(trainer, noisy, starts=8, steps=200, step_size=0.05, prior=0.01, seed=0):
    G, Z = trainer.sampler, trainer.config.Z_DIM
    y = np.repeat(noisy, starts, axis=0)
    z = np.random.default_rng(seed).standard_normal((len(y), Z))
    m, v = np.zeros_like(z), np.zeros_like(z)
    for t in range(1, steps + 1):
        x = G.forward(z)
        g = G.backward(2.0 * (x - y) / y.shape[1]) + 2.0 * prior * z
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        z -= step_size * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    x = G.forward(z)
    loss = ((x - y) ** 2).mean(axis=1).reshape(-1, starts)
    return x[np.arange(len(loss)) * starts + loss.argmin(axis=1)]


def part2_right_arguments(runs):
    """The arguments that make each check of notebooks 04-07 print ``Correct:``."""
    return {
        "training.check_minibatch_loop": (train_batches,),
        "training.check_logit_prediction": (predicted_logit_change,),
        "visualization.check_interpolation": (interpolate,),
        "visualization.check_collapse_detector": (collapsed,),
        "experiments.check_cells_reached": (cells_reached,),
        "experiments.check_step_ratio": (step_ratio,),
        "experiments.check_cells_on_a_line": (10,),
        "applications.check_denoiser": (denoise, runs["recommended"]),
        "applications.check_frequency_control": (frequency_z, runs["recommended"]),
    }


def stub(*args, **kwargs):
    """What an answer cell holds before the reader writes anything: ``...``, returns None."""
    return None


# --------------------------------------------------------------------------- verdicts
def _line(capsys):
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1, out
    return out[0]


def test_minibatch_loop(capsys):
    assert X4.check_minibatch_loop(train_batches, iterations=10, batch_size=4)
    assert _line(capsys).startswith("Correct: ")
    for wrong in (stub, lambda seed, it, bs: train_batches(seed, it, 1)):   # ignores the batch size
        assert not X4.check_minibatch_loop(wrong, iterations=10, batch_size=4)
        assert _line(capsys).startswith("Not yet: ")


def test_logit_prediction(capsys):
    assert X4.check_logit_prediction(predicted_logit_change)
    assert _line(capsys).startswith("Correct: ")

    def loss_gradient_norm(D, x, target, step_size):   # the squared norm of the loss's gradient, not the logit's
        p = D.forward(x)
        D.backward_preactivation(sigmoid_bce_grad(p, target), input_grad=False)
        return -step_size * float(D.grad @ D.grad)

    def takes_the_step(D, x, target, step_size):       # right number, but changes D
        before = predicted_logit_change(D, x, target, step_size)
        D.theta -= 0.01
        return before

    for wrong in (stub, loss_gradient_norm, takes_the_step):
        assert not X4.check_logit_prediction(wrong)
        assert _line(capsys).startswith("Not yet: ")


def test_interpolation(capsys):
    assert X5.check_interpolation(interpolate)
    assert _line(capsys).startswith("Correct: ")
    for wrong in (stub, lambda tr, a, b, n: interpolate(tr, a, b, n)[::-1]):
        assert not X5.check_interpolation(wrong)
        assert _line(capsys).startswith("Not yet: ")


def test_collapse_detector(capsys):
    assert X5.check_collapse_detector(collapsed)
    assert _line(capsys).startswith("Correct: ")
    only_valid = lambda s: metrics.valid_fraction(s) < 0.5    # forgets the narrow frequency band
    for wrong in (stub, only_valid):
        assert not X5.check_collapse_detector(wrong)
        assert _line(capsys).startswith("Not yet: ")


def test_cells_reached(capsys):
    assert X6.check_cells_reached(cells_reached)
    assert _line(capsys).startswith("Correct: ")
    ignores_validity = lambda s, cells=4: cells_reached(s, cells) if metrics.valid_fraction(s) > 0 else 1 / cells ** 3
    for wrong in (stub, lambda s, cells=4: 0.5, ignores_validity):
        assert not X6.check_cells_reached(wrong)
        assert _line(capsys).startswith("Not yet: ")


def test_step_ratio(capsys):
    assert X6.check_step_ratio(step_ratio)
    line = _line(capsys)
    assert line.startswith("Correct: ")

    def no_bias_correction(g_big, n_big, g_small, n_small, beta1=0.5, beta2=0.999):
        m = v = 0.0
        for g in [g_big] * n_big + [g_small] * n_small:
            m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
        return abs(m / (np.sqrt(v) + 1e-8))

    always_one = lambda *a, **k: 1.0        # "Adam always steps by about the step size"
    for wrong in (stub, always_one, no_bias_correction):
        assert not X6.check_step_ratio(wrong)
        assert "bias correction" in _line(capsys) or wrong is stub


def test_cells_on_a_line(capsys):
    assert X6.check_cells_on_a_line(10)
    assert _line(capsys).startswith("Correct: ")
    for wrong in (Ellipsis, 64, 4, 9):
        assert not X6.check_cells_on_a_line(wrong)
        assert _line(capsys).startswith("Not yet: ")


@pytest.fixture(scope="module")
def short_run():
    return gan_core.train("recommended", seed=0, iterations=3000, ITER_NUM=3000, step_size_G=0.008, step_size_D=0.008,
                          G_HIDDEN=(32,), D_HIDDEN=(32,))


def test_denoiser(capsys, short_run):
    assert X7.check_denoiser(denoise, short_run)
    assert _line(capsys).startswith("Correct: ")
    for wrong in (stub, lambda tr, y: y, lambda tr, y: np.zeros_like(y)):
        assert not X7.check_denoiser(wrong, short_run)
        assert _line(capsys).startswith("Not yet: ")


def test_no_solution_functions_left_in_the_package():
    for module in (X4, X5, X6, X7):
        assert not [name for name in vars(module) if name.startswith("solution_")], module.__name__


def frequency_z(trainer, freq, n=4000, seed=0):
    """A noise vector whose signal is a sine of frequency ``freq``: the best of ``n`` draws."""
    z = np.random.default_rng(seed).standard_normal((n, trainer.config.Z_DIM))
    fit = metrics.fit_sines(trainer.generate(z))
    score = np.abs(fit["freq"] - freq) + 10.0 * (fit["rmse"] >= 0.05)
    return z[np.argmin(score)]


def test_frequency_control_check(capsys, short_run):
    from gan_core.exercises.applications import check_frequency_control
    run = short_run
    assert check_frequency_control(frequency_z, run)
    assert _line(capsys).startswith("Correct:")
    assert not check_frequency_control(stub, run)
    assert "Not yet" in _line(capsys)
    # a plausible mistake: any sine at all, whatever its frequency
    assert not check_frequency_control(lambda tr, f: frequency_z(tr, 1.2), run)
    line = _line(capsys)
    assert line.startswith("Not yet:") and "largest miss" in line
