"""The dashboard's picture: one matplotlib figure, drawn off-screen, blitted, sent as JPEG.

Speed decides how this is drawn. Measured on the 2-core machine
(``bench/bench_dashboard.py``; times vary about 2x with the machine's load):

* Layers. The *background* (axes, tick labels, legends, the real parameter
  box, the colour bar) is drawn once and kept as a bitmap: drawing the whole
  figure takes ~490 ms, most of it text (~40 ms a panel). Over it, the *slow
  layer* holds the top row (samples, heat map, the two panels of dots) and the
  quality lines, and is kept as a second bitmap: it is redrawn only when a view
  brings new samples (every other Play frame, see ``app``) or a new quality
  point arrives; drawing it costs ~7 ms (the 50 sample curves ~2 ms, the heat
  map ~1.3 ms, each panel of dots ~0.8 ms). Every frame restores the slow layer
  and draws the ten series lines over it (~2 ms), then encodes (~1.4 ms).
* Axis limits grow in steps (1-2-5 for iterations, whole decades on log axes)
  and never shrink during a run. When the run outgrows the iteration axes
  (five times in a book run: 2k, 5k, 10k, 20k, 50k) only the strip of their tick
  labels is erased and drawn again, ~25 ms instead of the ~490 ms of a full
  redraw, pixel for pixel the same picture (``tests/test_dashboard.py``); for
  that the iteration axes have no tick marks. Other limits redraw everything.
* Long runs. A series line draws block means of consecutive frames, at most
  ``MAX_POINTS`` (256) points (:class:`BlockMeans`): drawn one point a frame, the
  ten lines cost ~8 ms at 1,000 frames against ~1 ms at 10, so a frame would
  slow down as the run went on (a book run is 1,000 frames of 50 iterations).
* Sending. JPEG (quality 80) was chosen over PNG on the 960 x 496 frame:
  encoding took 1.9 ms against 17.6 ms for PNG at its fastest level, 60 KiB
  against 82 KiB; reading the RGBA buffer as RGBX, with no RGB copy first,
  brings it to 1.4 ms (the same bytes). Quality 65 (49 KiB) or a 70 dpi picture
  changed neither the frame rate nor Chromium's CPU time per picture (31-39 ms
  either way, within the noise), so the picture keeps its size and quality;
  what did help was showing it at its own width (``app``), not scaled up.
* Text costs ~4 ms a changing label, so the live frame has none (the readout
  carries the numbers). A canvas widget (ipycanvas, bqplot, anywidget) would
  add a package outside the book's dependencies.

The static picture a notebook stores (:meth:`DashboardFigure.png`) is a PNG.

Panels. Top: the generated samples over real ones; D's heat map over the
(freq, mult) plane of ideal sines with each generated sample's fitted (freq,
mult) as a dot coloured by D's score of that sample, over the real box; the
fitted (x0, mult) of the same samples; D's mean outputs. Bottom: losses,
gradient norms before and after clipping, the share clipped, and the quality
(MMD2 with its real-vs-real null band, share of valid sines).
"""
import io
import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator

from ..data import SINE_RANGES
from .live_run import HEAT_FREQ, HEAT_MULT, SERIES

GEN_COLOR = "#1f77b4"
REAL_COLOR = "#9a9a9a"
D_COLOR = "#d62728"
G_COLOR = "#1f77b4"
SCORE_CMAP = "coolwarm"


