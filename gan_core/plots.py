"""Figures (matplotlib is imported here, never at ``import gan_core``)."""
import numpy as np


def _pyplot():
    import matplotlib.pyplot as plt
    return plt


def plot_signals(ax, samples, title=None, color=None, alpha=0.8, lw=1.0):
    """Draw each row of ``samples`` as a curve over ``i = 0 .. X_DIM-1`` on ``ax``."""
    samples = np.asarray(samples)
    i = np.arange(samples.shape[1])
    ax.plot(i, samples.T, color=color, alpha=alpha, lw=lw)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("i")
    if title:
        ax.set_title(title)
    return ax


def samples_figure(generated, real, n=50):
    """``n`` generated signals beside ``n`` real ones (the chapter's figures)."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True, constrained_layout=True)
    plot_signals(axes[0], np.asarray(generated)[:n], f"{min(n, len(generated))} generated")
    plot_signals(axes[1], np.asarray(real)[:n], f"{min(n, len(real))} real")
    axes[0].set_ylabel("x_i")
    return fig


def losses_figure(history, window=200):
    """D's and G's losses (moving averages) and D's mean outputs on real and fake."""
    plt = _pyplot()
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.6), constrained_layout=True)
    n = len(history)
    w = max(1, min(window, n // 10 or 1))
    it = history["iteration"][w - 1:] if n else []
    a.plot(it, history.smoothed("loss_D_real", w) + history.smoothed("loss_D_fake", w), label="D loss (real + fake)")
    a.plot(it, history.smoothed("loss_G", w), label="G loss")
    a.axhline(2 * np.log(2), color="gray", ls=":", lw=1, label="2 log 2 (D at 1/2)")
    a.set_xlabel("iteration")
    a.set_title(f"losses (moving average over {w})")
    a.legend(fontsize=8)
    b.plot(it, history.smoothed("D_real", w), label="D(real)")
    b.plot(it, history.smoothed("D_fake", w), label="D(fake)")
    b.axhline(0.5, color="gray", ls=":", lw=1)
    b.set_ylim(0, 1)
    b.set_xlabel("iteration")
    b.set_title("discriminator's mean output")
    b.legend(fontsize=8)
    return fig

