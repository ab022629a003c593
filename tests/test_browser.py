"""The live dashboard in a real browser: Voila and JupyterLab, driven by Playwright.

Each test serves a notebook, opens it in headless Chromium and does what a
reader does: press Play and watch ``iteration N`` climb and the picture change,
press an arrow key on the ``step_size_G`` slider and watch the readout and the
training follow, pause. A screenshot of the dashboard goes into the test's
``tmp_path``. Timings are not asserted here (``bench/bench_dashboard.py``
measures them); every wait has a generous time-out.

Without Chromium (``/usr/bin/chromium``) these tests are skipped with a reason;
with ``CI`` set they fail instead (see ``tests/browser_helpers.py``).
"""
import re
import time
from pathlib import Path

import pytest

import browser_helpers as bh

pytestmark = pytest.mark.browser

APP = "apps/dashboard.ipynb"
CHAPTER = "notebooks/04_training.ipynb"
NEXT_G = re.compile(r"next step: step_size_G ([0-9.e+-]+)")
LAST_G = re.compile(r"last frame: step_size_G ([0-9.e+-]+)")
FRAME = re.compile(r"frame (\d+)")
RATE = re.compile(r"([0-9.]+) frames/s, ([0-9]+) iterations/s")


ALL_CELLS_RUN = """() => {
    const w = window.jupyterapp.shell.currentWidget;
    const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    if (!k || k.status !== 'idle') return false;
    const cells = w.content.widgets.filter(c => c.model.type === 'code');
    return cells.length > 0 && cells.every(c => c.model.executionCount !== null);
}"""


def has_dashboard(notebook):
    """True if ``notebook`` has a code cell that builds the dashboard."""
    import nbformat

    path = bh.ROOT / notebook
    if not path.exists():
        return False
    nb = nbformat.read(path, as_version=4)
    return any(c.cell_type == "code" and "from gan_core.dashboard import Dashboard" in c.source for c in nb.cells)


def _number(pattern, text):
    m = pattern.search(text)
    return float(m.group(1)) if m else None


def wait_for_dashboard(page, timeout):
    dash = page.locator(".gan-dashboard").first
    dash.locator(".gan-readout").wait_for(state="visible", timeout=timeout * 1000)
    dash.scroll_into_view_if_needed()
    return dash


#: Frames Play must train before the test goes on: a Play that stalls after a few frames (as it
#: did in JupyterLab, where widget messages reach the kernel on a subshell thread) fails here.
CLIMB_FRAMES = 20


