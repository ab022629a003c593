"""Checks for the exercises of notebook 04 (training)."""
import numpy as np

from ..data import sample_sines
from ..losses import generator_logit_grad, sigmoid_bce_grad
from ..mlp import Discriminator, Generator
from ..optim import clip_gradient_norms, clip_weights
from ..recipes import book
from ..trainer import Trainer
from ._verdict import as_array, as_number, as_whole, call, describe, guarded, off_by, verdict

#: Rows of real samples and noise that ``solution_train_batches`` draws: a run reads
#: ``iterations * batch_size`` of them.
N_ROWS = 4096


def solution_train_batches(seed, iterations, batch_size):
    """Reference solution of exercise 1: the book recipe's loop on mini-batches.

    Builds G and D from ``SeedSequence(seed).spawn(5)`` as ``Trainer`` does, takes
    rows ``t*n .. (t+1)*n`` of one block of 4096 real samples and noise rows at
    step ``t`` and returns ``(G, D)`` after ``iterations`` steps.
    """
    cfg = book()
    g_seq, d_seq, data_seq, noise_seq, _ = np.random.SeedSequence(seed).spawn(5)
    G = Generator(cfg.Z_DIM, cfg.G_HIDDEN, cfg.X_DIM, rng=np.random.default_rng(g_seq))
    D = Discriminator(cfg.X_DIM, cfg.D_HIDDEN, rng=np.random.default_rng(d_seq))
    real = sample_sines(N_ROWS, np.random.default_rng(data_seq), x_dim=cfg.X_DIM)
    noise = np.random.default_rng(noise_seq).standard_normal((N_ROWS, cfg.Z_DIM))

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


def _thetas(out):
    """``(G.theta, D.theta)`` as float arrays from the reader's ``(G, D)``, or ``None``."""
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        return None
    thetas = tuple(as_array(getattr(net, "theta", None)) for net in out)
    return None if any(th is None for th in thetas) else thetas


@guarded
def check_minibatch_loop(train_batches, seed=3, iterations=40, batch_size=8):
    """Exercise 1: ``train_batches(seed, iterations, batch_size)`` must return ``(G, D)``
    equal (to 1e-10) to ``Trainer(recipe="book", seed=seed, batch_size=batch_size)``
    trained for ``iterations`` steps (``iterations * batch_size <= 4096`` rows)."""
    seed_ = as_whole(seed, 0, 2**63 - 1)
    batch_ = as_whole(batch_size, 1, N_ROWS)
    iters_ = as_whole(iterations, 1, N_ROWS // batch_) if batch_ is not None else None
    if seed_ is None or batch_ is None or iters_ is None:
        return verdict(False, "seed, iterations and batch_size must be whole numbers",
                       f"seed >= 0, batch_size in [1, {N_ROWS}], iterations * batch_size <= {N_ROWS}; "
                       "leave them out to check the exercise's 3, 40 and 8")
    seed, iterations, batch_size = seed_, iters_, batch_
    what = f"your loop matches gan_core.Trainer for {iterations} steps of batch {batch_size}"
    ok, out = call(train_batches, "train_batches", seed, iterations, batch_size)
    if not ok:
        return verdict(False, what, out)
    thetas = _thetas(out)
    if thetas is None:
        return verdict(False, what, f"return the two networks (G, D); it returned {describe(out)}")
    g_theta, d_theta = thetas
    ref = Trainer(recipe="book", seed=seed, batch_size=batch_size).train(iterations)
    if g_theta.shape != ref.G.theta.shape or d_theta.shape != ref.D.theta.shape:
        return verdict(False, what, "the networks have the wrong number of parameters")
    with np.errstate(all="ignore"):
        gap_G, gap_D = np.abs(g_theta - ref.G.theta).max(), np.abs(d_theta - ref.D.theta).max()
    if not (np.isfinite(gap_G) and np.isfinite(gap_D)):
        return verdict(False, what, "your networks hold NaN or inf: is a step size or a sign off?")
    gap = max(gap_G, gap_D)
    hint = "G differs" if gap_G > 1e-10 else "D differs"
    return verdict(gap <= 1e-10, what, f"largest parameter difference {gap:.2e}; {hint}")


@guarded
def check_share_at_clip(trainer, answer, net="D"):
    """Exercise 2: the share of ``net``'s parameters at ``+-WEIGHT_CLIP`` (within 1e-12),
    i.e. ``mean(|theta| >= WEIGHT_CLIP - 1e-12)``, accepted to 5e-4."""
    if not isinstance(net, str) or net not in ("G", "D"):
        return verdict(False, "net must be 'G' or 'D'", f"you passed {describe(net)}")
    config = getattr(trainer, "config", None)
    theta = as_array(getattr(getattr(trainer, net, None), "theta", None))
    if config is None or theta is None or not hasattr(config, "WEIGHT_CLIP"):
        return verdict(False, "pass the run you trained first",
                       f"trainer must be a gan_core.Trainer such as book_run, got {describe(trainer)}")
    limit = as_number(config.WEIGHT_CLIP)
    if limit is None:
        return verdict(False, "share of parameters at the clip", "this run has no weight clip")
    expected = float(np.mean(np.abs(theta) >= limit - 1e-12))
    value = as_number(answer)
    if value is None:
        return verdict(False, f"share of {net}'s parameters at the clip",
                       f"expected one number between 0 and 1, got {describe(answer)}")
    if abs(value - expected) <= 5e-4:
        return verdict(True, f"{expected:.1%} of {net}'s parameters sit at the weight clip")
    return verdict(False, f"share of {net}'s parameters at the clip",
                   f"{off_by(value, expected)}; count |theta| >= WEIGHT_CLIP - 1e-12 over all of {net}.theta")
