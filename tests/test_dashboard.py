"""The live dashboard app (gan_core.dashboard.Dashboard), driven directly from Python (no browser).

Every check goes through the widgets or the public methods a notebook cell would
use: set a control, run a frame, look at the trainer's history and the texts the
reader sees. (The same behaviour in a real browser: tests/test_browser.py.)
"""
import asyncio
import math
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

ipywidgets = pytest.importorskip("ipywidgets")

import gan_core  # noqa: E402
from gan_core.dashboard import Dashboard  # noqa: E402

CHUNK = 40


def make(**kwargs):
    kwargs.setdefault("chunk", CHUNK)
    kwargs.setdefault("quality_every", 3)
    kwargs.setdefault("quality_samples", 50)
    kwargs.setdefault("n_show", 10)
    kwargs.setdefault("dpi", 40)
    return Dashboard(**kwargs)


@pytest.fixture
def dash():
    return make()


def first_row_of_next_frame(d, column):
    """Run one frame; return ``column`` of its first iteration (the very next step)."""
    start = d.trainer.iteration
    d.step()
    return d.trainer.history[column][start]


# ------------------------------------------------------------------ the controls
def test_controls_have_the_chapter_names_and_log_scale(dash):
    for name in ("step_size_G", "step_size_D", "GRADIENT_CLIP", "WEIGHT_CLIP"):
        ctl = dash.controls[name]
        assert isinstance(ctl, ipywidgets.FloatLogSlider)
        assert ctl.description == name
    assert isinstance(dash.controls["play"], ipywidgets.Play)
    for name in ("GRADIENT_CLIP_on", "WEIGHT_CLIP_on"):
        assert dash.controls[name].value is True
    assert dash.controls["recipe"].options == ("book", "recommended", "chapter")
    assert dash.controls["batch_size"].value == 1
    assert dash.readout_text.startswith("iteration 0")
    assert dash.png[:8] == b"\x89PNG\r\n\x1a\n"
    assert dash.image.value[:2] == b"\xff\xd8"          # the live frame is a JPEG
    assert dash.frame_count == 0


def test_preset_values_on_the_controls_match_the_recipe(dash):
    c = gan_core.book()
    for name in ("step_size_G", "step_size_D", "GRADIENT_CLIP", "WEIGHT_CLIP"):
        assert dash.controls[name].value == getattr(c, name)
        assert dash.trainer.config.__getattribute__(name) == getattr(c, name)


@pytest.mark.parametrize("name,value", [("step_size_G", 0.05), ("step_size_D", 0.1)])
def test_step_size_slider_acts_on_the_very_next_step(dash, name, value):
    dash.step()
    before = dash.trainer.iteration
    dash.controls[name].value = value
    assert dash.trainer.config.__getattribute__(name) == value
    assert dash.trainer.iteration == before            # no restart
    assert first_row_of_next_frame(dash, name) == value
    assert dash.trainer.history[name][before - 1] == 0.01  # the frame before used the old value
    assert f"{name} 0.05" in dash.readout_text or f"{name} 0.1" in dash.readout_text
    assert dash.status_kind == "info" and name in dash.status_text


def test_gradient_clip_slider_acts_on_the_next_step(dash):
    dash.step()
    dash.controls["GRADIENT_CLIP"].value = 0.001
    start = dash.trainer.iteration
    dash.step()
    h = dash.trainer.history
    # each of the 3 weight matrices is clipped to 0.001; the norm is over all of them
    limit = math.sqrt(3) * 0.001 * (1 + 1e-9)
    assert h["grad_norm_D_clipped"][start] <= limit < h["grad_norm_D"][start]
    assert h["grad_norm_G_clipped"][start] <= limit
    assert h["clipped_D"][start] == 1.0


def test_gradient_clip_switch_turns_clipping_off_and_on(dash):
    dash.controls["GRADIENT_CLIP_on"].value = False
    assert dash.trainer.config.GRADIENT_CLIP is None
    assert dash.controls["GRADIENT_CLIP"].disabled
    start = dash.trainer.iteration
    dash.step()
    h = dash.trainer.history
    np.testing.assert_array_equal(h["grad_norm_D"][start:], h["grad_norm_D_clipped"][start:])
    assert h["clipped_D"][start:].sum() == 0
    assert "GRADIENT_CLIP off" in dash.readout_text
    dash.controls["GRADIENT_CLIP_on"].value = True
    assert dash.trainer.config.GRADIENT_CLIP == 0.2
    assert not dash.controls["GRADIENT_CLIP"].disabled


