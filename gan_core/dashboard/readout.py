"""The dashboard's words: the readout above the picture, the status line, the summary.

The readout starts with ``iteration N`` (the only text of the dashboard that
does), then the frame rate and iterations per second, the settings the next
step uses, and what the last frame used. Every function here returns text or
HTML computed from a :class:`~gan_core.dashboard.live_run.LiveRun`; the app
puts it on its widgets after every action.
"""
import html

from .live_run import FROZEN_STEP
from .settings import format_value

NEXT_STEP_FIELDS = ("step_size_G", "step_size_D", "GRADIENT_CLIP", "WEIGHT_CLIP", "batch_size", "optimizer",
                    "lr_decay", "ema", "g_loss")
#: Why a fake's dot can sit on another colour of the heat map than its own (shown in the app).
WHY_DOTS_DIFFER = (
    "Why a dot's colour can differ from the map under it: the map is D's score of ideal sines "
    "mult·sin(x0 + freq·i), averaged over the real phases x0 in [0, 1]; a dot is D's score of the "
    "generated sample itself, which has its own phase and is not an exact sine (its fit leaves a residual). "
    "D judges all ten numbers, not the three fitted ones, so it can tell a fake from the ideal sine with "
    "the same (freq, mult); notebook 05 measures this.")


def _used(value):
    return "frozen" if value == FROZEN_STEP else f"{value:.3g}"


def rate_text(frames_per_s, iterations_per_s, busy_ms):
    """``"12.3 frames/s, 3690 iterations/s (25 ms of computing each)"``, or ``""`` before two frames."""
    if not frames_per_s:
        return ""
    return f"{frames_per_s:.1f} frames/s, {iterations_per_s:.0f} iterations/s ({busy_ms:.0f} ms of computing each)"


def readout_lines(run, chunk, rate=""):
    """The readout's lines: ``iteration N ...``, the next step's settings, the errata, the last frame, the quality."""
    tr, c = run.trainer, run.config
    line1 = f"iteration {tr.iteration} · {chunk} iterations per frame · frame {run.frame_count}"
    if rate:
        line1 += " · " + rate
    line2 = ("next step: " + " · ".join(f"{k} {format_value(getattr(c, k))}" for k in NEXT_STEP_FIELDS)
             + f" · learn {run.learn} · Z_DIM {c.Z_DIM} · G_HIDDEN {format_value(c.G_HIDDEN)} · "
               f"D_HIDDEN {format_value(c.D_HIDDEN)}")
    line3 = "chapter's errors on: " + (", ".join(run.errata) if run.errata else "none (exact gradients)")
    last = run.last
    if last is None:
        line4 = "last frame: none yet (press Play or Step)"
    else:
        line4 = (f"last frame: step_size_G {_used(last['step_size_G'])} · step_size_D {_used(last['step_size_D'])} "
                 f"used · D(real) {last['D_real']:.2f} · D(fake) {last['D_fake']:.2f} · "
                 f"clipped D {last['clipD']:.0%}, G {last['clipG']:.0%}")
    q, t = run.quality, run.clip_totals
    line5 = (f"quality of {run.quality_samples} samples (every {run.quality_every} frames): "
             + (f"{q['valid'][-1]:.0%} valid sines, MMD2 {q['mmd2'][-1]:.2g} at iteration {q['it'][-1]}"
                if q["valid"] else "not measured")
             + f" (real vs real: {max(run.band['mmd2_low'], 0):.2g} to {run.band['mmd2_high']:.2g})"
             + (f" · clipped over the run: D {t[0] / t[2]:.0%}, G {t[1] / t[2]:.0%}" if t[2] else ""))
    return line1, line2, line3, line4, line5


def readout_html(lines):
    """The readout's HTML (class ``gan-readout``), the first line in bold."""
    first, *rest = (html.escape(t, quote=False) for t in lines)
    return (f"<div class='gan-readout' style='font-family:monospace;font-size:12px;line-height:1.45'>"
            f"<b>{first}</b><br>{'<br>'.join(rest)}</div>")


def status_html(text, kind):
    """The status line's HTML: red for ``kind == "error"``, green otherwise (class ``gan-status-KIND``)."""
    color = "#b00020" if kind == "error" else "#2a6f2a"
    return f"<span class='gan-status gan-status-{kind}' style='color:{color}'>{html.escape(text, quote=False)}</span>"


def summary(run, digits=3):
    """A few rounded figures of the run so far (for printing in checked notebook cells)."""
    tr, c = run.trainer, run.config
    lines = [f"after {tr.iteration} iterations; next step: step_size_G {format_value(c.step_size_G)}, "
             f"step_size_D {format_value(c.step_size_D)}, GRADIENT_CLIP {format_value(c.GRADIENT_CLIP)}, "
             f"WEIGHT_CLIP {format_value(c.WEIGHT_CLIP)}, batch_size {c.batch_size}"]
    if run.learn != "both" or run.errata:
        lines.append(f"learn {run.learn}; chapter's errors on: {', '.join(run.errata) or 'none'}")
    last = run.last
    if last is not None:
        lines.append(f"last frame ({last['rows']} iterations): step sizes used G {_used(last['step_size_G'])}, "
                     f"D {_used(last['step_size_D'])}; D(real) {last['D_real']:.{digits}f}, "
                     f"D(fake) {last['D_fake']:.{digits}f}; clipped D {last['clipD']:.0%}, G {last['clipG']:.0%}")
    q = run.quality
    if q["valid"]:
        when = f"after {q['it'][-1]} iterations" if q["it"][-1] else "at the start"
        lines.append(f"quality {when}: {q['valid'][-1]:.0%} valid sines, "
                     f"MMD2 {q['mmd2'][-1]:.{digits}f} (noise floor {run.floor['max']:.{digits}f})")
    return "\n".join(lines)
