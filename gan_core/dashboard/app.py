"""The dashboard app: wires the live run, the controls, the picture and the readout.

``Dashboard(recipe="book", seed=0, **presets)`` in a notebook, or
``Dashboard.from_link(query_string)`` in the Voila app (``apps/dashboard.ipynb``),
which reads its page's query string. Every action (a control, Play, Step,
Reset, code) goes through the same path: the :class:`LiveRun` answers with a
verdict, the status line shows it, the controls show the run's settings, and
the readout, the share link and (after a restart or a frame) the picture are
refreshed.

How it stays responsive. Training runs in *frames* of ``chunk`` iterations, each
drawn once. The Play button is an ``ipywidgets.Play`` whose value the browser
raises every ``tick_interval(speed)`` ms; each tick asks the kernel for
``FRAMES_PER_TICK`` frames (two at full speed, 40 ms apart at least), which
run just after the tick's message has been handled, so the kernel reports
idle at once and the browser's next tick travels while the frames train and
draw (the front end keeps at most one update per widget in flight, so ticks
merge). A slider's message that arrives during a frame is handled before the
next one (``TICK_DELAY``), so the very next frame trains with it. Between
ticks the kernel is idle.

One thread. Everything the dashboard does runs on the thread (and asyncio loop)
that built it, the kernel's main thread for a notebook cell. JupyterLab (4.4 and
later, setting ``commsOverSubshells``, default ``perCommTarget``) sends widget
messages to a kernel *subshell*, which ipykernel 7 runs in a thread of its own
with its own loop, once that subshell exists: the first Play tick still arrived
on the main thread, the later ones on the subshell's. Each thread then ran its
own chain of frames on the same trainer and figure at once, until a frame
failed (``ValueError: shapes (10,1) and (3600,10) not aligned`` in G's backward
pass: a 3600-row forward pass for the picture on one thread had replaced the
input a layer cached for the other thread's training step), which paused Play
after 5-7 frames (iteration 2341 at frame 46: not a multiple of 50 either).
So a control's callback that runs on another thread only hands its work to the
home loop (``Dashboard._at_home``, ``loop.call_soon_threadsafe``); the subshell
reports idle at once and the home loop trains and draws. Voila sends widget
messages to the main thread, so nothing changes there. (A control's callback
waits while a cell runs on that thread, as every widget message did before
JupyterLab 4.4.)

What was chosen, by measurement (``bench/bench_dashboard.py``, Voila with
headless Chromium on the 2-core machine, book recipe, load average below 2;
the figure's own choices are in ``figure``). Before: frames of 300
iterations, one frame a tick, 5.1-5.4 frames/s (1,530-1,580 iterations/s), a
key on a slider to the first frame trained with it on screen 290-300 ms.
After: 21-24 frames/s (1,000-1,150 iterations/s), a median of 100-140 ms.
With someone else's process taking one core, 11-12 frames/s.

* Frames of 50 iterations (``settings.DEFAULT_CHUNK``). Training the book
  recipe costs ~0.18 ms an iteration, so 300 iterations alone took ~55-60 ms
  and capped a frame at ~16 frames/s before any drawing; 50 take ~9 ms and a
  whole frame ~24 ms in plain Python. In the browser both processes share the
  two cores (the kernel ~30-34 ms of CPU a picture, Chromium ~27-32 ms, the
  Voila server ~4 ms), and 100 iterations a frame gave 16.6-17.3 frames/s
  (1,580-1,700 iterations/s; median latency 165-185 ms) against 21-22 for 50. 50 also keeps a slider's effect within a
  tenth of a second, and is the teaching unit the guide names.
* One BLAS thread for the whole frame (``gan_core._blas``): the heat map's
  3600-row product and the sine fit started OpenBLAS's threads, which on the
  shared cores made the kernel use 132 ms of CPU a frame instead of 55.
* The top row (samples, fits, heat map; ~3.5 ms to compute, ~7 ms to draw)
  every ``top_every`` = 2 frames while Play runs, always on Step (3 measured
  no better than 2). Forcing it on the frame after a change made that frame
  longer: the median key-to-first-frame latency was 122-153 ms with it,
  109-122 ms without, so the new setting's frame draws the series first and
  the top row follows within a frame.
* Two frames a tick: each tick costs four messages through the Voila server
  (the tick, busy, its echo, idle); sharing a tick between two frames took
  the server from ~7 to ~4 ms of CPU a picture, Chromium from ~35 to ~28, and
  the rate from 17-18 to 22-24 frames/s. Three frames a tick (33 ms apart) or
  ticks every 20 ms were no better. Deferring the frames past the tick's
  message (the kernel used to train inside it) had taken 14 to 17 frames/s.
* The picture is shown at most at its own width (960 px): scaled up to
  1,100 px, Chromium rasterised it again every frame (~7 ms of CPU a picture).
* Quality every 20 frames (``settings.DEFAULT_QUALITY_EVERY``): measuring it
  takes ~13 ms, once every 1,000 iterations.

Static readers. The dashboard displays itself as the widget *and* a PNG of its
current frame in one output; a page that cannot run widgets (GitHub, nbviewer)
shows the PNG. ``dash.step()`` called from a notebook cell updates that stored
picture, so an executed notebook keeps a picture of a trained frame.
"""
import asyncio
import threading
import time