def test_weight_clip_slider_and_switch(dash):
    dash.step()
    dash.controls["WEIGHT_CLIP"].value = 0.01
    dash.trainer.step()                               # the very next step clips to 0.01
    assert np.abs(dash.trainer.D.theta).max() <= 0.01 + 1e-12
    assert np.abs(dash.trainer.G.theta).max() <= 0.01 + 1e-12
    dash.controls["WEIGHT_CLIP_on"].value = False
    assert dash.trainer.config.WEIGHT_CLIP is None
    dash.controls["WEIGHT_CLIP"].value = 0.5          # slider moved while off: stored, not used
    assert dash.trainer.config.WEIGHT_CLIP is None
    assert "switched off" in dash.status_text
    dash.controls["WEIGHT_CLIP_on"].value = True
    assert dash.trainer.config.WEIGHT_CLIP == 0.5


def test_batch_size_and_optimizer_are_live(dash):
    dash.step()
    before = dash.trainer.iteration
    dash.controls["batch_size"].value = 16
    dash.controls["optimizer"].value = "adam"
    assert dash.trainer.config.batch_size == 16
    assert dash.trainer.opt_G.name == "adam"
    dash.step()
    assert dash.trainer.iteration == before + CHUNK   # same run, no restart
    assert "batch_size 16" in dash.readout_text and "adam" in dash.readout_text


def test_set_from_code(dash):
    assert dash.set(step_size_D=0.1, GRADIENT_CLIP=None) is True
    assert dash.trainer.config.step_size_D == 0.1
    assert dash.trainer.config.GRADIENT_CLIP is None
    assert dash.controls["GRADIENT_CLIP_on"].value is False
    assert dash.set(GRADIENT_CLIP=0.5) is True        # a number switches the clip back on
    assert dash.trainer.config.GRADIENT_CLIP == 0.5 and dash.controls["GRADIENT_CLIP_on"].value
    assert dash.set(batch_size=48) is True            # not on the slider yet: added
    assert dash.trainer.config.batch_size == 48
    with pytest.raises(ValueError, match="unknown control"):
        dash.set(learning_rate=0.1)


# --------------------------------------------------------------- play, step, reset
def test_play_ticks_advance_and_redraw(dash):
    play = dash.controls["play"]
    png0, readout0 = dash.png, dash.readout_text
    play.playing = True
    play.value += 1
    assert dash.trainer.iteration == CHUNK
    assert dash.frame_count == 1
    assert dash.png != png0
    assert dash.readout_text.startswith(f"iteration {CHUNK}") and dash.readout_text != readout0
    png1 = dash.image.value
    play.value += 1
    assert dash.trainer.iteration == 2 * CHUNK and dash.image.value != png1
    assert dash.frame_count == 2


def test_stop_button_and_paused_ticks_do_not_train(dash):
    play = dash.controls["play"]
    play.playing = True
    play.value = 5
    assert dash.trainer.iteration == CHUNK
    play.value = 0                                    # the stop button: back to min
    assert dash.trainer.iteration == CHUNK
    play.playing = False
    play.value = 1                                    # a late tick after Pause
    assert dash.trainer.iteration == CHUNK


def test_step_button_and_chunk_control(dash):
    dash.controls["step"].click()
    assert dash.trainer.iteration == CHUNK
    dash.controls["chunk"].value = 100
    dash.controls["step"].click()
    assert dash.trainer.iteration == CHUNK + 100
    assert "100 iterations per frame" in dash.readout_text


def test_readout_reports_what_the_last_frame_used(dash):
    dash.controls["step_size_G"].value = 0.0316
    assert "next step: step_size_G 0.0316" in dash.readout_text
    assert "last frame: none yet" in dash.readout_text
    dash.step()
    assert "last frame: step_size_G 0.0316" in dash.readout_text


def test_reset_restores_the_preset(dash):
    dash.set(step_size_G=0.05, step_size_D=0.002, WEIGHT_CLIP=None, batch_size=8)
    dash.step()
    dash.controls["reset"].click()
    c, book = dash.trainer.config, gan_core.book()
    assert c == book
    assert dash.trainer.iteration == 0 and len(dash.trainer.history) == 0
    assert dash.controls["step_size_G"].value == 0.01
    assert dash.controls["step_size_D"].value == 0.01
    assert dash.controls["WEIGHT_CLIP_on"].value is True and dash.controls["WEIGHT_CLIP"].value == 0.25
    assert dash.controls["batch_size"].value == 1
    assert "reset" in dash.status_text and dash.readout_text.startswith("iteration 0")
    # the same run as a fresh one
    dash.step()
    fresh = gan_core.Trainer(recipe="book", seed=0).train(CHUNK)
    np.testing.assert_array_equal(dash.trainer.G.theta, fresh.G.theta)


def test_reset_keeps_the_seed(dash):
    dash.controls["seed"].value = "3"
    dash.step()
    dash.reset()
    assert dash.trainer.seed == 3 and dash.controls["seed"].value == "3"


