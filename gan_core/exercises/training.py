"""Checks for the exercises of notebook 04 (training)."""
import numpy as np

from ..data import sample_sines
from ..losses import generator_logit_grad, sigmoid_bce_grad
from ..mlp import Discriminator, Generator
from ..optim import clip_gradient_norms, clip_weights
from ..recipes import book
from ..trainer import Trainer
from ._verdict import as_array, as_number, as_whole, call, describe, guarded, verdict

#: Rows of real samples and noise in the block the exercise's loop draws from: a run reads
#: ``iterations * batch_size`` of them.
N_ROWS = 4096


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


def _logit(p):
    return float(np.log(p / (1.0 - p)))


@guarded
def check_logit_prediction(predicted_logit_change):
    """Exercise 2: ``predicted_logit_change(D, x, target, step_size)`` must give the
    first-order change ``-step * (p - t) * ||da/dtheta||^2`` of D's logit after one
    SGD step (no clips) on ``BCE(D(x), target)``. It is compared, within 3% of
    the true change, with the step itself taken on copies of four discriminators
    of the book's shape; ``D`` must be left as it was."""
    what = "your prediction matches the step D really takes"
    rng = np.random.default_rng(44)
    x_all = sample_sines(4, rng)
    for k, (target, step) in enumerate([(1.0, 0.01), (0.0, 0.01), (1.0, 0.003), (0.0, 0.02)]):
        D = Discriminator(10, (10, 10), rng=np.random.default_rng(100 + k))
        x = x_all[k:k + 1].copy()
        theta0 = D.theta.copy()
        ok, out = call(predicted_logit_change, "predicted_logit_change", D, x, target, step)
        if not ok:
            return verdict(False, what, out)
        got = as_number(out)
        if got is None:
            return verdict(False, what, f"return one number, the change of the logit; it returned {describe(out)}")
        if not np.array_equal(D.theta, theta0):
            return verdict(False, what, "your function changed D's parameters: predict the step, do not take it")
        real = D.copy()
        p = real.forward(x)
        before = _logit(p.item())
        real.backward_preactivation(sigmoid_bce_grad(p, target), input_grad=False)
        real.theta -= step * real.grad
        actual = _logit(real.forward(x).item()) - before
        if not abs(got - actual) <= 0.03 * abs(actual):
            hint = ("the sign: a step towards target 1 raises the logit" if got * actual < 0 else
                    "use the squared norm of da/dtheta, the gradient of the logit itself (not of the loss)")
            return verdict(False, what, f"for target {target:g} and step {step:g} yours is too "
                                        f"{'high' if got > actual else 'low'}; check {hint}")
    return verdict(True, f"{what} (within 3% on four discriminators)")