import numpy as np

from .._blas import one_blas_thread
from .._checks import check_int
from ..errata import ERRATA
from .controls import build_controls, expand, layout, show_settings
from .figure import DashboardFigure
from .live_run import EMA_DEFAULT, LiveRun, Verdict, parse_seed
from .readout import WHY_DOTS_DIFFER, rate_text, readout_html, readout_lines, status_html, summary
from .settings import (ARCH_CONTROLS, CLIPS, CONTROL_NAMES, DEFAULT_CHUNK, DEFAULT_QUALITY_EVERY, LIVE_SLIDERS, MENUS,
                       SETTABLE, SPEEDS, VIEW_SETTINGS, FRAMES_PER_TICK, check_view_setting, make_link, parse_link,
                       preset_config, tick_interval)


#: The readout's rates are over this many frames (2 s at 20 frames/s: a quality frame or an axis
#: redraw among 10 frames made the rate jump).
RATE_FRAMES = 40
#: Seconds between a Play tick's message and its frame, in a kernel (see ``Dashboard._on_play``).
TICK_DELAY = 0.002


def _running_loop():
    """The asyncio loop running in this thread (a kernel's, in a notebook cell), or None."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Dashboard:
    """Live GAN training with GAN Lab's controls; see ``gan_core.dashboard`` for every control.

    Parameters
    ----------
    recipe : ``"book"``, ``"recommended"`` or ``"chapter"`` (book with every erratum on),
        the preset loaded at start and by Reset.
    seed : integer >= 0, the run's seed.
    chunk : iterations per frame (default ``settings.DEFAULT_CHUNK``, 50). speed : ``"full"``, ``"slow motion"`` or
        ``"very slow"``. learn : ``"both"``, ``"D only"`` or ``"G only"``.
    hide, lock : control names (see ``settings.CONTROL_NAMES``) to remove, or to show disabled.
    quality_every, quality_samples : measure quality every this many frames, on this many samples.
    n_show : generated and real samples drawn. width, height, dpi : the picture's size.
    history_limit : the trainer's history keeps at most this many rows.
    top_every : while Play runs, the top row (samples, their fits, D's heat map) is redrawn every
        this many frames (Step always redraws it).
    **settings : hyperparameters changed from the preset, e.g. ``step_size_D=0.05``
        (Reset goes back to the plain preset). Bad values raise ``ValueError`` naming them.
    """

    def __init__(self, recipe="book", seed=0, *, chunk=DEFAULT_CHUNK, speed="full", learn="both", hide=(), lock=(),
                 quality_every=DEFAULT_QUALITY_EVERY, quality_samples=200, n_show=50, width=12.0, height=6.2, dpi=80,
                 history_limit=200_000, top_every=2, **settings):
        preset_config(recipe)
        if isinstance(top_every, bool) or not isinstance(top_every, (int, np.integer)) or top_every < 1:
            raise ValueError(f"top_every must be an integer >= 1, got {top_every!r}")
        chunk, speed, learn = (check_view_setting(n, v) for n, v in (("chunk", chunk), ("speed", speed),
                                                                     ("learn", learn)))
        unknown = [n for n in tuple(hide) + tuple(lock) if n not in CONTROL_NAMES]
        if unknown:
            raise ValueError(f"hide and lock may name {', '.join(CONTROL_NAMES)}; unknown: {', '.join(unknown)}")
        bad = [n for n in settings if n not in SETTABLE]
        if bad:
            raise ValueError(f"unknown setting(s) {', '.join(bad)}; settable: {', '.join(SETTABLE)}")
        self.run = LiveRun(recipe, seed, quality_every=quality_every, quality_samples=quality_samples,
                           n_show=n_show, history_limit=history_limit, **settings)
        self.run.apply("learn", learn)
        self.hidden, self.locked = tuple(hide), tuple(lock)
        self._quiet = 0
        self._status = ("", "info")
        self._display = None
        self._frame_log = []                       # (time, iterations) of the last frames
        self.top_every = int(top_every)
        self._top_frame = 0
        self._tick_pending, self._credit = False, 0
        # every callback runs here: the thread (and loop) that built the dashboard (see _at_home)
        self._home_thread, self._home_loop = threading.get_ident(), _running_loop()
        self.timings = {"train_ms": [], "view_ms": [], "draw_ms": [], "frame_ms": []}
        c = self.run.config
        self.controls = build_controls(c, recipe, self.run.trainer.seed, chunk, speed, learn)
        from ipywidgets import HTML, Image, Layout

        self.readout_widget = HTML(layout=Layout(margin="4px 0 0 6px"))
        self.status_widget = HTML(layout=Layout(margin="0 0 0 6px", min_height="22px"))
        # shown at its own size at most: a browser that scales the picture up rasterises it again
        # every frame (in headless Chromium, ~7 ms of CPU a frame at 1100 px wide for a 960 px frame)
        self.image = Image(format="jpeg", layout=Layout(width="100%", max_width=f"{round(width * dpi)}px"))
        self.note = HTML(f"<div style='color:#555;font-size:12px;max-width:1080px'>{WHY_DOTS_DIFFER}</div>")
        self.widget, self.rows = layout(self.controls, self.readout_widget, self.status_widget, self.image,
                                        self.note)
        self.fig = DashboardFigure(self.run.real_show, self.run.band, self.run.quality_samples, width, height, dpi)
        self.figure = self.fig.figure
        self._apply_hide_lock()
        self._wire()
        self._redraw()
        self._message(f"{recipe!r} preset, seed {self.run.trainer.seed}: press Play (or Step) to train", "info")
        self._refresh()

    @classmethod
    def from_link(cls, query, **defaults):
        """A dashboard set up by a page's query string (``"?recipe=book&seed=3&hide=WEIGHT_CLIP"``).

        ``defaults`` are keyword arguments of ``Dashboard`` the link may override. A bad
        part of the link is refused with a visible message and its default is kept.
        """
        link = parse_link(query)
        kwargs = dict(defaults)
        if link.recipe is not None:
            kwargs["recipe"] = link.recipe
        if link.seed is not None:
            kwargs["seed"] = link.seed
        kwargs.update(link.settings)
        kwargs["hide"] = tuple(kwargs.get("hide", ())) + link.hide
        kwargs["lock"] = tuple(kwargs.get("lock", ())) + link.lock
        problems = list(link.problems)
        try:
            dash = cls(**kwargs)
        except ValueError as e:       # a combination the trainer refuses (each value alone was fine)
            problems.append(f"link refused ({e}); the defaults are used")
            dash = cls(**defaults)
        if problems:
            dash._message(" · ".join(problems), "error")
            dash._refresh()
        return dash

    # ------------------------------------------------------------------ wiring
    def _wire(self):
        ctl, home = self.controls, self._homed
        ctl["play"].observe(home(self._on_play), names="value")
        ctl["step"].on_click(home(lambda _b: self._frame(top=True)))
        ctl["reset"].on_click(home(lambda _b: self.reset()))
        ctl["chunk"].observe(home(lambda _c: self._refresh()), names="value")
        ctl["speed"].observe(home(self._on_speed), names="value")
        ctl["share"].observe(home(self._on_share), names="value")
        for name in LIVE_SLIDERS:
            ctl[name].refuse = lambda value, name=name: self._refusal(name, value)
            ctl[name].observe(home(lambda change, name=name: self._on_slider(name, change)), names="value")
        for name in CLIPS:
            ctl[name + "_on"].observe(home(lambda change, name=name: self._on_clip_switch(name, change)),
                                      names="value")
        for name in ("batch_size", "recipe", "seed", "learn") + tuple(MENUS) + ARCH_CONTROLS:
            ctl[name].observe(home(lambda change, name=name: self._on_setting(name, change["new"])), names="value")
        ctl["ema"].observe(home(self._on_ema), names="value")
        for e in ERRATA:
            ctl[f"errata_{e}"].observe(home(self._on_errata), names="value")

    def _at_home(self, fn, *args):
        """Run ``fn(*args)`` on the dashboard's home thread: now if this is it, else soon, on its loop.

        The home is the thread (and asyncio loop) that built the dashboard: the kernel's main
        thread for a notebook cell, where ``dash.step()`` and ``dash.set()`` run too. JupyterLab
        4.4+ delivers widget messages on a kernel subshell's thread; there the callback only
        queues ``fn`` with ``loop.call_soon_threadsafe`` (which wakes the home loop), so the
        dashboard's state, its trainer and its figure are only ever touched by one thread. Two
        threads training and drawing at once failed a frame (and so paused Play) after 5-7 frames
        in 2 of 14 runs of ``test_dashboard_in_jupyterlab`` here, 4 of 5 in an earlier session
        (traced: tick 1 on the main thread, ticks 2 and later on the subshell's, frames on both);
        with this, 7 of 7 (2 of them with another process taking a core), every frame on the main
        thread. Where messages already arrive on the home thread (Voila) ``fn`` runs at once:
        ``bench/bench_dashboard.py`` measured 22.2-23.7 frames/s and a key-to-first-frame median of
        72-154 ms, against 22.0-23.3 frames/s and 82-90 ms before (three and two runs, noise).
        Without a home loop (plain Python) or once it is closed, ``fn`` runs where it is called.
        """
        loop = self._home_loop
        if threading.get_ident() != self._home_thread and loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(fn, *args)
                return None
            except RuntimeError:          # the loop closed just now
                pass
        return fn(*args)

    def _homed(self, fn):
        """``fn`` as a widget callback that runs on the home thread (see ``_at_home``)."""
        return lambda *args: self._at_home(fn, *args)

    def _apply_hide_lock(self):
        for name in expand(self.hidden):
            self.controls[name].layout.display = "none"
        if "errata" in self.hidden:
            self.rows["errata"].layout.display = "none"
        for name in expand(self.locked):
            self.controls[name].disabled = True

    def _on_play(self, change):
        """A Play tick (on the home thread, see ``_at_home``): ask for this tick's frames.

        A tick raises the value by one; the stop button sends it back to 0 (a pause). In a
        kernel the frames run just after this message's handler has returned: the kernel
        reports idle at once, so the browser sends its next tick while they train and draw
        (deferring them took Voila from 14 to 17 frames/s, two frames a tick to 21-24). A tick
        asks for ``FRAMES_PER_TICK`` frames (a new tick asks again, it does not add up), so the
        kernel is never more than that many frames ahead of the page; at most one frame is
        scheduled at a time (``_tick_pending``), and since only the home loop schedules and runs
        them, a scheduled frame always runs. A message already waiting (a slider) is handled in
        the ``TICK_DELAY`` before each frame. Without an event loop (plain Python) the tick
        trains one frame at once."""
        if self._quiet or change["new"] <= change["old"] or not self.controls["play"].playing:
            return
        loop = _running_loop()
        if loop is None:                 # no event loop (driven from plain Python): train the frame now
            self._frame(top=None)
            return
        self._credit = FRAMES_PER_TICK[self.controls["speed"].value]
        if not self._tick_pending:
            self._tick_pending = True
            loop.call_later(TICK_DELAY, self._deferred_frame)

    def _deferred_frame(self):
        """One frame of the last tick's credit, on the home loop; schedules the next one, if any,
        no sooner than the speed allows (40 ms at full speed)."""
        self._tick_pending = False
        if not self.controls["play"].playing or self._credit <= 0:
            return
        self._credit -= 1
        start = time.perf_counter()
        try:
            self._frame(top=None)
        except Exception as e:           # a callback's error would only reach the kernel's log
            self._pause()
            self._message(f"the frame failed: {type(e).__name__}: {e}", "error")
            self._refresh()
            return
        if self._credit > 0 and self.controls["play"].playing:
            # the next frame of this tick, no sooner than the speed allows
            wait = SPEEDS[self.controls["speed"].value] / 1000 - (time.perf_counter() - start)
            self._tick_pending = True
            asyncio.get_running_loop().call_later(max(TICK_DELAY, wait), self._deferred_frame)

    def _on_speed(self, change):
        self.controls["play"].interval = tick_interval(change["new"])
        self._message(f"speed {change['new']}: a frame every {SPEEDS[change['new']]} ms at most", "info")
        self._refresh()

    def _on_share(self, change):
        if not self._quiet and change["new"] != self.share_link:
            self._quietly(lambda: setattr(self.controls["share"], "value", self.share_link))

    def _refusal(self, name, value):
        """Why ``value`` cannot go on slider ``name`` (shown in the status line), or None if it can.

        The slider's validator calls this on whichever thread set the value (a JupyterLab
        subshell's, for the reader's slider): it only reads, and the status line is written on
        the home thread (``_at_home``). A quiet write (the dashboard showing the run's own
        settings) is never refused; it happens on the home thread."""
        if self._quiet and threading.get_ident() == self._home_thread:
            return None
        ctl = self.controls[name]
        try:
            if value is None:
                raise ValueError(f"{name} must be a number (switch the clip off with its 'on' box)")
            from ..config import check_value
            v = check_value(name, value)
            lo, hi = 10.0 ** ctl.min, 10.0 ** ctl.max
            if not lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9):
                raise ValueError(f"{name} must be within this slider's range [{lo:g}, {hi:g}], got {value!r}")
        except (ValueError, TypeError) as e:
            self._at_home(self._show_refusal, name, value, str(e))
            return str(e)
        return None

    def _show_refusal(self, name, value, reason):
        from .settings import format_value
        self._message(f"refused {name} = {value!r}: {reason}. Keeping {name} = "
                      f"{format_value(self.run.setting(name))}.", "error")
        self._refresh()

    def _on_slider(self, name, change):
        if self._quiet:
            return
        now = self.run.setting(name)
        if isinstance(now, float) and np.isclose(change["new"], now, rtol=1e-9, atol=0):
            return  # the browser drew the slider and sent back the same value, up to rounding
        if name in CLIPS and not self.controls[name + "_on"].value:
            from .settings import format_value
            self._message(f"{name} slider at {format_value(change['new'])}; the clip is switched off: tick 'on' "
                          f"to use it", "info")
            self._refresh()
            return
        self._after(self.run.apply(name, float(change["new"])))

    def _on_clip_switch(self, name, change):
        if not self._quiet:
            self._after(self.run.apply(name, float(self.controls[name].value) if change["new"] else None))

    def _on_ema(self, change):
        if not self._quiet:
            preset = preset_config(self.run.recipe).ema
            self._after(self.run.apply("ema", (preset or EMA_DEFAULT) if change["new"] else None))

    def _on_errata(self, _change):
        if not self._quiet:
            self._after(self.run.apply("errata", tuple(e for e in ERRATA if self.controls[f"errata_{e}"].value)))

    def _on_setting(self, name, value):
        if not self._quiet:
            self._after(self.run.apply(name, value))

    # ---------------------------------------------------------------- actions
    def _after(self, verdict):
        """Show a verdict: the status line, the controls (back to the run's settings if refused),
        the readout and share link, and the picture after a restart."""
        self._message(verdict.message, "error" if verdict.kind == "refused" else "info")
        self._show_settings()
        if verdict.kind == "restarted":
            self._frame_log = []
            self.fig.new_run()
            self._redraw()
        self._refresh()
        return verdict.ok

    def _show_settings(self):
        run = self.run
        locked = expand(self.locked)
        self._quietly(lambda: show_settings(self.controls, run.config, run.recipe, run.trainer.seed, run.learn,
                                            locked))

    def _quietly(self, fn):
        self._quiet += 1
        try:
            fn()
        finally:
            self._quiet -= 1

    def set(self, **changes):
        """Change settings from code, as if the reader moved the controls: ``dash.set(step_size_D=0.1)``,
        ``dash.set(GRADIENT_CLIP=None)`` (a clip off), ``dash.set(errata="all")``, ``dash.set(Z_DIM=3)``
        (restarts), ``dash.set(chunk=1)``. Returns True if every value was taken; a refused value
        leaves everything as it was and the status line says why."""
        ok = True
        for name, value in changes.items():
            if name not in SETTABLE:
                raise ValueError(f"unknown control {name!r}; settable: {', '.join(SETTABLE)}")
            ok = self._set_one(name, value) and ok
        return ok

    def _set_one(self, name, value):
        if name in VIEW_SETTINGS and name != "learn":
            try:
                value = check_view_setting(name, value)
            except ValueError as e:
                return self._after(Verdict("refused", f"refused {name} = {value!r}: {e}"))
            ctl = self.controls[name]
            if name == "chunk" and value not in ctl.options:
                self._quietly(lambda: setattr(ctl, "options", tuple(sorted(set(ctl.options) | {value}))))
            ctl.value = value
            return True
        if name in LIVE_SLIDERS and value is not None and self._refusal(name, value):
            return False
        return self._after(self.run.apply(name, value))

    def step(self):
        """Train one frame (``chunk`` iterations) and redraw: the Step button. Called from a notebook
        cell, it also updates the dashboard's stored picture (for static readers)."""
        ok = self._frame(top=True)
        self._update_display()
        return ok

    def advance(self, frames):
        """Train ``frames`` frames and draw only after the last (or where training stops): the
        same run, curves and quality points as ``frames`` calls of :meth:`step`, without the
        pictures in between, for a notebook cell that skips ahead. ``frames``: an integer in
        [1, 100000]. Returns False if training stopped (see :meth:`step`)."""
        frames = check_int("frames", frames, 1, 100_000)
        ok = True
        for _ in range(frames - 1):
            ok = self._frame(top=True, draw=False)
            if not ok:
                break
        if ok:
            ok = self._frame(top=True)
        self._update_display()
        return ok

    def _update_display(self):
        if self._display is not None:
            self._display[0].update(self._bundle(self._display[1]), raw=True)

    def reset(self):
        """The Reset button: the preset's settings on every control, a new run from iteration 0."""
        return self._after(self.run.reset())

    @property
    def chunk(self):
        """Iterations per frame (the ``chunk`` control)."""
        return int(self.controls["chunk"].value)

    def _frame(self, top=True, draw=True):
        """One frame: train a chunk, draw it, refresh the words. False if training stopped.

        ``top``: redraw the top row (samples, fits, heat map); None (a Play tick) redraws it
        every ``top_every`` frames (and after a restart). ``draw=False``: train and record only
        (a frame that stops training is still drawn)."""
        if top is None:
            top = self.run.frame_count + 1 - self._top_frame >= self.top_every
        with one_blas_thread():
            return self._frame_body(top, draw)

    def _frame_body(self, top, draw=True):
        t0 = time.perf_counter()
        done, stop = self.run.train_frame(self.chunk)
        t1 = time.perf_counter()
        if stop == "ITER_NUM":
            c = self.run.trainer.config
            was_playing = self._pause()
            extra = (" Its step sizes have decayed to 0 (lr_decay='linear'), so G and D no longer change"
                     + (" and further iterations only pull the weight average that draws the samples (ema) "
                        "towards G's last weights" if c.ema is not None else "") + "."
                     if c.lr_decay == "linear" else " Press Play or Step to go on.")
            self._message(f"reached ITER_NUM = {c.ITER_NUM}, the recipe's run length"
                          f"{': paused.' if was_playing else '.'}{extra}", "info")
        elif stop is not None:
            self._pause()
            self._message(f"{stop}. Press Reset (or lower the step sizes and change the seed).", "error")
        if not draw and stop is None:
            return True
        t2 = self._redraw(top or stop is not None)
        t3 = time.perf_counter()
        tm = self.timings
        for key, v in (("train_ms", t1 - t0), ("view_ms", t2 - t1), ("draw_ms", t3 - t2), ("frame_ms", t3 - t0)):
            tm[key].append(1e3 * v)
            del tm[key][:-200]
        if self._frame_log and t3 - self._frame_log[-1][0] > 1.0:
            self._frame_log = []          # after a pause, rates count from the frames since
        self._frame_log.append((t3, done))
        del self._frame_log[:-(RATE_FRAMES + 1)]
        self._refresh()
        return stop is None

    def _pause(self):
        play = self.controls["play"]
        was = play.playing
        if was:
            play.playing = False
        return was

    def _redraw(self, top=True):
        """Draw the run into the picture (with ``top``, the top row too); returns the time the
        view was ready (for the timings)."""
        with one_blas_thread():
            view = self.run.view(top=top)
            t = time.perf_counter()
            self.image.value = self.fig.render(view)
        if top:
            self._top_frame = self.run.frame_count
        return t

    # ------------------------------------------------------------------ words
    def _message(self, text, kind="info"):
        self._status = (text, kind)
        self.status_widget.value = status_html(text, kind)

    def _refresh(self):
        """Put the readout, the status line and the share link on their widgets."""
        self.readout_widget.value = readout_html(self._readout_lines())
        link = self.share_link
        if self.controls["share"].value != link:
            self._quietly(lambda: setattr(self.controls["share"], "value", link))

    def _readout_lines(self):
        tm = self.timings["frame_ms"][-RATE_FRAMES:]
        rate = rate_text(self.frames_per_second, self.iterations_per_second, float(np.mean(tm)) if tm else 0.0)
        return readout_lines(self.run, self.chunk, rate)

    @property
    def trainer(self):
        """The :class:`gan_core.Trainer` of the run (a new one after a preset change or Reset)."""
        return self.run.trainer

    @property
    def frame_count(self):
        """Frames trained in this run."""
        return self.run.frame_count

    @property
    def png(self):
        """The current picture as PNG bytes."""
        return self.fig.png()

    @property
    def status_text(self):
        """The status line as plain text (the last change, restart, or why a value was refused)."""
        return self._status[0]

    @property
    def status_kind(self):
        """``"error"`` if the last status message refused something or reports a failure, else ``"info"``."""
        return self._status[1]

    @property
    def readout_text(self):
        """The readout as plain text: ``iteration N ...``, the next step's settings, the errata, the last frame."""
        return "\n".join(self._readout_lines())

    @property
    def frames_per_second(self):
        """Frames per second over the last ``RATE_FRAMES`` frames (0 before two frames)."""
        log = self._frame_log
        return (len(log) - 1) / (log[-1][0] - log[0][0]) if len(log) >= 2 and log[-1][0] > log[0][0] else 0.0

    @property
    def iterations_per_second(self):
        """Iterations trained per second over the last ``RATE_FRAMES`` frames (0 before two frames)."""
        log = self._frame_log
        if len(log) < 2 or log[-1][0] <= log[0][0]:
            return 0.0
        return sum(n for _, n in log[1:]) / (log[-1][0] - log[0][0])

    @property
    def share_link(self):
        """The query string of the current settings (the ``share`` field): the app opened with it
        (``make dashboard``, then ``http://127.0.0.1:8866/`` + this) starts with these settings."""
        view = {}
        if self.chunk != DEFAULT_CHUNK:
            view["chunk"] = self.chunk
        if self.run.learn != "both":
            view["learn"] = self.run.learn
        if self.controls["speed"].value != "full":
            view["speed"] = self.controls["speed"].value
        return make_link(self.run.recipe, self.run.trainer.seed, self.run.config, view, self.hidden, self.locked)

    def summary(self, digits=3):
        """A few rounded figures of the run so far (for printing in checked notebook cells)."""
        return summary(self.run, digits)

    # ---------------------------------------------------------------- display
    def _bundle(self, text):
        bundle = self.widget._repr_mimebundle_()
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle)
        bundle["image/png"] = self.png
        bundle["text/plain"] = text
        return bundle

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        """The widget, a PNG of the current frame (for pages that cannot run widgets) and the repr."""
        return self._bundle(repr(self))

    def _ipython_display_(self):
        from IPython.display import display

        text = repr(self)
        self._display = (display(self._bundle(text), raw=True, display_id=True), text)

    def __repr__(self):
        return f"Dashboard(recipe={self.run.recipe!r}, seed={self.run.trainer.seed}, iteration={self.run.trainer.iteration})"