def nice_up(v):
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is >= ``v`` (``v`` > 0)."""
    e = 10.0 ** math.floor(math.log10(v))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * e >= v * (1 - 1e-12):
            return m * e
    return 10.0 * e


def k_format(x, _pos=None):
    """Iteration tick labels: 0, 500, 5k, 12.5k."""
    return f"{x / 1000:g}k" if abs(x) >= 1000 else f"{x:g}"


#: A time-series line draws at most this many points (block means of consecutive frames).
MAX_POINTS = 256


class BlockMeans:
    """Means of consecutive blocks of frames of a growing table of series, at most ``max_points`` blocks.

    ``add(row)`` appends one frame's values. A block holds ``block`` frames (1, 2, 4, ...):
    when ``max_points`` blocks are full, neighbours are merged pairwise and ``block``
    doubles, so a line keeps between ``max_points / 2`` and ``max_points`` points however
    long the run, and adding a frame costs the same at frame 10 as at frame 10,000.
    ``table()`` gives the block means, the block still filling included (so a line ends
    at the last frame), shape ``(points, columns)``.
    """

    def __init__(self, columns, max_points=MAX_POINTS):
        if max_points < 2 or max_points % 2:
            raise ValueError(f"max_points must be an even integer >= 2, got {max_points!r}")
        self.max_points = max_points
        self._closed = np.empty((max_points, columns))
        self._open = np.zeros(columns)
        self.clear()

    def clear(self):
        """Forget every frame."""
        self.block, self.frames, self._count, self._n_open = 1, 0, 0, 0
        self._open[:] = 0.0

    def add(self, row):
        """Append one frame (a sequence of ``columns`` numbers)."""
        self._open += row
        self._n_open += 1
        self.frames += 1
        if self._n_open == self.block:
            self._closed[self._count] = self._open / self.block
            self._count += 1
            self._open[:] = 0.0
            self._n_open = 0
            if self._count == self.max_points:
                half = self.max_points // 2
                self._closed[:half] = self._closed.reshape(half, 2, -1).mean(axis=1)
                self._count = half
                self.block *= 2

    def table(self):
        """The block means so far, shape ``(points, columns)``."""
        t = self._closed[:self._count]
        if self._n_open:
            t = np.vstack([t, self._open / self._n_open])
        return t


def _box(ax, x_range, y_range):
    ax.add_patch(Rectangle((x_range[0], y_range[0]), x_range[1] - x_range[0], y_range[1] - y_range[0],
                           fill=False, ec="k", lw=1.4, ls="--", label="real parameters"))


class DashboardFigure:
    """The dashboard's figure (see the module docstring).

    ``DashboardFigure(real_show, band, floor, quality_samples, width=12.0, height=6.2, dpi=80)``;
    ``render(view)`` draws a :class:`~gan_core.dashboard.live_run.FrameView` and returns the
    JPEG bytes; ``png()`` gives the last drawn frame as PNG bytes.
    """

    def __init__(self, real_show, band, quality_samples, width=12.0, height=6.2, dpi=80):
        self.band = band
        self.quality_samples = quality_samples
        self.background_draws = 0
        self.axis_redraws = 0
        fig = Figure(figsize=(width, height), dpi=dpi)
        self.canvas = FigureCanvasAgg(fig)
        self.figure = fig
        fig.subplots_adjust(left=0.045, right=0.955, bottom=0.09, top=0.9, wspace=0.38, hspace=0.5)
        axs = fig.subplots(2, 4)
        self.axes = axs
        (a_s, a_h, a_x, a_d), (a_l, a_g, a_c, a_q) = axs
        self.time_axes = (a_d, a_l, a_g, a_c, a_q)
        animated = []
        self._animated = animated
        i = np.arange(real_show.shape[1])
        self._x_idx = i
        a_s.add_collection(LineCollection([np.column_stack([i, r]) for r in real_show], colors=REAL_COLOR,
                                          linewidths=1.0, alpha=0.5))
        self._gen = LineCollection([], colors=GEN_COLOR, linewidths=1.1, alpha=0.7)
        a_s.add_collection(self._gen)
        animated.append(self._gen)
        a_s.set_xlim(0, i[-1])
        a_s.set_ylim(-1.2, 1.2)
        a_s.set_xlabel("i")
        a_s.set_ylabel("x_i")
        a_s.set_title("generated (blue) over real (grey)", fontsize=9)

        # D's heat map over the (freq, mult) plane, fitted (freq, mult) of the fakes on top
        df, dm = HEAT_FREQ[1] - HEAT_FREQ[0], HEAT_MULT[1] - HEAT_MULT[0]
        extent = (HEAT_FREQ[0] - df / 2, HEAT_FREQ[-1] + df / 2, HEAT_MULT[0] - dm / 2, HEAT_MULT[-1] + dm / 2)
        self._heat = a_h.imshow(np.full((len(HEAT_MULT), len(HEAT_FREQ)), 0.5), origin="lower", extent=extent,
                                aspect="auto", cmap=SCORE_CMAP, vmin=0.0, vmax=1.0, interpolation="nearest",
                                alpha=0.85)
        animated.append(self._heat)
        _box(a_h, SINE_RANGES["freq"], SINE_RANGES["mult"])
        self._dots_fm = a_h.scatter([], [], c=[], cmap=SCORE_CMAP, vmin=0.0, vmax=1.0, s=16, edgecolors="k",
                                    linewidths=0.5)
        animated.append(self._dots_fm)
        a_h.set_xlim(extent[0], extent[1])
        a_h.set_ylim(extent[2], extent[3])
        a_h.set_xlabel("fitted freq")
        a_h.set_ylabel("fitted mult")
        a_h.set_title("D's score of ideal sines; dots: fakes", fontsize=9)
        cb = fig.colorbar(self._heat, ax=a_h, fraction=0.08, pad=0.02)
        cb.ax.tick_params(labelsize=7)  # no label beside it: it ran into the next panel's axis label

        _box(a_x, SINE_RANGES["x0"], SINE_RANGES["mult"])
        self._dots_xm = a_x.scatter([], [], c=[], cmap=SCORE_CMAP, vmin=0.0, vmax=1.0, s=16, edgecolors="k",
                                    linewidths=0.5)
        animated.append(self._dots_xm)
        a_x.set_xlim(-math.pi, math.pi)
        a_x.set_ylim(extent[2], extent[3])
        a_x.set_xlabel("fitted x0")
        a_x.set_ylabel("fitted mult")
        a_x.set_title("fakes' phase; dashed: real box", fontsize=9)

        def lines(ax, specs):
            out = [ax.plot([], [], color=col, ls=ls, lw=1.4, label=lab)[0] for col, ls, lab in specs]
            animated.extend(out)
            return out

        self._l_dout = lines(a_d, [("#2ca02c", "-", "D(real)"), ("#ff7f0e", "-", "D(fake)")])
        a_d.axhline(0.5, color="gray", ls=":", lw=1)
        a_d.set_ylim(0, 1)
        a_d.set_title("D's mean output", fontsize=9)
        self._l_loss = lines(a_l, [(D_COLOR, "-", "D loss (real + fake)"), (G_COLOR, "-", "G loss")])
        a_l.axhline(2 * math.log(2), color="gray", ls=":", lw=1, label="2 log 2")
        a_l.set_title("losses", fontsize=9)
        self._l_grad = lines(a_g, [(D_COLOR, ":", "D before clipping"), (D_COLOR, "-", "D after"),
                                   (G_COLOR, ":", "G before clipping"), (G_COLOR, "-", "G after")])
        a_g.set_yscale("log")
        a_g.yaxis.set_minor_locator(NullLocator())
        a_g.set_title("gradient norm (weights)", fontsize=9)
        self._l_clip = lines(a_c, [(D_COLOR, "-", "D"), (G_COLOR, "-", "G")])
        a_c.set_ylim(-0.02, 1.02)
        a_c.set_title("share of gradients clipped", fontsize=9)

        self._l_mmd = lines(a_q, [("#9467bd", "-", "MMD2")])[0]
        self._l_mmd.set_marker("o")
        self._l_mmd.set_markersize(3)
        a_q.axhspan(max(band["mmd2_low"], 1e-4), band["mmd2_high"], color="#9467bd", alpha=0.18, lw=0,
                    label="real vs real (95%)")
        a_q.set_yscale("log")
        a_q.yaxis.set_minor_locator(NullLocator())
        a_q.set_ylim(1e-4, 2.0)
        a_q.set_ylabel("MMD2 to real", color="#9467bd", fontsize=8)
        a_v = a_q.twinx()
        self._l_valid = a_v.plot([], [], color="#2ca02c", marker="o", ms=3, lw=1.4)[0]
        animated.append(self._l_valid)
        a_v.set_ylim(-0.02, 1.02)
        a_v.set_ylabel("share of valid sines", color="#2ca02c", fontsize=8)
        a_v.tick_params(labelsize=7)
        a_q.set_title(f"quality of {quality_samples} samples", fontsize=9)
        # Text is what costs most to draw (~4 ms a label), so the live frame has none that
        # changes: the readout above the picture carries the numbers. Only the stored PNG
        # (png()) gets the iteration written on it.
        self._t_iter = fig.text(0.045, 0.972, "", fontsize=12, fontweight="bold", ha="left", va="center")
        self._t_iter.set_animated(True)
        self.iteration = 0
        for ax in self.time_axes:
            ax.set_xlabel("iteration", fontsize=8)
            # no x tick marks: the labels then sit wholly below the axes, so when the run outgrows
            # the x axis only that strip is erased and redrawn (see _redraw_iteration_axes)
            ax.tick_params(axis="x", length=0)
            ax.xaxis.set_major_locator(MaxNLocator(4))
            ax.xaxis.set_major_formatter(FuncFormatter(k_format))
        for ax in (a_d, a_l):
            ax.legend(fontsize=6.5, loc="upper right", framealpha=0.7)
        a_g.legend(fontsize=6, loc="upper right", framealpha=0.7, ncol=2)
        a_c.legend(fontsize=6.5, loc="upper left", framealpha=0.7)
        a_q.legend(fontsize=6.5, loc="upper right", framealpha=0.7)
        for ax in axs.flat:
            ax.tick_params(labelsize=7)
        for art in animated:
            art.set_animated(True)
        self._series_lines = tuple(zip(self._l_dout, ("D_real", "D_fake"))) + tuple(
            zip(self._l_loss, ("loss_D", "loss_G"))) + tuple(zip(self._l_grad, ("gD", "gDc", "gG", "gGc"))) + tuple(
            zip(self._l_clip, ("clipD", "clipG")))
        # Two layers over the background: the "slow" artists (the top row, drawn from a view's
        # samples, and the quality lines, which change every quality_every frames) are kept as a
        # bitmap with the background under them; every frame restores that bitmap and draws
        # the per-frame series lines over it.
        self._slow = (self._gen, self._heat, self._dots_fm, self._dots_xm, self._l_mmd, self._l_valid)
        self._fast = tuple(line for line, _ in self._series_lines)
        self._slow_layer = None
        self._quality_points = -1
        self.slow_draws = 0
        self._col = {k: j for j, k in enumerate(SERIES)}
        self._series = BlockMeans(len(SERIES))
        self._series_source = None
        self._quality_source = None
        self.limits = None
        self._background = None

    def new_run(self):
        """Forget the axis limits of the last run (they may shrink again)."""
        self.limits = None

    def _sync_series(self, series):
        """Feed the frames of ``series`` (a run's per-frame lists) not yet seen to the block means;
        a new run (new lists, or fewer frames) starts them again. Returns the table to draw."""
        n = len(series["it"])
        if series["it"] is not self._series_source or n < self._series.frames:
            self._series.clear()
            self._series_source = series["it"]
        for k in range(self._series.frames, n):
            self._series.add([series[key][k] for key in SERIES])
        return self._series.table()

    def _wanted_limits(self, table, iteration):
        col = self._col
        old = self.limits or {"x": 0.0, "loss": (0.0, 2.0), "grad": (-3, 1)}
        last = float(table[-1, col["it"]]) if len(table) else 0.0
        x = nice_up(max(last, float(iteration), 2000.0))
        lo, hi = old["loss"]
        vals = table[:, [col["loss_D"], col["loss_G"]]]
        vals = vals[np.isfinite(vals)]
        if vals.size:
            if vals.max() > hi:
                hi = nice_up(1.1 * vals.max())
            if vals.min() < lo:
                lo = -nice_up(-1.1 * vals.min())
        glo, ghi = old["grad"]
        g = table[:, [col["gD"], col["gDc"], col["gG"], col["gGc"]]]
        g = g[np.isfinite(g) & (g > 0)]
        if g.size:
            glo = min(glo, math.floor(math.log10(g.min())))
            ghi = max(ghi, math.ceil(math.log10(g.max())))
        return {"x": max(x, old["x"]), "loss": (lo, hi), "grad": (max(glo, -12), min(ghi, 12))}

    def _draw_background(self, limits):
        old = self.limits
        if (old is not None and self._background is not None and old["x"] != limits["x"]
                and old["loss"] == limits["loss"] and old["grad"] == limits["grad"]):
            self._redraw_iteration_axes(limits)
            return
        (_, _, _, a_d), (a_l, a_g, _, _) = self.axes
        for ax in self.time_axes:
            ax.set_xlim(0, limits["x"])
        a_l.set_ylim(*limits["loss"])
        a_g.set_ylim(10.0 ** limits["grad"][0], 10.0 ** limits["grad"][1])
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._x_strips = self._find_x_strips()
        self.limits = limits
        self.background_draws += 1

    def _redraw_iteration_axes(self, limits):
        """The run outgrew the iteration axes: in the kept background, erase the strip of each
        one's tick labels and draw only its ticks again (a full redraw costs ~40 ms a panel on
        the 2-core machine, most of it text; this ~5 ms)."""
        renderer = self.canvas.get_renderer()
        self.canvas.restore_region(self._background)
        buf = np.asarray(self.canvas.buffer_rgba())
        h = buf.shape[0]
        face = np.round(255 * np.array(to_rgba(self.figure.get_facecolor()))).astype(buf.dtype)
        for ax in self.time_axes:
            ax.set_xlim(0, limits["x"])
            x0, y0, x1, y1 = self._x_strips[ax]
            buf[h - y1:h - y0, x0:x1] = face
            for tick in ax.xaxis._update_ticks():
                tick.draw(renderer)
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.limits = limits
        self.axis_redraws += 1

    def _find_x_strips(self):
        """Each iteration axis's strip of tick labels, in display pixels (x0, y0, x1, y1): from
        just under the axes to just over the axis label, and wide enough for a label at either end
        (the first is "0"; the last at most "100k")."""
        renderer = self.canvas.get_renderer()
        w = self.canvas.buffer_rgba().shape[1]
        strips = {}
        for ax in self.time_axes:
            labels = [t.get_window_extent(renderer).y1 for t in ax.get_xticklabels() if t.get_text()]
            top = min(math.ceil(max(labels, default=ax.bbox.y0)) + 1, int(ax.bbox.y0) - 1)
            bottom = math.ceil(ax.xaxis.label.get_window_extent(renderer).y1) + 1
            strips[ax] = (max(int(ax.bbox.x0) - 4, 0), bottom, min(math.ceil(ax.bbox.x1) + 14, w), top)
        return strips

    def render(self, view):
        """Draw ``view`` (a ``FrameView``) over the kept layers; returns the frame as JPEG bytes.

        A view without samples (``LiveRun.view(top=False)``, or a run that diverged) keeps the
        top row as it was drawn last; the series lines are drawn every time."""
        q = view.quality
        table = self._sync_series(view.series)
        stale = False
        if view.samples is not None and view.fit is not None:
            self._gen.set_segments([np.column_stack([self._x_idx, r]) for r in view.samples])
            fit = view.fit
            self._dots_fm.set_offsets(np.column_stack([fit["freq"], fit["mult"]]))
            self._dots_fm.set_array(view.scores)
            self._dots_xm.set_offsets(np.column_stack([fit["x0"], fit["mult"]]))
            self._dots_xm.set_array(view.scores)
            self._heat.set_data(view.heat)
            stale = True
        if len(q["it"]) != self._quality_points or q["it"] is not self._quality_source:
            self._l_valid.set_data(q["it"], q["valid"])
            self._l_mmd.set_data(q["it"], np.maximum(q["mmd2"], 1e-4) if q["mmd2"] else [])
            self._quality_points, self._quality_source = len(q["it"]), q["it"]
            stale = True
        it = table[:, self._col["it"]]
        for line, key in self._series_lines:
            line.set_data(it, table[:, self._col[key]])
        self.iteration = view.iteration
        limits = self._wanted_limits(table, view.iteration)
        if self._background is None or limits != self.limits:
            self._draw_background(limits)
            stale = True
        if stale or self._slow_layer is None:
            self.canvas.restore_region(self._background)
            for art in self._slow:
                self.figure.draw_artist(art)
            self._slow_layer = self.canvas.copy_from_bbox(self.figure.bbox)
            self.slow_draws += 1
        else:
            self.canvas.restore_region(self._slow_layer)
        for art in self._fast:
            self.figure.draw_artist(art)
        return self._encode("jpeg")

    def _encode(self, fmt):
        from PIL import Image

        buf = self.canvas.buffer_rgba()
        # The JPEG encoder reads the RGBA buffer as RGBX (the 4th byte skipped): no RGB copy first.
        img = Image.frombuffer("RGBX", (buf.shape[1], buf.shape[0]), buf, "raw", "RGBX", 0, 1)
        out = io.BytesIO()
        if fmt == "jpeg":
            img.save(out, format="jpeg", quality=80)
        else:
            img.convert("RGB").save(out, format="png", compress_level=6)
        return out.getvalue()

    def png(self):
        """The last drawn frame as PNG bytes, with ``iteration N`` written on it (for the
        picture a notebook stores; the next ``render`` draws over the text again)."""
        self._t_iter.set_text(f"iteration {self.iteration}")
        self.figure.draw_artist(self._t_iter)
        return self._encode("png")
