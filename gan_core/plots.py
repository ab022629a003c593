"""Figures (matplotlib is imported here, never at ``import gan_core``)."""
import re

import numpy as np


def _pyplot():
    import matplotlib.pyplot as plt
    return plt


def _grid(nrows, ncols, figsize, left=0.6, right=0.15, bottom=0.5, top=0.35, wspace=0.5, hspace=0.5, **kw):
    """``plt.subplots`` on a fixed grid whose margins and gaps are given in inches.

    The figures below use this rather than constrained layout, which measures every panel's
    ticks and labels twice more before each draw (about half of the time it takes to render a
    grid of panels). The inline backend saves with ``bbox_inches="tight"``, which trims or
    widens the outer margins to what is drawn, so only the gaps between panels must leave room
    for the tick labels, axis labels and titles that sit in them."""
    plt = _pyplot()
    w, h = figsize
    aw = (w - left - right - (ncols - 1) * wspace) / ncols
    ah = (h - bottom - top - (nrows - 1) * hspace) / nrows
    gs = dict(left=left / w, right=1 - right / w, bottom=bottom / h, top=1 - top / h,
              wspace=wspace / aw, hspace=hspace / ah)
    return plt.subplots(nrows, ncols, figsize=figsize, gridspec_kw=gs, **kw)


# Titles are set with ``y=1.0``: where matplotlib places them anyway, as nothing is drawn above
# these panels, but it then skips measuring the panel's y axis for every title at every pass.