def watch_console(page):
    """Collect the page's console errors and warnings (for failure messages)."""
    lines = []
    page.on("console", lambda m: lines.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    return lines


def exercise(page, dash, shot, console=()):
    """Play, watch it train, press a key on step_size_G, watch it follow, pause. Returns figures seen."""
    def context():
        return (f"readout: {bh.readout(dash)!r}\nstatus: {bh.status(dash)!r}\n"
                f"console (last 10): {list(console)[-10:]}")

    text = bh.readout(dash)
    assert text.startswith("iteration "), text
    labels = dash.locator(".widget-slider label.widget-label").all_inner_texts()
    for name in bh.SLIDERS:
        assert name in labels, f"no slider described {name!r}: {labels}"
    it0 = bh.iteration(dash)
    img = dash.locator("img").last
    src0, pixels0 = img.get_attribute("src"), img.screenshot()

    # Play: iteration N climbs, frame after frame (CLIMB_FRAMES of them), and the picture changes.
    play = dash.locator(".widget-play button").first
    play.click()
    t0 = time.monotonic()
    frame0 = int(_number(FRAME, bh.readout(dash)) or 0)
    seen = [it0]

    def climbed(frames):
        frame, it = _number(FRAME, bh.readout(dash)) or 0, bh.iteration(dash)
        if it and it > seen[-1]:
            seen.append(it)
        return frame >= frame0 + frames and bool(it) and it > it0

    bh.poll(lambda: climbed(3), timeout=30, what="three frames of training after Play", context=context)
    bh.poll(lambda: climbed(CLIMB_FRAMES), timeout=60, what=f"{CLIMB_FRAMES} frames of training after Play",
            context=context)
    assert seen == sorted(seen) and len(seen) >= 3, seen     # it climbed, and never went back
    bh.poll(lambda: img.get_attribute("src") != src0, timeout=10, what="a new picture")
    assert img.screenshot() != pixels0, "the samples picture did not change"
    frames_per_s = ((_number(FRAME, bh.readout(dash)) or 0) - frame0) / (time.monotonic() - t0)
    rate = bh.poll(lambda: RATE.search(bh.readout(dash)), timeout=10, what="the frame rate in the readout")
    readout_rate = (float(rate.group(1)), int(rate.group(2)))
    assert readout_rate[0] > 0 and readout_rate[1] > 0

    # A key on step_size_G: the readout shows the new value, the next frames use it.
    g_before = _number(NEXT_G, bh.readout(dash))
    handle = bh.slider(dash, "step_size_G").locator(".noUi-handle")
    handle.press("ArrowRight")
    t_key = time.monotonic()
    g_after = bh.poll(lambda: (lambda g: g if g and g != g_before else None)(_number(NEXT_G, bh.readout(dash))),
                      timeout=10, what="the readout to show the new step_size_G", context=context)
    latency = time.monotonic() - t_key
    assert g_after > g_before * 1.5, (g_before, g_after)       # an arrow key moves half a decade up
    slider_shows = float(bh.slider_value(dash, "step_size_G"))
    assert abs(slider_shows - g_after) <= 0.01 * g_after, (slider_shows, g_after)
    it_key, frame_key = bh.iteration(dash), _number(FRAME, bh.readout(dash))
    bh.poll(lambda: (_number(LAST_G, bh.readout(dash)) == g_after and bh.iteration(dash) > it_key),
            timeout=20, what="a frame trained with the new step_size_G", context=context)
    # ... and Play goes on training after the key (a stall after a slider's message fails here)
    bh.poll(lambda: (_number(FRAME, bh.readout(dash)) or 0) >= frame_key + CLIMB_FRAMES // 2, timeout=30,
            what=f"{CLIMB_FRAMES // 2} more frames after the key", context=context)

    dash.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000

    # Pause: training stops.
    play.click()
    time.sleep(0.5)
    stopped = bh.poll(lambda: (lambda a: a if (time.sleep(0.4) or bh.iteration(dash) == a) else None)(
        bh.iteration(dash)), timeout=10, what="training to stop after Pause")
    time.sleep(0.5)
    assert bh.iteration(dash) == stopped
    return {"frames_per_s": frames_per_s, "readout_frames_iterations_per_s": readout_rate,
            "key_to_readout_s": latency}


@pytest.mark.parametrize("notebook", [APP, CHAPTER], ids=["app", "04_training"])
def test_dashboard_in_voila(notebook, tmp_path):
    bh.require_browser()
    if not has_dashboard(notebook):
        pytest.skip(f"{notebook} has no dashboard cell yet")
    with bh.voila_server(notebook) as url, bh.chromium_page() as page:
        console = watch_console(page)
        page.goto(url, timeout=180_000)      # Voila runs the notebook before it answers
        dash = wait_for_dashboard(page, timeout=60)
        figures = exercise(page, dash, tmp_path / f"voila-{Path(notebook).stem}.png", console)
    print(f"voila {notebook}: {figures}")


def test_dashboard_in_jupyterlab(tmp_path):
    bh.require_browser()
    notebook = CHAPTER if has_dashboard(CHAPTER) else APP
    with bh.lab_server(notebook) as (url, copy), bh.chromium_page() as page:
        console = watch_console(page)
        page.goto(url)
        page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook')", timeout=60_000)
        page.wait_for_function(
            """() => { const w = window.jupyterapp.shell.currentWidget;
                       const k = w && w.sessionContext && w.sessionContext.session &&
                                 w.sessionContext.session.kernel;
                       return k && k.status === 'idle'; }""", timeout=60_000)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        # Wait for the whole notebook: the cells after the dashboard drive it too.
        page.wait_for_function(ALL_CELLS_RUN, timeout=180_000, polling=250)
        dash = wait_for_dashboard(page, timeout=30)
        figures = exercise(page, dash, tmp_path / f"lab-{Path(notebook).stem}.png", console)
    print(f"jupyterlab {notebook}: {figures}")


# ------------------------------------------------------- the app's own features, in Voila
@pytest.fixture(scope="module")
def app_url():
    bh.require_browser()
    with bh.voila_server(APP) as url:
        yield url


def open_app(page, url, query=""):
    page.goto(url + query, timeout=180_000)
    return wait_for_dashboard(page, timeout=60)


def test_link_presets_hides_and_locks(app_url, tmp_path):
    query = "?recipe=book&seed=3&step_size_D=0.05&hide=WEIGHT_CLIP,GRADIENT_CLIP&lock=seed&errata=D_ascends"
    with bh.chromium_page() as page:
        dash = open_app(page, app_url, query)
        text = bh.readout(dash)
        assert "step_size_D 0.05" in text and "chapter's errors on: D_ascends" in text, text
        visible = [t for t in dash.locator(".widget-slider label.widget-label").all_inner_texts() if t]
        shown = [lab for lab, el in zip(visible, dash.locator(".widget-slider").all()) if el.is_visible()]
        assert "step_size_D" in shown and "WEIGHT_CLIP" not in shown and "GRADIENT_CLIP" not in shown, shown
        seed_box = dash.locator(".widget-text", has=page.locator("label", has_text=re.compile("^seed$")))
        assert seed_box.locator("input").is_disabled()
        share = dash.locator(".widget-text", has=page.locator("label", has_text=re.compile("^share$")))
        link = share.locator("input").input_value()
        assert "seed=3" in link and "step_size_D=0.05" in link and "hide=WEIGHT_CLIP,GRADIENT_CLIP" in link
        assert "errata=D_ascends" in link
        dash.screenshot(path=str(tmp_path / "link.png"))


def test_bad_link_is_refused_visibly(app_url):
    with bh.chromium_page() as page:
        dash = open_app(page, app_url, "?step_size_D=abc&seed=-1&recipe=nope")
        status = dash.locator(".gan-status-error")
        status.wait_for(state="visible", timeout=30_000)
        message = status.inner_text()
        for word in ("step_size_D", "seed", "recipe", "default is kept"):
            assert word in message, message
        assert "step_size_D 0.01" in bh.readout(dash)
        assert "Traceback" not in page.content()


def test_learn_errata_switch_and_the_readout_after_reset(app_url):
    with bh.chromium_page() as page:
        dash = open_app(page, app_url, "?chunk=200")
        step = dash.locator("button", has_text="Step")
        # learn: D only freezes G; the readout says so after the next frame
        dash.locator(".widget-toggle-buttons button", has_text="D only").click()
        bh.poll(lambda: "learn D only" in bh.readout(dash), timeout=15, what="learn D only in the readout")
        it = bh.iteration(dash)
        step.click()
        bh.poll(lambda: bh.iteration(dash) == it + 200 and "step_size_G frozen" in bh.readout(dash), timeout=20,
                what="a frame with G frozen")
        # an erratum switch: the next step uses it
        dash.locator(".widget-checkbox", has_text="D_ascends").locator("input").check()
        bh.poll(lambda: "chapter's errors on: D_ascends" in bh.readout(dash), timeout=15,
                what="D_ascends in the readout")
        assert "errata=D_ascends" in dash.locator(".widget-text input").last.input_value()
        step.click()
        bh.poll(lambda: bh.iteration(dash) == it + 400, timeout=20, what="a frame with D_ascends")
        # Reset: the readout shows the new run at once
        dash.locator("button", has_text="Reset").click()
        bh.poll(lambda: bh.iteration(dash) == 0, timeout=20, what="iteration 0 after Reset")
        text = bh.readout(dash)
        assert "last frame: none yet" in text and "chapter's errors on: none" in text, text
        assert "reset to the 'book' preset" in dash.locator(".gan-status").inner_text()
        assert not dash.locator(".widget-checkbox", has_text="D_ascends").locator("input").is_checked()


def test_chapter_preset_swaps_d_real_and_d_fake(app_url):
    with bh.chromium_page() as page:
        dash = open_app(page, app_url, "?recipe=chapter&chunk=1000")
        assert "chapter's errors on: dReLU, dTanh, dSigmoid, D_ascends, G_gets_loss_value" in bh.readout(dash)
        m = re.search(r"D\(real\) ([0-9.]+) · D\(fake\) ([0-9.]+)", bh.readout(dash))
        assert m and float(m.group(1)) < float(m.group(2)), bh.readout(dash)
