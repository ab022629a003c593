"""How fast is the live dashboard? Frames per second and slider-to-screen latency.

Run from the repository root:
python bench/bench_dashboard.py [--python-only | --browser-only] [--seconds S] [--query "?chunk=100"]

1. In Python: the dashboard driven as the browser drives it (a Play tick raises
   the Play widget's value), book and recommended recipes at the default frame
   size: frames per second, milliseconds per frame for training (with the
   quality measure), the view (samples, sine fit, D's scores, heat map) and
   drawing; the same late in a book run (frame 500, when the series are long);
   how long a slider change takes to reach the trainer.
2. In the browser (if /usr/bin/chromium and playwright are there): Voila serves
   ``apps/dashboard.ipynb`` (with ``--query`` as its address's query string);
   Play runs for S seconds while we count how far ``iteration N`` climbs and how
   many pictures the page shows (a MutationObserver counts the image's ``src``
   changes), and how much CPU the kernel, the Voila server and Chromium used per
   picture (psutil; "other" is every other process, e.g. someone else's tests on
   a shared machine); then arrow keys on ``step_size_G``, timed in the page from
   the keydown to (a) the readout showing the new value and (b) the first frame
   trained with it on screen, paused and while playing.
"""
import argparse
import os
import re
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, os.pardir)
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))


def play_frames(dash, frames):
    """``frames`` Play ticks, as the browser sends them; returns the wall time in seconds."""
    play = dash.controls["play"]
    play.playing = True
    t = time.perf_counter()
    for _ in range(frames):
        play.value += 1
    wall = time.perf_counter() - t
    play.playing = False
    return wall


def python_figures(recipe, frames=60, late=0):
    from gan_core.dashboard import Dashboard

    t = time.perf_counter()
    dash = Dashboard(recipe=recipe)
    built = time.perf_counter() - t
    chunk = dash.chunk
    dash.step()                                   # warm up
    for _ in range(late):                         # fast forward: train (and record) without drawing
        dash.run.train_frame(chunk)
    for v in dash.timings.values():
        v.clear()
    wall = play_frames(dash, frames)
    tm = dash.timings
    at = f"from frame {dash.frame_count - frames}" if late else f"built in {built:.2f} s"
    print(f"  {recipe:<12} chunk {chunk}: {frames / wall:5.1f} frames/s, {frames * chunk / wall:7.0f} "
          f"iterations/s ({at})")
    print(f"      per frame, median ms: train (with quality every {dash.run.quality_every} frames) "
          f"{np.median(tm['train_ms']):.1f}, view (samples, sine fit, D's scores and heat map; every "
          f"{dash.top_every} frames) {np.mean(tm['view_ms']):.1f} on average, draw + JPEG "
          f"{np.median(tm['draw_ms']):.1f}, whole frame {np.median(tm['frame_ms']):.1f} (mean "
          f"{np.mean(tm['frame_ms']):.1f}, max {np.max(tm['frame_ms']):.1f}); background redraws "
          f"{dash.fig.background_draws}, iteration-axis redraws {dash.fig.axis_redraws}; JPEG {len(dash.image.value) / 1024:.0f} KiB")
    if late:
        return
    lat = []
    for k in range(20):
        t = time.perf_counter()
        dash.controls["step_size_G"].value = 0.01 * (1.5 if k % 2 else 1 / 1.5) * (1 + k * 1e-3)
        lat.append(time.perf_counter() - t)
    print(f"      slider -> trainer.set + readout in the kernel: median {1e3 * statistics.median(lat):.2f} ms")


def cpu_times():
    """CPU seconds (user + system) used so far by this benchmark's own processes (psutil): the
    kernel, the Voila server, Chromium, and "other" (every other process on the machine we can
    see, e.g. someone else's tests); {} without psutil."""
    try:
        import psutil
    except ImportError:
        return {}
    mine = {p.pid for p in psutil.Process().children(recursive=True)}
    out = {}
    for p in psutil.process_iter(["cmdline", "cpu_times"]):
        try:
            cmd = " ".join(p.info["cmdline"] or ())
            t = p.info["cpu_times"]
        except (psutil.Error, TypeError):
            continue
        if t is None or p.pid == os.getpid():
            continue
        kind = "other" if p.pid not in mine else (
            "kernel" if "ipykernel" in cmd else "voila" if "voila" in cmd else "chromium" if "chrom" in cmd
            else "other")
        out[kind] = out.get(kind, 0.0) + t.user + t.system
    return out