# -------------------------------------------------------------------- bad values
BAD = [("step_size_G", 0), ("step_size_D", 0.0), ("step_size_G", -0.01), ("step_size_D", float("nan")),
       ("GRADIENT_CLIP", float("nan")), ("WEIGHT_CLIP", float("nan")), ("GRADIENT_CLIP", 0),
       ("WEIGHT_CLIP", float("inf")), ("step_size_G", 1e4)]


def test_bad_values_are_refused_with_a_visible_message(dash):
    for name, bad in BAD:
        before = getattr(dash.trainer.config, name)
        dash.controls[name].value = bad
        assert getattr(dash.trainer.config, name) == before, name
        assert dash.controls[name].value == before, name
        assert dash.status_kind == "error"
        assert dash.status_text.startswith(f"refused {name}"), dash.status_text
        assert f"Keeping {name} = " in dash.status_text
        assert "refused" in dash.status_widget.value and "#b00020" in dash.status_widget.value   # shown, in red
    start = dash.trainer.iteration
    dash.step()
    for name in ("step_size_G", "step_size_D"):
        assert dash.trainer.history[name][start] == 0.01
    assert dash.trainer.config.GRADIENT_CLIP == 0.2 and dash.trainer.config.WEIGHT_CLIP == 0.25


def test_bad_values_through_set_return_false(dash):
    assert dash.set(step_size_D=0) is False
    assert dash.trainer.config.step_size_D == 0.01 and "refused step_size_D" in dash.status_text
    assert dash.set(batch_size=0) is False and dash.trainer.config.batch_size == 1
    assert dash.set(optimizer="rmsprop") is False and dash.trainer.config.optimizer == "sgd"
    assert dash.set(recipe="fancy") is False
    assert dash.set(Z_DIM=0) is False and dash.trainer.config.Z_DIM == 1
    assert dash.set(seed=-1) is False and dash.trainer.seed == 0


def test_browser_echo_of_the_same_value_changes_nothing(dash):
    status = dash.status_text
    dash.controls["WEIGHT_CLIP"].value = 0.25 * (1 + 1e-15)   # what Math.pow(10, log10(0.25)) gives back
    assert dash.status_text == status
    assert dash.trainer.config.WEIGHT_CLIP == 0.25


# ------------------------------------------------------------ restarts, and why
@pytest.mark.parametrize("name,value,check", [
    ("Z_DIM", 3, lambda t: t.G.layers[0].W.shape[0] == 3),
    ("G_HIDDEN", (16, 16), lambda t: t.G.layers[0].W.shape[1] == 16),
    ("D_HIDDEN", (32, 32), lambda t: t.D.layers[0].W.shape[1] == 32),
])
def test_architecture_change_resets_and_says_so(dash, name, value, check):
    dash.set(step_size_D=0.05)
    dash.step()
    dash.controls[name].value = value
    assert dash.trainer.iteration == 0 and len(dash.trainer.history) == 0
    assert check(dash.trainer)
    assert name in dash.status_text and "starts again from scratch" in dash.status_text
    assert dash.trainer.config.step_size_D == 0.05      # live settings are kept
    dash.step()
    assert dash.trainer.iteration == CHUNK


def test_recipe_dropdown_loads_the_preset_and_restarts(dash):
    dash.step()
    dash.controls["recipe"].value = "recommended"
    rec = gan_core.recommended()
    assert dash.trainer.config == rec and dash.trainer.iteration == 0
    assert dash.controls["GRADIENT_CLIP_on"].value is False and dash.controls["GRADIENT_CLIP"].disabled
    assert dash.controls["WEIGHT_CLIP_on"].value is False
    assert dash.controls["optimizer"].value == "adam" and dash.controls["batch_size"].value == 64
    assert dash.controls["Z_DIM"].value == 5 and dash.controls["G_HIDDEN"].value == (32, 32)
    assert math.isclose(dash.controls["step_size_G"].value, 0.002)
    assert "preset 'recommended'" in dash.status_text and "starts again" in dash.status_text
    dash.step()
    assert dash.trainer.iteration == CHUNK
    dash.reset()                                        # Reset now means the recommended preset
    assert dash.trainer.config == rec


def test_seed_change_restarts(dash):
    dash.step()
    dash.controls["seed"].value = "5"
    assert dash.trainer.seed == 5 and dash.trainer.iteration == 0
    assert "seed 5" in dash.status_text


# ------------------------------------------------------- Play in a kernel (an asyncio loop)
def in_a_kernel(body, **kwargs):
    """Build a dashboard inside a running asyncio loop (as a notebook cell does) and run
    ``await body(dash)`` there; returns what it returns."""
    async def main():
        return await body(make(**kwargs))
    return asyncio.run(main())


def record_frame_threads(d):
    """Wrap ``d._frame``: returns the list of (thread id, frames running at once) of every frame."""
    calls, running = [], [0]
    frame = d._frame

    def spy(top=True):
        running[0] += 1
        calls.append((threading.get_ident(), running[0]))
        try:
            return frame(top)
        finally:
            running[0] -= 1
    d._frame = spy
    return calls


