"""How fast is the live dashboard? Frames per second and slider-to-screen latency.

Run from the repository root:  python bench/bench_dashboard.py [--python-only] [--seconds S]

1. In Python: the dashboard driven directly (``dash.step()``), book and
   recommended recipes: milliseconds per frame for training, quality and
   drawing, frames per second, and how long a slider change takes to reach the
   trainer.
2. In the browser (if /usr/bin/chromium and playwright are there): Voila serves
   ``apps/dashboard.ipynb``; Play runs for S seconds while we count how far
   ``iteration N`` climbs and how many pictures the page shows (a
   MutationObserver counts the image's ``src`` changes); then arrow keys on
   ``step_size_G``, timed in the page from the keydown to (a) the readout showing
   the new value and (b) the first frame trained with it on screen, paused and
   while playing.
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


def python_figures(recipe, frames=40, chunk=300):
    from gan_core.dashboard import Dashboard

    t = time.perf_counter()
    dash = Dashboard(recipe=recipe, chunk=chunk)
    built = time.perf_counter() - t
    dash.step()                                   # warm up
    for v in dash.timings.values():
        v.clear()
    t = time.perf_counter()
    for _ in range(frames):
        dash.step()
    wall = time.perf_counter() - t
    tm = dash.timings
    print(f"  {recipe:<12} chunk {chunk}: {frames / wall:5.1f} frames/s, {frames * chunk / wall:7.0f} iterations/s "
          f"(built in {built:.2f} s)")
    print(f"      per frame, median ms: train (with quality every {dash.run.quality_every} frames) "
          f"{np.median(tm['train_ms']):.1f}, view (samples, sine fit, D's scores and heat map) "
          f"{np.median(tm['view_ms']):.1f}, draw + JPEG {np.median(tm['draw_ms']):.1f}, whole frame "
          f"{np.median(tm['frame_ms']):.1f} (max {np.max(tm['frame_ms']):.1f}); background redraws "
          f"{dash.fig.background_draws}; JPEG {len(dash.image.value) / 1024:.0f} KiB")
    lat = []
    for k in range(20):
        t = time.perf_counter()
        dash.controls["step_size_G"].value = 0.01 * (1.5 if k % 2 else 1 / 1.5) * (1 + k * 1e-3)
        lat.append(time.perf_counter() - t)
    print(f"      slider -> trainer.set + readout in the kernel: median {1e3 * statistics.median(lat):.2f} ms")


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


def browser_figures(seconds):
    import browser_helpers as bh

    if not os.path.exists(bh.CHROMIUM):
        print(f"  skipped: no Chromium at {bh.CHROMIUM}")
        return
    with bh.voila_server("apps/dashboard.ipynb") as url, bh.chromium_page() as page:
        t = time.perf_counter()
        page.goto(url, timeout=120_000)
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
        play.click()
        t = time.perf_counter()
        time.sleep(seconds)
        it1, frames1 = bh.iteration(dash), page.evaluate("() => window.__frames")
        wall = time.perf_counter() - t
        kernel = re.search(r"frame \d+ · .*", bh.readout(dash).splitlines()[0])
        print(f"  Play for {wall:.1f} s: iteration {it0} -> {it1} ({(it1 - it0) / wall:.0f} iterations/s), "
              f"{frames1 - frames0} pictures shown = {(frames1 - frames0) / wall:.1f} frames/s")
        print(f"      the kernel's own count over its last 10 frames: {kernel.group(0) if kernel else '?'}")

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
    args = ap.parse_args()
    print(f"dashboard speed ({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start)")
    print("in Python (dash.step(), no browser):")
    python_figures("book")
    python_figures("recommended", frames=20)
    if not args.python_only:
        print("in the browser (Voila + headless Chromium):")
        browser_figures(args.seconds)


if __name__ == "__main__":
    main()