# The readout's HTML is replaced at every update, so watch (and read) its widget's box.
_INSTALL = """([img, readout, handle]) => {
    const box = readout.closest('.widget-html') || readout.parentElement.parentElement;
    window.__frames = 0;
    new MutationObserver(() => { window.__frames += 1; })
        .observe(img, {attributes: true, attributeFilter: ['src']});
    window.__lat = null;
    handle.addEventListener('keydown', () => {
        const m = /next step: step_size_G ([0-9.e+-]+)/.exec(box.innerText);
        window.__lat = {key: performance.now(), before: m ? m[1] : null, readout: null, frame: null};
    }, true);
    new MutationObserver(() => {
        const L = window.__lat;
        if (!L) return;
        const t = box.innerText, now = performance.now();
        const next = /next step: step_size_G ([0-9.e+-]+)/.exec(t);
        const last = /last frame: step_size_G ([0-9.e+-]+)/.exec(t);
        if (L.readout === null && next && next[1] !== L.before) { L.readout = now; L.value = next[1]; }
        if (L.readout !== null && L.frame === null && last && last[1] === L.value) { L.frame = now; }
    }).observe(box, {subtree: true, childList: true, characterData: true});
}"""


def browser_figures(seconds, query=""):
    import browser_helpers as bh

    if not os.path.exists(bh.CHROMIUM):
        print(f"  skipped: no Chromium at {bh.CHROMIUM}")
        return
    with bh.voila_server("apps/dashboard.ipynb") as url, bh.chromium_page() as page:
        t = time.perf_counter()
        page.goto(url + query, timeout=120_000)
        dash = page.locator(".gan-dashboard").first
        dash.locator(".gan-readout").wait_for(state="visible", timeout=60_000)
        print(f"  Voila page with a live dashboard in {time.perf_counter() - t:.1f} s")
        img = dash.locator("img").last
        readout = dash.locator(".gan-readout")
        handle = bh.slider(dash, "step_size_G").locator(".noUi-handle")
        page.evaluate(_INSTALL, [img.element_handle(), readout.element_handle(), handle.element_handle()])

        def key_latency(key, playing):
            page.evaluate("() => { window.__lat = null; }")
            handle.press(key)
            page.wait_for_function("() => window.__lat && window.__lat.frame !== null" if playing else
                                   "() => window.__lat && window.__lat.readout !== null", timeout=20_000)
            lat = page.evaluate("() => window.__lat")
            return lat["readout"] - lat["key"], (lat["frame"] - lat["key"]) if lat["frame"] else None

        paused = [key_latency(k, False)[0] for k in ["ArrowRight", "ArrowLeft"] * 4]
        print(f"  key on step_size_G -> readout shows the new value, paused: median {statistics.median(paused):.0f} "
              f"ms, max {max(paused):.0f} ms")

        play = dash.locator(".widget-play button").first
        it0, frames0 = bh.iteration(dash), page.evaluate("() => window.__frames")
        cpu0 = cpu_times()
        play.click()
        t = time.perf_counter()
        time.sleep(seconds)
        it1, frames1 = bh.iteration(dash), page.evaluate("() => window.__frames")
        wall = time.perf_counter() - t
        cpu1 = cpu_times()
        kernel = re.search(r"frame \d+ · .*", bh.readout(dash).splitlines()[0])
        print(f"  Play for {wall:.1f} s: iteration {it0} -> {it1} ({(it1 - it0) / wall:.0f} iterations/s), "
              f"{frames1 - frames0} pictures shown = {(frames1 - frames0) / wall:.1f} frames/s")
        print(f"      the kernel's own count over its last 40 frames: {kernel.group(0) if kernel else '?'}")
        if cpu0 and frames1 > frames0:
            print("      CPU time per picture shown, ms: " + ", ".join(
                f"{k} {1e3 * (cpu1.get(k, 0.0) - cpu0.get(k, 0.0)) / (frames1 - frames0):.1f}"
                for k in ("kernel", "voila", "chromium", "other")))

        playing = [key_latency(k, True) for k in ["ArrowRight", "ArrowLeft"] * 4]
        r = [a for a, _ in playing]
        f = [b for _, b in playing if b is not None]
        print(f"  while playing, key on step_size_G -> readout: median {statistics.median(r):.0f} ms, max "
              f"{max(r):.0f} ms; -> first frame trained with it on screen: median {statistics.median(f):.0f} ms, "
              f"max {max(f):.0f} ms")
        play.click()
        print(f"  load average at the end: {os.getloadavg()[0]:.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--python-only", action="store_true")
    ap.add_argument("--seconds", type=float, default=8.0, help="how long Play runs in the browser")
    ap.add_argument("--browser-only", action="store_true")
    ap.add_argument("--query", default="", help="the app's query string in the browser, e.g. ?chunk=100")
    args = ap.parse_args()
    print(f"dashboard speed ({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start)")
    if not args.browser_only:
        print("in Python (Play ticks, no browser):")
        python_figures("book")
        python_figures("book", late=500)
        python_figures("recommended", frames=20)
    if not args.python_only:
        print(f"in the browser (Voila + headless Chromium){' with ' + args.query if args.query else ''}:")
        browser_figures(args.seconds, args.query)


if __name__ == "__main__":
    main()