async def until(condition, d, timeout=20.0):
    """Let the loop run until ``condition()`` holds (or fail after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out at frame {d.frame_count}: {d.status_text}"
        await asyncio.sleep(0.01)


def test_a_tick_in_a_kernel_trains_two_frames_after_its_handler():
    async def body(d):
        play = d.controls["play"]
        play.playing = True
        play.value += 1
        assert d.frame_count == 0                         # not inside the tick's handler
        await until(lambda: d.frame_count == 2, d)
        await asyncio.sleep(0.2)
        assert d.frame_count == 2                         # a tick asks for two frames, no more
        play.value += 1
        play.value += 1                                   # a second tick before they ran: still two
        await until(lambda: d.frame_count == 4, d)
        await asyncio.sleep(0.2)
        return d.frame_count, d.trainer.iteration
    assert in_a_kernel(body) == (4, 4 * CHUNK)


def test_ticks_from_another_thread_train_on_the_dashboards_thread():
    """JupyterLab 4.4+ hands widget messages to a kernel subshell's thread once it exists: the
    first tick comes on the main thread, later ones on another. Every frame must still run on
    the thread that built the dashboard, one at a time (two threads training at once failed a
    frame and paused Play after a few frames)."""
    async def body(d):
        home = threading.get_ident()
        calls = record_frame_threads(d)
        play = d.controls["play"]
        play.playing = True
        play.value += 1                                   # the first tick, on the home thread

        async def ticks():                                # a subshell: a thread with a loop of its own
            for _ in range(12):
                play.value += 1
                await asyncio.sleep(0.06)
        await asyncio.to_thread(asyncio.run, ticks())
        await until(lambda: d.frame_count >= 20, d)
        await asyncio.sleep(0.2)
        return home, calls, d
    home, calls, d = in_a_kernel(body)
    assert {t for t, _ in calls} == {home}
    assert max(n for _, n in calls) == 1                  # never two frames at once
    assert d.trainer.iteration == d.frame_count * CHUNK   # every frame trained a whole chunk
    assert d.status_kind == "info" and "failed" not in d.status_text
    assert d.controls["play"].playing


def test_controls_set_from_another_thread_act_on_the_dashboards_thread():
    async def body(d):
        home = threading.get_ident()
        seen = []
        apply = d.run.apply

        def spy(name, value):
            seen.append((name, threading.get_ident()))
            return apply(name, value)
        d.run.apply = spy

        def from_subshell():
            d.controls["step_size_G"].value = 0.05
            d.controls["step_size_D"].value = 0.0         # refused: the slider keeps its value
            d.controls["step"].click()
        await asyncio.to_thread(from_subshell)
        await until(lambda: d.frame_count == 1, d)
        return home, seen, d
    home, seen, d = in_a_kernel(body)
    assert seen == [("step_size_G", home)]
    assert d.trainer.history["step_size_G"][-1] == pytest.approx(0.05)
    assert d.controls["step_size_D"].value == pytest.approx(0.01)
    assert d.status_kind == "error" and "refused step_size_D = 0.0" in d.status_text


# ------------------------------------------------------------------ edge cases
def test_play_pauses_at_iter_num():
    d = make(ITER_NUM=100, chunk=60)
    play = d.controls["play"]
    play.playing = True
    play.value += 1
    play.value += 1
    assert d.trainer.iteration == 100                    # the chunk stops at ITER_NUM
    assert play.playing is False
    assert "reached ITER_NUM = 100" in d.status_text
    d.step()                                             # and goes on when asked
    assert d.trainer.iteration == 160


def test_divergence_pauses_and_explains(dash, monkeypatch):
    def boom():
        raise FloatingPointError("training diverged at iteration 7: D or G produced a non-finite value")
    monkeypatch.setattr(dash.trainer, "step", boom)
    play = dash.controls["play"]
    play.playing = True
    play.value += 1
    assert play.playing is False
    assert dash.status_kind == "error" and "diverged" in dash.status_text and "Reset" in dash.status_text


def test_quality_is_measured_every_k_frames(dash):
    q = dash.run.quality
    assert q["it"] == [0]
    for _ in range(3):
        dash.step()
    assert q["it"] == [0, 3 * CHUNK]
    assert 0.0 <= q["valid"][-1] <= 1.0 and np.isfinite(q["mmd2"][-1])
    assert "quality after 120 iterations" in dash.summary()


def test_history_is_trimmed_on_long_runs():
    d = make(history_limit=1000, chunk=700)
    d.step()
    d.step()
    assert len(d.trainer.history) <= 1000
    assert d.trainer.history["iteration"][-1] == 1400


def test_summary_and_repr_are_rounded_and_stable(dash):
    dash.step()
    text = dash.summary()
    assert text.startswith(f"after {CHUNK} iterations; next step: step_size_G 0.01")
    assert "D(real) 0." in text
    assert repr(dash) == f"Dashboard(recipe='book', seed=0, iteration={CHUNK})"
    bundle = dash._repr_mimebundle_()
    assert bundle["text/plain"] == repr(dash)
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/png"][:8] == b"\x89PNG\r\n\x1a\n"      # what GitHub and nbviewer show


def test_constructor_overrides_and_checks():
    d = make(step_size_D=0.1, GRADIENT_CLIP=None)
    assert d.controls["step_size_D"].value == 0.1
    assert d.controls["GRADIENT_CLIP_on"].value is False
    with pytest.raises(ValueError, match="recipe"):
        Dashboard(recipe="fancy")
    with pytest.raises(ValueError, match="chunk"):
        Dashboard(chunk=0)
    with pytest.raises(ValueError, match="step_size_D"):
        Dashboard(step_size_D=0)
    with pytest.raises(ValueError, match="hide"):
        Dashboard(hide=("nothing",))


def test_import_gan_core_does_not_import_widgets():
    code = "import sys, gan_core; print('ipywidgets' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_only_the_readout_says_iteration_n(dash):
    """A page (or a browser test) looking for the text `iteration N` finds the readout, nothing else."""
    import re

    pattern = re.compile(r"iteration \d")
    dash.step()
    texts = [dash.summary()]
    dash.set(step_size_D=0.1)
    texts.append(dash.status_text)
    dash.set(Z_DIM=2)
    texts.append(dash.status_text)
    dash.set(seed=1)
    texts.append(dash.status_text)
    dash.reset()
    texts.append(dash.status_text)
    texts += [w.description for w in dash.controls.values()] + [getattr(w, "tooltip", "") or ""
                                                                 for w in dash.controls.values()]
    assert not [t for t in texts if pattern.search(t)]
    assert pattern.match(dash.readout_text)


@pytest.mark.parametrize("text", ["", "  ", "1.5", "-3", "abc", "1e3", str(2**63), "9" * 400])
def test_seed_box_refuses_bad_text_visibly(dash, text):
    before = dash.trainer.seed
    dash.controls["seed"].value = text
    assert dash.trainer.seed == before and dash.controls["seed"].value == str(before)
    assert "refused seed" in dash.status_text and "[0, 9223372036854775807]" in dash.status_text


def test_seed_box_accepts_a_typed_integer(dash):
    dash.controls["seed"].value = " 42 "
    assert dash.trainer.seed == 42 and dash.trainer.iteration == 0


# ------------------------------------------- what the widgets show after each action
def shown(dash):
    """The readout and status line as the page shows them (the widgets' HTML)."""
    return dash.readout_widget.value, dash.status_widget.value


def changed_then(dash, action):
    """Change settings and train, run ``action``; return the shown HTML afterwards."""
    dash.set(step_size_D=0.1, GRADIENT_CLIP=None)
    dash.step()
    action()
    return shown(dash)


@pytest.mark.parametrize("action,iteration_zero", [
    (lambda d: d.controls["reset"].click(), True),
    (lambda d: setattr(d.controls["recipe"], "value", "recommended"), True),
    (lambda d: setattr(d.controls["seed"], "value", "7"), True),
    (lambda d: setattr(d.controls["Z_DIM"], "value", 2), True),
    (lambda d: setattr(d.controls["G_HIDDEN"], "value", (16, 16)), True),
])
def test_shown_readout_is_fresh_after_each_restart(dash, action, iteration_zero):
    readout, status = changed_then(dash, lambda: action(dash))
    assert "<b>iteration 0 " in readout and "frame 0" in readout
    assert "last frame: none yet" in readout
    c = dash.trainer.config
    assert f"step_size_D {c.step_size_D:.3g}" in readout
    assert f"GRADIENT_CLIP {'off' if c.GRADIENT_CLIP is None else format(c.GRADIENT_CLIP, '.3g')}" in readout
    assert f"Z_DIM {c.Z_DIM}" in readout
    assert "gan-status-info" in status
    assert dash.controls["share"].value == dash.share_link and f"seed={dash.trainer.seed}" in dash.share_link


def test_shown_readout_after_reset_names_the_preset_values(dash):
    readout, status = changed_then(dash, dash.reset)
    assert "step_size_D 0.01 · GRADIENT_CLIP 0.2" in readout
    assert "reset to the 'book' preset" in status
    assert dash.controls["share"].value == f"?recipe=book&seed=0&chunk={CHUNK}"


def test_shown_readout_follows_every_setting(dash):
    dash.controls["step_size_G"].value = 0.0316
    assert "step_size_G 0.0316" in dash.readout_widget.value
    assert "step_size_G=0.0316" in dash.controls["share"].value
    dash.controls["g_loss"].value = "saturating"
    assert "g_loss saturating" in dash.readout_widget.value
    dash.controls["lr_decay"].value = "linear"
    dash.controls["ema"].value = True
    assert "lr_decay linear · ema 0.999" in dash.readout_widget.value
    assert dash.trainer.config.ema == 0.999 and dash.trainer.config.lr_decay == "linear"
    dash.controls["ema"].value = False
    assert dash.trainer.config.ema is None
    dash.controls["step_size_D"].value = 0
    assert "refused step_size_D" in dash.status_widget.value and "gan-status-error" in dash.status_widget.value


# ------------------------------------------------------------------ GAN Lab's controls
def test_learn_control_freezes_one_player(dash):
    dash.step()
    g = dash.trainer.G.theta.copy()
    dash.controls["learn"].value = "D only"
    assert "learn D only" in dash.readout_widget.value and "only D learns" in dash.status_text
    dash.step()
    np.testing.assert_array_equal(dash.trainer.G.theta, g)
    assert "last frame: step_size_G frozen" in dash.readout_text
    assert "step_size_G 0.01" in dash.readout_text                 # the reader's value, kept
    assert "learn=D+only" in dash.share_link
    dash.controls["learn"].value = "G only"
    d = dash.trainer.D.theta.copy()
    dash.step()
    np.testing.assert_array_equal(dash.trainer.D.theta, d)
    assert not np.array_equal(dash.trainer.G.theta, g)


def test_chunk_down_to_one_iteration_and_slow_motion(dash):
    assert 1 in dash.controls["chunk"].options
    dash.controls["chunk"].value = 1
    dash.step()
    assert dash.trainer.iteration == 1 and "1 iterations per frame" in dash.readout_text
    dash.controls["speed"].value = "slow motion"
    assert dash.controls["play"].interval == 400
    assert "speed=slow+motion" in dash.share_link and "chunk=1" in dash.share_link


def test_each_erratum_checkbox_acts_on_the_next_step(dash):
    for name in gan_core.errata.ERRATA:
        assert isinstance(dash.controls[f"errata_{name}"], ipywidgets.Checkbox)
    dash.step()
    dash.controls["errata_D_ascends"].value = True
    assert dash.trainer.config.errata == ("D_ascends",)
    assert "chapter's errors on: D_ascends" in dash.readout_widget.value
    assert "errata=D_ascends" in dash.share_link
    before = dash.trainer.iteration
    dash.step()
    ref = gan_core.Trainer(recipe="book", seed=0).train(before)
    ref.set(errata=("D_ascends",)).train(CHUNK)
    np.testing.assert_array_equal(dash.trainer.D.theta, ref.D.theta)
    dash.controls["errata_D_ascends"].value = False
    assert dash.trainer.config.errata == ()


def test_chapter_preset_ticks_every_erratum_box(dash):
    dash.controls["recipe"].value = "chapter"
    assert dash.trainer.config.errata == gan_core.errata.ERRATA
    assert all(dash.controls[f"errata_{e}"].value for e in gan_core.errata.ERRATA)
    assert dash.trainer.iteration == 0
    dash.set(chunk=500)
    dash.step()
    dash.step()
    h = dash.trainer.history
    assert h["D_real"].mean() < h["D_fake"].mean()             # the sign errors swap D(real) and D(fake)


# ------------------------------------------------------------------ classroom links
def test_from_link_presets_hides_and_locks():
    d = Dashboard.from_link("?recipe=book&seed=3&step_size_D=0.05&hide=WEIGHT_CLIP,GRADIENT_CLIP&lock=seed",
                            chunk=CHUNK, quality_samples=50, n_show=10, dpi=40)
    assert d.trainer.seed == 3 and d.trainer.config.step_size_D == 0.05
    assert d.controls["step_size_D"].value == 0.05
    for name in ("WEIGHT_CLIP", "WEIGHT_CLIP_on", "GRADIENT_CLIP", "GRADIENT_CLIP_on"):
        assert d.controls[name].layout.display == "none"
    assert d.controls["seed"].disabled and d.controls["step_size_G"].layout.display != "none"
    assert d.status_kind == "info"
    assert d.share_link == "?recipe=book&seed=3&step_size_D=0.05&chunk=40&hide=WEIGHT_CLIP,GRADIENT_CLIP&lock=seed"
    d.reset()
    assert d.controls["seed"].disabled                          # a lock survives Reset


def test_bad_link_values_are_refused_visibly_and_defaults_kept():
    d = Dashboard.from_link("?step_size_D=abc&seed=-4&recipe=fancy&hide=nothing&step_size_G=0.02",
                            quality_samples=50, n_show=10, dpi=40)
    assert d.trainer.config.step_size_D == 0.01 and d.trainer.seed == 0 and d.run.recipe == "book"
    assert d.trainer.config.step_size_G == 0.02                # the good part is taken
    assert d.status_kind == "error"
    for word in ("step_size_D", "seed", "recipe", "hide"):
        assert word in d.status_text
    assert "gan-status-error" in d.status_widget.value


def test_link_of_errata_and_learn():
    d = Dashboard.from_link("errata=all&learn=G+only", quality_samples=50, n_show=10, dpi=40)
    assert d.trainer.config.errata == gan_core.errata.ERRATA and d.run.learn == "G only"
    assert d.controls["learn"].value == "G only" and d.controls["errata_dTanh"].value


def test_share_field_cannot_be_edited_away(dash):
    dash.controls["share"].value = "something else"
    assert dash.controls["share"].value == dash.share_link


def test_the_page_explains_why_dots_and_map_differ(dash):
    assert "ideal sines" in dash.note.value and "notebook 05" in dash.note.value


# ------------------------------------------------------------------ what a frame costs
def play_ticks(d, n):
    """``n`` Play ticks, as the browser sends them."""
    play = d.controls["play"]
    play.playing = True
    for _ in range(n):
        play.value += 1
    play.playing = False


def top_row_pixels(d):
    """The pixels of the samples panel (top left) of the last drawn frame."""
    buf = np.asarray(d.fig.canvas.buffer_rgba())
    (x0, y0), (x1, y1) = d.fig.axes[0, 0].bbox.get_points().astype(int)
    h = buf.shape[0]
    return buf[h - y1:h - y0, x0:x1].copy()


def test_default_frame_and_picture_size():
    d = Dashboard(quality_samples=50, n_show=10)
    assert d.chunk == 50 and d.run.quality_every == 20 and d.top_every == 2
    assert "chunk" not in d.share_link
    assert d.image.layout.max_width == "960px"           # never scaled up by the page
    with pytest.raises(ValueError, match="top_every"):
        Dashboard(top_every=0)


def test_play_redraws_the_top_row_every_other_frame():
    dash = make(quality_every=100)                        # (a new quality point redraws that layer too)
    draws = dash.fig.slow_draws
    before = top_row_pixels(dash)
    play_ticks(dash, 1)                                   # frame 1: series only
    assert dash.fig.slow_draws == draws and np.array_equal(top_row_pixels(dash), before)
    assert dash.trainer.iteration == CHUNK and "frame 1" in dash.readout_text
    play_ticks(dash, 1)                                   # frame 2: every panel
    assert dash.fig.slow_draws == draws + 1 and not np.array_equal(top_row_pixels(dash), before)
    play_ticks(dash, 1)
    assert dash.fig.slow_draws == draws + 1
    dash.set(step_size_G=0.0316)                          # a change keeps the cadence (a short next frame)
    play_ticks(dash, 1)
    assert dash.fig.slow_draws == draws + 2
    assert "last frame: step_size_G 0.0316" in dash.readout_text
    play_ticks(dash, 1)
    assert dash.fig.slow_draws == draws + 2
    dash.step()                                           # Step always redraws it
    dash.step()
    assert dash.fig.slow_draws == draws + 4
    dash.reset()                                          # so does a restart
    assert dash.fig.slow_draws == draws + 5


def test_top_every_one_redraws_every_frame():
    d = make(top_every=1)
    draws = d.fig.slow_draws
    play_ticks(d, 3)
    assert d.fig.slow_draws == draws + 3


def test_a_frame_uses_one_blas_thread(dash, monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    seen = []
    heat_map = dash.run.heat_map

    def spy():
        seen.extend(i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas")
        return heat_map()

    monkeypatch.setattr(dash.run, "heat_map", spy)
    dash.step()
    assert seen and set(seen) == {1}


def test_block_means_keep_a_bounded_number_of_points():
    from gan_core.dashboard.figure import BlockMeans

    bm = BlockMeans(2, max_points=8)
    rows = np.column_stack([np.arange(1.0, 101.0), np.arange(1.0, 101.0) ** 2])
    for k, row in enumerate(rows, 1):
        bm.add(row)
        t = bm.table()
        assert 1 <= len(t) <= 9 and t[-1, 0] <= k
        # every block is a mean of consecutive frames, so the weighted sum is the sum of the frames
        weights = np.full(len(t), float(bm.block))
        if k % bm.block:
            weights[-1] = k % bm.block
        assert np.allclose(weights @ t, rows[:k].sum(axis=0))
    assert bm.block == 16 and len(bm.table()) == 7          # 6 blocks of 16 frames, then 4 frames
    assert np.isclose(bm.table()[0, 0], np.mean(np.arange(1, 17)))
    bm.clear()
    assert len(bm.table()) == 0 and bm.frames == 0
    with pytest.raises(ValueError):
        BlockMeans(2, max_points=7)


def test_long_runs_draw_at_most_max_points_a_line(dash):
    from gan_core.dashboard.figure import MAX_POINTS

    for _ in range(1200):                                 # 1,200 frames of one iteration, not drawn
        dash.run.train_frame(1)
    dash.step()
    block = dash.fig._series.block
    assert dash.fig._series.frames == 1201 and block == 8
    for line in dash.fig._fast:
        assert MAX_POINTS // 2 <= len(line.get_xdata()) <= MAX_POINTS + 1
    x = dash.fig._fast[0].get_xdata()
    assert dash.trainer.iteration - CHUNK * block <= x[-1] <= dash.trainer.iteration
    assert x[0] == pytest.approx(np.mean(dash.run.series["it"][:block]))
    dash.reset()                                          # a new run draws from its own frames
    dash.step()
    assert len(dash.fig._fast[0].get_xdata()) == 1


@pytest.mark.parametrize("dpi", [40, 80])
def test_outgrowing_the_iteration_axes_redraws_only_their_labels(dpi):
    d = make(dpi=dpi)
    d.step()
    fig = d.fig
    full_draws = fig.background_draws

    def background():
        fig.canvas.restore_region(fig._background)
        return np.asarray(fig.canvas.buffer_rgba()).copy()

    for x in (5000.0, 20000.0, 100000.0):
        limits = dict(fig.limits, x=x)
        fig._draw_background(limits)
        partial = background()
        fig.limits = None
        fig._draw_background(limits)                    # the same limits drawn from scratch
        assert np.array_equal(partial, background()), x
    assert fig.axis_redraws == 3 and fig.background_draws == full_draws + 3
    fig.limits = dict(fig.limits, loss=(0.0, 0.5))       # the losses outgrow their axis: a full redraw
    d.step()
    assert fig.background_draws == full_draws + 4 and fig.axis_redraws == 3


def test_in_a_kernel_a_tick_trains_just_after_its_message(dash):
    import asyncio

    play = dash.controls["play"]
    assert play.interval == 80                            # at full speed a tick asks for two frames

    async def ticks():
        play.playing = True
        play.value += 1
        play.value += 1                                   # a second tick before the frames: merged
        assert dash.trainer.iteration == 0                # the handler returned before training
        await asyncio.sleep(0.4)
        assert dash.trainer.iteration == 2 * CHUNK        # two frames, then it waits for a tick
        play.value += 1
        play.playing = False                              # paused before the frame ran: no frame
        await asyncio.sleep(0.2)
        assert dash.trainer.iteration == 2 * CHUNK
        dash.controls["speed"].value = "slow motion"      # one frame a tick
        play.playing = True
        play.value += 1
        await asyncio.sleep(0.4)
        assert dash.trainer.iteration == 3 * CHUNK

    asyncio.run(ticks())


def test_rates_count_from_the_frames_after_a_pause(dash, monkeypatch):
    import gan_core.dashboard.app as app

    now = [100.0]
    monkeypatch.setattr(app.time, "perf_counter", lambda: now[0])
    for _ in range(3):
        now[0] += 0.05
        dash.step()
    assert dash.frames_per_second == pytest.approx(20.0)
    now[0] += 30.0                                        # a pause
    for _ in range(3):
        now[0] += 0.1
        dash.step()
    assert dash.frames_per_second == pytest.approx(10.0)
    assert dash.iterations_per_second == pytest.approx(10.0 * CHUNK)


# ------------------------------------------------------------------ skipping ahead from a cell
def test_advance_trains_like_that_many_steps_but_draws_once():
    stepped, skipped = make(), make()
    for _ in range(7):
        stepped.step()
    renders = []
    render = skipped.fig.render
    skipped.fig.render = lambda view: renders.append(1) or render(view)
    assert skipped.advance(7) is True
    assert len(renders) == 1
    assert skipped.trainer.iteration == stepped.trainer.iteration == 7 * CHUNK
    assert np.array_equal(skipped.trainer.G.theta, stepped.trainer.G.theta)
    assert np.array_equal(skipped.trainer.D.theta, stepped.trainer.D.theta)
    assert skipped.frame_count == stepped.frame_count == 7
    for key, values in stepped.run.series.items():     # the curves and the quality points (every 3rd frame)
        assert np.array_equal(np.asarray(skipped.run.series[key], float), np.asarray(values, float)), key
    first = skipped.readout_text.split("\n")[0]           # the same words, but no frame rate yet
    assert first.endswith("frame 7") and stepped.readout_text.startswith(first)


def test_advance_stops_and_draws_where_training_stops():
    d = make(ITER_NUM=100)                 # the run's length comes after 3 frames of 40
    assert d.advance(10) is False
    assert d.trainer.iteration == 100 and d.frame_count == 3
    assert "ITER_NUM" in d.status_text


@pytest.mark.parametrize("bad", [0, -1, 2.5, "3", 10**6])
def test_advance_refuses_a_frame_count_outside_its_range(dash, bad):
    with pytest.raises(ValueError, match=r"^frames must be an integer in \[1, 100000\]"):
        dash.advance(bad)
    assert dash.frame_count == 0
