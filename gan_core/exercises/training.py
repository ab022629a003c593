"""Checks for the exercises of notebook 04 (training)."""
import numpy as np

from ..data import sample_sines
from ..losses import generator_logit_grad, sigmoid_bce_grad
from ..mlp import Discriminator, Generator
from ..optim import clip_gradient_norms, clip_weights
from ..recipes import book
from ..trainer import Trainer
from ._verdict import verdict


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
    real = sample_sines(4096, np.random.default_rng(data_seq), x_dim=cfg.X_DIM)
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


def check_minibatch_loop(train_batches, seed=3, iterations=40, batch_size=8):
    """Exercise 1: ``train_batches(seed, iterations, batch_size)`` must return ``(G, D)``
    equal (to 1e-10) to ``Trainer(recipe="book", seed=seed, batch_size=batch_size)``
    trained for ``iterations`` steps."""
    what = f"your loop matches gan_core.Trainer for {iterations} steps of batch {batch_size}"
    try:
        out = train_batches(seed, iterations, batch_size)
        G, D = out
        g_theta, d_theta = np.asarray(G.theta), np.asarray(D.theta)
    except Exception as exc:  # the reader's code: report, do not crash the notebook
        return verdict(False, what, f"calling it raised {type(exc).__name__}: {exc}")
    ref = Trainer(recipe="book", seed=seed, batch_size=batch_size).train(iterations)
    if g_theta.shape != ref.G.theta.shape or d_theta.shape != ref.D.theta.shape:
        return verdict(False, what, "the networks have the wrong number of parameters")
    gap = max(np.abs(g_theta - ref.G.theta).max(), np.abs(d_theta - ref.D.theta).max())
    hint = "G differs" if np.abs(g_theta - ref.G.theta).max() > 1e-10 else "D differs"
    return verdict(gap <= 1e-10, what, f"largest parameter difference {gap:.2e}; {hint}")


def check_share_at_clip(trainer, answer, net="D"):
    """Exercise 2: the share of ``net``'s parameters at ``+-WEIGHT_CLIP`` (within 1e-12)."""
    if net not in ("G", "D"):
        raise ValueError(f"net must be 'G' or 'D', got {net!r}")
    limit = trainer.config.WEIGHT_CLIP
    if limit is None:
        return verdict(False, "share of parameters at the clip", "this run has no weight clip")
    theta = getattr(trainer, net).theta
    expected = float(np.mean(np.abs(theta) >= limit - 1e-12))
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return verdict(False, f"share of {net}'s parameters at the clip", f"expected a number, got {answer!r}")
    return verdict(abs(value - expected) <= 5e-4, f"{expected:.1%} of {net}'s parameters sit at the weight clip",
                   f"you gave {value:.4f}; count |theta| >= WEIGHT_CLIP - 1e-12 over all of {net}.theta")