def _every(w, n):
    """Indices of the points drawn of an ``n``-point moving average over ``w`` iterations: every
    ``w // 20``-th and the last (a moving average changes little within a twentieth of its
    window, so the curve looks the same, and 50,000-point lines make the legend's placement slow)."""
    return np.unique(np.r_[np.arange(0, n, max(1, w // 20)), n - 1]) if n else np.arange(0)


def _moving_averages(history, w):
    """The four curves of the training figures, moving averages over ``w`` iterations drawn
    through :func:`_every`'s points: ``(iterations, D loss (real + fake), G loss, D(real), D(fake))``."""
    n = len(history)
    k = _every(w, max(0, n - w + 1))
    its = history["iteration"][w - 1:][k] if n else []
    loss_d = history.smoothed("loss_D_real", w) + history.smoothed("loss_D_fake", w)
    return (its, loss_d[k], *(history.smoothed(key, w)[k] for key in ("loss_G", "D_real", "D_fake")))


_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def plain_log_ticks(ax, axis="both"):
    """Label a log-scaled axis of ``ax`` (``"x"``, ``"y"`` or ``"both"``) with plain-text powers
    of ten (10\u207b\u00b3, 2\u00d710\u207b\u00b3) in place of matplotlib's mathtext ones: they look the same, and
    a kernel that never draws mathtext never pays for its parser (about half a second)."""
    from matplotlib import ticker

    class PlainLogFormatter(ticker.LogFormatterSciNotation):
        def __call__(self, x, pos=None):
            s = super().__call__(x, pos)
            if not s.startswith("$"):
                return s
            core = re.fullmatch(r"\$\\mathdefault\{(.*)\}\$", s)
            if core is None:
                return s
            t = core.group(1).replace("\\times", "\u00d7")
            t = re.sub(r"\^\{(-?\d+)\}", lambda m: m.group(1).translate(_SUPERSCRIPT), t)
            return s if ("\\" in t or "{" in t or "^" in t) else t.replace("-", "\u2212")

    for a in ((ax.xaxis, ax.yaxis) if axis == "both" else (getattr(ax, axis + "axis"),)):
        if a.get_scale() != "log":
            continue
        for which in ("major", "minor"):
            f = getattr(a, f"get_{which}_formatter")()
            if type(f) is ticker.LogFormatterSciNotation:
                f.__class__ = PlainLogFormatter
    return ax


_SIGNAL_TICKS = (-1.0, -0.5, 0.0, 0.5, 1.0)
_SIGNAL_LABELS = ("\u22121.0", "\u22120.5", "0.0", "0.5", "1.0")


def plot_signals(ax, samples, title=None, color=None, alpha=0.8, lw=1.0):
    """Draw each row of ``samples`` as a curve over ``i = 0 .. X_DIM-1`` on ``ax``
    (y from -1.05 to 1.05, ticks every 0.5)."""
    samples = np.asarray(samples)
    i = np.arange(samples.shape[1])
    ax.plot(i, samples.T, color=color, alpha=alpha, lw=lw)
    ax.set_ylim(-1.05, 1.05)
    ax.set_yticks(_SIGNAL_TICKS, _SIGNAL_LABELS)
    ax.set_xlabel("i")
    if title:
        ax.set_title(title, y=1.0)
    return ax


def samples_figure(generated, real, n=50):
    """``n`` generated signals beside ``n`` real ones (the chapter's figures)."""
    fig, axes = _grid(1, 2, (10, 3.6), wspace=0.2, sharey=True)
    plot_signals(axes[0], np.asarray(generated)[:n], f"{min(n, len(generated))} generated")
    plot_signals(axes[1], np.asarray(real)[:n], f"{min(n, len(real))} real")
    axes[0].set_ylabel("x_i")
    return fig


def losses_figure(history, window=200):
    """D's and G's losses (moving averages) and D's mean outputs on real and fake.

    Each moving average is drawn through every ``window // 20``-th point (and its last)."""
    fig, (a, b) = _grid(1, 2, (10, 3.6), left=0.5, wspace=0.55)
    w = max(1, min(window, len(history) // 10 or 1))
    it, loss_d, loss_g, d_real, d_fake = _moving_averages(history, w)
    a.plot(it, loss_d, label="D loss (real + fake)")
    a.plot(it, loss_g, label="G loss")
    a.axhline(2 * np.log(2), color="gray", ls=":", lw=1, label="2 log 2 (D at 1/2)")
    a.set_xlabel("iteration")
    a.set_title(f"losses (moving average over {w})", y=1.0)
    a.legend(fontsize=8)
    b.plot(it, d_real, label="D(real)")
    b.plot(it, d_fake, label="D(fake)")
    b.axhline(0.5, color="gray", ls=":", lw=1)
    b.set_ylim(0, 1)
    b.set_xlabel("iteration")
    b.set_title("discriminator's mean output", y=1.0)
    b.legend(fontsize=8)
    return fig



# ---------------------------------------------------------------------------
# Figures of notebooks 04-07 (training, visualisation, experiments)
# ---------------------------------------------------------------------------
#: Plotting windows for the three sine parameters (a margin around the real ranges).
PARAM_WINDOWS = {"x0": (-0.6, 1.6), "freq": (1.0, 1.7), "mult": (0.3, 1.0)}


def _real_ranges():
    from .data import SINE_RANGES
    return SINE_RANGES


def snapshots_figure(runs, n=20, title=None):
    """Samples through training: one row per run, one panel per checkpoint.

    ``runs`` maps a label to ``{"iterations": [...], "samples": [...]}`` (what
    :func:`gan_core.experiments.checkpoints` returns); each panel draws the
    first ``n`` samples of one checkpoint.
    """
    labels = list(runs)
    ncols = max(len(runs[k]["samples"]) for k in labels)
    fig, axes = _grid(len(labels), ncols, (min(2.0 * ncols, 13), 2.1 * len(labels) + 0.5), left=0.45, right=0.1,
                      bottom=0.3, top=0.65 if title else 0.35, wspace=0.12, hspace=0.5, sharey=True, squeeze=False)
    for r, label in enumerate(labels):
        its, samples = runs[label]["iterations"], runs[label]["samples"]
        for c in range(ncols):
            ax = axes[r, c]
            if c >= len(samples):
                ax.axis("off")
                continue
            plot_signals(ax, np.asarray(samples[c])[:n], alpha=0.7, lw=0.8)
            ax.set_title(f"{label}: {int(its[c]):,}" if c == 0 else f"{int(its[c]):,}", fontsize=9, y=1.0)
            ax.set_xlabel("")
            ax.tick_params(labelsize=7)
    if title:
        fig.suptitle(title)
    return fig


def parameter_histograms_figure(fits, bins=36, rmse_tol=0.05, title=None):
    """Histograms of fitted ``x0``, ``freq`` and ``mult``: one row per entry of ``fits``.

    ``fits`` maps a label to the dict of :func:`gan_core.metrics.fit_sines`.
    Only clean sines (fit RMSE below ``rmse_tol``) are counted; the real range
    of each parameter is shaded, and each panel says what share of the clean
    sines falls outside it and what share of all samples is not a clean sine.
    """
    ranges = _real_ranges()
    labels = list(fits)
    fig, axes = _grid(len(labels), 3, (10, 2.3 * len(labels) + 0.5), left=0.75, bottom=0.5,
                      top=0.45 if title else 0.15, wspace=0.4, hspace=0.6, squeeze=False)
    for r, label in enumerate(labels):
        fit = fits[label]
        clean = np.asarray(fit["rmse"]) < rmse_tol
        for c, name in enumerate(("x0", "freq", "mult")):
            ax = axes[r, c]
            lo, hi = ranges[name]
            w_lo, w_hi = PARAM_WINDOWS[name]
            vals = np.asarray(fit[name])[clean]
            ax.axvspan(lo, hi, color="tab:green", alpha=0.15, lw=0, label="real range")
            ax.hist(np.clip(vals, w_lo, w_hi), bins=np.linspace(w_lo, w_hi, bins + 1), color="tab:blue",
                    alpha=0.85, histtype="stepfilled")  # one shape, not a patch per bar
            ax.set_xlim(w_lo, w_hi)
            outside = np.mean((vals < lo) | (vals > hi)) if vals.size else 0.0
            ax.text(0.98, 0.95, f"outside range: {outside:.0%}\nnot a clean sine: {1 - clean.mean():.0%}",
                    transform=ax.transAxes, ha="right", va="top", fontsize=7)
            ax.set_xlabel(f"fitted {name}")
            if c == 0:
                ax.set_ylabel(f"{label}\ncount")
            ax.tick_params(labelsize=8)
    if title:
        fig.suptitle(title)
    return fig


def parameter_pairs_figure(fits, title=None, max_points=600):
    """Scatter plots of fitted (x0, freq), (x0, mult) and (freq, mult), the real
    ranges drawn as boxes. ``fits`` maps a label to a ``fit_sines`` dict; the
    first entry is drawn first (use the real data there)."""
    from matplotlib.patches import Rectangle
    ranges = _real_ranges()
    fig, axes = _grid(1, 3, (10, 3.4), left=0.7, top=0.45 if title else 0.15, wspace=0.75)
    axes = axes.ravel()
    pairs = (("x0", "freq"), ("x0", "mult"), ("freq", "mult"))
    colors = ("tab:gray", "tab:red", "tab:blue", "tab:green")
    for ax, (a, b) in zip(axes, pairs):
        (xa, xb), (ya, yb) = ranges[a], ranges[b]
        ax.add_patch(Rectangle((xa, ya), xb - xa, yb - ya, fill=False, ec="k", lw=1, ls="--"))
        for k, (label, fit) in enumerate(fits.items()):
            ax.scatter(np.asarray(fit[a])[:max_points], np.asarray(fit[b])[:max_points], s=4,
                       alpha=0.5, color=colors[k % len(colors)], label=label, rasterized=True)
        ax.set_xlim(*PARAM_WINDOWS[a])
        ax.set_ylim(*PARAM_WINDOWS[b])
        ax.set_xlabel(f"fitted {a}")
        ax.set_ylabel(f"fitted {b}")
    axes[0].legend(fontsize=8, markerscale=3, loc="lower right")
    if title:
        fig.suptitle(title)
    return fig


def mmd_figure(curves, floor, ax=None, title="MMD2 to real data over training", xscale="linear"):
    """MMD2 over training on a log scale, with the real-vs-real noise floor.

    ``curves`` maps a label to ``(iterations, mmd2_values)``; ``floor`` is the
    dict of :func:`gan_core.metrics.null_bands` (the band's top is shaded) or of
    :func:`gan_core.metrics.mmd2_floor` (its largest draw). Values at or below zero (the
    estimate is unbiased, so it can dip below 0) are drawn at the bottom of the axis.
    ``xscale="log"`` spreads out the early iterations (leave out iteration 0 then).
    Powers of ten are labelled in plain text (:func:`plain_log_ticks`).
    """
    fig = None
    if ax is None:
        fig, ax = _grid(1, 1, (10, 3.6), left=0.8)
    bottom = 1e-5
    for label, (its, vals) in curves.items():
        ax.plot(its, np.maximum(np.asarray(vals, dtype=float), bottom), marker="o", ms=3, label=label)
    if "mmd2_high" in floor:  # a null_bands dict: shade up to its 97.5th percentile
        top = floor["mmd2_high"]
        label = f"real vs real, {floor['percentiles'][1]:g}th percentile of {floor['repeats']} draws (n = {floor['n']})"
    else:
        top = floor["max"]
        label = f"real vs real, largest of {floor['repeats']} draws (n = {floor['n']})"
    ax.axhspan(bottom, top, color="tab:green", alpha=0.12, lw=0)
    ax.axhline(top, color="tab:green", ls="--", lw=1, label=label)
    ax.set_yscale("log")
    ax.set_xscale(xscale)
    plain_log_ticks(ax)
    ax.set_ylim(bottom, 2.0)
    ax.set_xlabel("iteration")
    ax.set_ylabel("MMD2 (log scale)")
    ax.set_title(title, y=1.0)
    ax.legend(fontsize=8)
    return fig if fig is not None else ax.figure


def latent_walk_figure(values, signals, fit=None, title=None, cmap="viridis", zlabel="z"):
    """Signals along a walk in noise space, coloured by position; with ``fit``
    (a ``fit_sines`` dict of the signals) a second panel shows the fitted
    parameters along the walk against their real ranges."""
    plt = _pyplot()
    values = np.asarray(values, dtype=float)
    ncols = 2 if fit is not None else 1
    fig, axes = _grid(1, ncols, (10 if ncols == 2 else 6, 3.6), left=0.65, top=0.65 if title else 0.35,
                      wspace=1.0, squeeze=False)
    ax = axes[0, 0]
    cm = plt.get_cmap(cmap)
    span = values.max() - values.min() or 1.0
    for v, s in zip(values, np.asarray(signals)):
        ax.plot(np.arange(len(s)), s, color=cm((v - values.min()) / span), lw=1.4)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("i")
    ax.set_ylabel("x_i")
    sm = plt.cm.ScalarMappable(cmap=cm, norm=plt.Normalize(values.min(), values.max()))
    fig.colorbar(sm, ax=ax, label=zlabel)
    ax.set_title("generated signal along the walk", y=1.0)
    if fit is not None:
        ax = axes[0, 1]
        ranges = _real_ranges()
        for k, (name, color) in enumerate((("x0", "tab:blue"), ("freq", "tab:orange"), ("mult", "tab:green"))):
            lo, hi = ranges[name]
            ax.plot(values, fit[name], color=color, marker="o", ms=3, label=f"{name} (real {lo}-{hi})")
            ax.axhspan(lo, hi, color=color, alpha=0.1, lw=0)
        ax.set_xlabel(zlabel)
        ax.set_ylabel("fitted parameter")
        ax.set_title("fitted parameters along the walk", y=1.0)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def score_map(ax, scores, xs, ys, xlabel, ylabel, box=None, title=None, vmin=0.0, vmax=1.0, cmap="RdBu_r"):
    """Draw ``scores`` (shape ``(len(xs), len(ys))``, e.g. D's output over a grid
    of sine parameters) as an image on ``ax``, with an optional dashed ``box``
    ``((x_lo, x_hi), (y_lo, y_hi))`` for the real range. Returns the image."""
    scores = np.asarray(scores, dtype=float)
    im = ax.imshow(scores.T, origin="lower", aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax,
                   extent=(xs[0], xs[-1], ys[0], ys[-1]))
    if box is not None:
        from matplotlib.patches import Rectangle
        (xa, xb), (ya, yb) = box
        ax.add_patch(Rectangle((xa, ya), xb - xa, yb - ya, fill=False, ec="k", lw=1.2, ls="--"))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=10, y=1.0)
    return im


def heatmap(ax, values, row_labels, col_labels, row_name, col_name, fmt="{:.2f}", title=None,
            cmap="viridis", vmin=None, vmax=None, log=False, annotate=True):
    """An annotated heat map of ``values`` (rows x columns) on ``ax``, e.g. a
    sweep's final quality over two hyperparameters. ``log=True`` colours by
    ``log10`` of the values (each cell still shows its value). Returns the image."""
    values = np.asarray(values, dtype=float)
    shown = np.log10(np.maximum(values, 1e-12)) if log else values
    im = ax.imshow(shown, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(len(col_labels)), [str(c) for c in col_labels])
    ax.set_yticks(range(len(row_labels)), [str(r) for r in row_labels])
    ax.set_xlabel(col_name)
    ax.set_ylabel(row_name)
    if annotate:
        lo, hi = np.nanmin(shown), np.nanmax(shown)
        mid = (lo + hi) / 2
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                dark = shown[i, j] < mid if cmap in ("viridis", "magma", "inferno", "cividis") else False
                ax.text(j, i, fmt.format(values[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if dark else "black")
    if title:
        ax.set_title(title, fontsize=10, y=1.0)
    return im


def curves_figure(histories, window=200, title=None):
    """Training curves of several runs, one row each: D's and G's losses on the
    left, D's mean output on real and on fake samples on the right (moving
    averages over ``window`` iterations, each drawn through every ``window // 20``-th
    point and its last). ``histories`` maps a label to a ``History``. Dotted lines
    mark where a guessing discriminator (D = 1/2) sits."""
    labels = list(histories)
    fig, axes = _grid(len(labels), 2, (10, 2.5 * len(labels) + 0.4), left=0.85, top=0.65 if title else 0.3,
                      wspace=0.5, hspace=0.55, squeeze=False)
    for r, label in enumerate(labels):
        h = histories[label]
        w = max(1, min(int(window), len(h) // 10 or 1))
        it, loss_d, loss_g, d_real, d_fake = _moving_averages(h, w)
        a, b = axes[r]
        a.plot(it, loss_d, label="D loss (real + fake)")
        a.plot(it, loss_g, label="G loss")
        a.axhline(2 * np.log(2), color="gray", ls=":", lw=1)
        a.axhline(np.log(2), color="gray", ls=":", lw=1)
        a.set_ylabel(label)
        a.set_title(f"losses (moving average over {w})", fontsize=9, y=1.0)
        b.plot(it, d_real, label="D(real)")
        b.plot(it, d_fake, label="D(fake)")
        b.axhline(0.5, color="gray", ls=":", lw=1)
        b.set_ylim(0, 1)
        b.set_title("D's mean output", fontsize=9, y=1.0)
        if r == 0:
            a.legend(fontsize=8)
            b.legend(fontsize=8)
        if r == len(labels) - 1:
            a.set_xlabel("iteration")
            b.set_xlabel("iteration")
    if title:
        fig.suptitle(title)
    return fig


def signals_figure(sets, n=50, title=None):
    """One panel per entry of ``sets`` (a dict: label -> samples), each drawing the
    first ``n`` signals of its set; the chapter's figure for several models at once."""
    labels = list(sets)
    fig, axes = _grid(1, len(labels), (min(3.6 * len(labels), 13), 3.4), left=0.65, top=0.65 if title else 0.35,
                      wspace=0.15, sharey=True, squeeze=False)
    for ax, label in zip(axes[0], labels):
        s = np.asarray(sets[label])[:n]
        plot_signals(ax, s, f"{label} ({len(s)})", alpha=0.7, lw=0.9)
    axes[0, 0].set_ylabel("x_i")
    if title:
        fig.suptitle(title)
    return fig


def bars_figure(labels, columns, title=None, refs=None, xlabel=None):
    """One bar chart per entry of ``columns`` (a dict: panel title -> one value per
    label), side by side; ``refs`` (panel title -> value) adds a dashed reference
    line, e.g. what real data scores. Each bar is labelled with its value."""
    plt = _pyplot()
    refs = refs or {}
    names = list(columns)
    fig, axes = plt.subplots(1, len(names), figsize=(min(3.4 * len(names), 13), 3.2), squeeze=False,
                             constrained_layout=True)
    x = np.arange(len(labels))
    for ax, name in zip(axes[0], names):
        vals = np.asarray(columns[name], dtype=float)
        ax.bar(x, vals, color="tab:blue", alpha=0.85)
        for xi, v in zip(x, vals):
            ax.text(xi, v, f"{v:.0f}" if abs(v) >= 10 else f"{v:.2g}", ha="center", va="bottom", fontsize=8)
        if name in refs:
            ax.axhline(refs[name], color="tab:green", ls="--", lw=1, label="real data")
            ax.legend(fontsize=7, loc="lower right")
        ax.set_xticks(x, [str(lab) for lab in labels], fontsize=8)
        ax.set_title(name, fontsize=10, y=1.0)
        ax.set_ylim(0, max(1e-12, np.nanmax(vals), refs.get(name, 0)) * 1.18)
        if xlabel:
            ax.set_xlabel(xlabel)
    if title:
        fig.suptitle(title)
    return fig


def seed_range_figure(labels, panels, title=None, refs=None, xlabel=None, log=()):
    """One panel per entry of ``panels`` (panel title -> array of shape
    ``(len(labels), seeds)``): for each setting a dot per seed, a bar from the
    smallest to the largest seed (the range) and a tick at the median.
    ``refs`` (panel title -> value or (low, high)) adds a dashed line or a shaded
    band, e.g. what real data scores; panels named in ``log`` use a log scale."""
    plt = _pyplot()
    refs = refs or {}
    names = list(panels)
    many = len(labels) > 5
    # room below the panels for the (rotated) setting names, an x label and the legend
    fig, axes = _grid(1, len(names), (min(4.6 * len(names), 13), 4.2 if many else 3.4), squeeze=False,
                      left=0.6, wspace=0.75, top=0.6 if title else 0.35, bottom=1.3 if many else 0.8)
    x = np.arange(len(labels))
    for ax, name in zip(axes[0], names):
        vals = np.asarray(panels[name], dtype=float).reshape(len(labels), -1)
        lo, hi, med = np.nanmin(vals, axis=1), np.nanmax(vals, axis=1), np.nanmedian(vals, axis=1)
        ax.vlines(x, lo, hi, color="tab:blue", lw=6, alpha=0.35, label="range over seeds")
        ax.scatter(np.repeat(x, vals.shape[1]), vals.ravel(), s=10, color="tab:blue", zorder=3, label="one seed")
        ax.scatter(x, med, marker="_", s=300, color="k", zorder=4, label="median")
        ref = refs.get(name)
        if ref is not None:
            if np.ndim(ref) == 0:
                ax.axhline(ref, color="tab:green", ls="--", lw=1, label="real data")
            else:
                ax.axhspan(ref[0], ref[1], color="tab:green", alpha=0.15, lw=0, label="real vs real band")
        if name in log:
            ax.set_yscale("log")
        ax.set_xticks(x, [str(lab) for lab in labels], fontsize=8, rotation=40 if many else 0,
                      ha="right" if many else "center", rotation_mode="anchor")
        ax.grid(axis="y", alpha=0.25)
        ax.set_title(name, fontsize=10, y=1.0)
        ax.set_ylabel(name.split(" (")[0], fontsize=8)
        if xlabel:
            ax.set_xlabel(xlabel)
    handles, names_ = [], []
    for ax in axes[0]:  # one legend for the figure, with every kind of mark used (the band too)
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in names_:
                handles.append(h)
                names_.append(lab)
    fig.legend(handles, names_, fontsize=7, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=len(names_),
               frameon=False)
    if title:
        fig.suptitle(title)
    return fig
