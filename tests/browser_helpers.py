"""Helpers for the real-browser tests: servers (Voila, JupyterLab) and Chromium.

Playwright's Python package drives Debian's ``/usr/bin/chromium`` (never
``playwright install``, which downloads a browser). Without Chromium the
browser tests are skipped with a reason, unless the ``CI`` environment
variable is set: then they fail, so CI cannot pass without running them.

Servers are started with ``subprocess.Popen`` on a free port from the
virtualenv next to ``sys.executable`` (so the kernel imports ``gan_core``),
polled until they answer, and always terminated (their process group)
when the fixture ends.
"""
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("GAN_BROWSER", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
SLIDERS = ("step_size_G", "step_size_D", "GRADIENT_CLIP", "WEIGHT_CLIP")
ITERATION_RE = re.compile(r"iteration (\d+)")


def require_browser():
    """Skip (or fail under CI) when Chromium or Playwright is missing."""
    problems = []
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        problems.append(f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the playwright Python package is not installed (pip install -e '.[test]')")
    if problems:
        reason = "browser tests need a browser: " + "; ".join(problems)
        if os.environ.get("CI"):
            pytest.fail(reason + " -- CI is set, so this is an error, not a skip", pytrace=False)
        pytest.skip(reason)


def free_port():
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, proc, timeout=60.0, log=None):
    """Poll ``url`` until it answers (any HTTP status below 500), or fail with the server's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status < 500:
                    return
        except urllib.error.HTTPError as e:
            if e.code < 500:
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    text = Path(log).read_text(errors="replace")[-3000:] if log else ""
    raise RuntimeError(f"server at {url} did not come up (exit code {proc.poll()}):\n{text}")


def stop(proc):
    """Terminate a server we started (its own process group), then kill it if it lingers."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def _server_env(tmp):
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    env["MPLBACKEND"] = "Agg"
    # Jupyter state (runtime files, kernel connection files) in a throwaway folder.
    env["JUPYTER_RUNTIME_DIR"] = str(Path(tmp) / "runtime")
    env["JUPYTER_DATA_DIR"] = env.get("JUPYTER_DATA_DIR", str(Path(tmp) / "data"))
    env["IPYTHONDIR"] = str(Path(tmp) / "ipython")
    settings = Path(tmp) / "lab-settings"
    notif = settings / "@jupyterlab" / "apputils-extension"
    notif.mkdir(parents=True, exist_ok=True)
    (notif / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    # Render every cell (no virtual scrolling), so the dashboard's elements exist wherever it sits.
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True, exist_ok=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(Path(tmp) / "lab-workspaces")
    return env


@contextlib.contextmanager
def voila_server(notebook, timeout=90.0):
    """Serve ``notebook`` (a path relative to the repository) with Voila; yields the page URL."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="gan-voila-") as tmp:
        log = Path(tmp) / "voila.log"
        cmd = [str(BIN / "voila"), str(notebook), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
               "--VoilaConfiguration.file_allowlist=['.*']", "--show_tracebacks=True"]
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=_server_env(tmp), stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}/"
            # GET / makes Voila run the notebook in a new kernel, so poll a cheap
            # URL instead: Voila answers 404 on /api/status once it is up.
            wait_http(url + "api/status", proc, timeout=timeout, log=log)
            yield url
        finally:
            stop(proc)


@contextlib.contextmanager
def lab_server(notebook, timeout=90.0):
    """Serve a temporary copy of ``notebook`` with JupyterLab; yields (lab URL of the notebook, copy path)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="gan-lab-") as tmp:
        root = Path(tmp) / "root"
        root.mkdir()
        copy = root / Path(notebook).name
        shutil.copy(ROOT / notebook, copy)
        log = Path(tmp) / "lab.log"
        cmd = [str(BIN / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.root_dir={root}", "--IdentityProvider.token=", "--ServerApp.password=",
               "--ServerApp.open_browser=False", "--expose-app-in-browser",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--ServerApp.disable_check_xsrf=False"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        env = _server_env(tmp)
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}/"
            wait_http(base + "api/status", proc, timeout=timeout, log=log)
            yield base + "lab/tree/" + copy.name, copy
        finally:
            stop(proc)


@contextlib.contextmanager
def chromium_page(width=1400, height=1100):
    """A fresh headless Chromium (temporary profile) and one page."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="gan-chromium-") as profile, sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height})
        try:
            page = ctx.pages[0] if ctx.pages else ctx.new_page()
            page.set_default_timeout(30_000)
            yield page
        finally:
            ctx.close()


# --------------------------------------------------------------- page helpers
def dashboard(page, index=-1):
    """The dashboard's root element (the last one on the page by default)."""
    return page.locator(".gan-dashboard").nth(index)


def readout(dash):
    return dash.locator(".gan-readout").inner_text()


def iteration(dash):
    m = ITERATION_RE.search(readout(dash))
    return int(m.group(1)) if m else None


def image_src(dash):
    return dash.locator("img").last.get_attribute("src")


def slider(dash, name):
    """The slider whose description is exactly ``name``."""
    return dash.locator(".widget-slider").filter(has=dash.page.locator("label", has_text=re.compile(f"^{name}$")))


def slider_value(dash, name):
    return slider(dash, name).locator(".widget-readout").inner_text().strip()


def status(dash):
    """The dashboard's status line (the last change, or why something was refused or failed)."""
    return dash.locator(".gan-status").inner_text()


def poll(fn, timeout=20.0, interval=0.05, what="condition", context=None):
    """Call ``fn`` until it returns a truthy value; return it, or fail after ``timeout`` seconds.

    ``context``: a function whose text goes into the failure message (e.g. the page's readout)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(interval)
    extra = ""
    if context is not None:
        try:
            extra = "\n" + context()
        except Exception as e:           # the page may be gone; the time-out is the news
            extra = f"\n(no context: {type(e).__name__}: {e})"
    raise AssertionError(f"timed out after {timeout} s waiting for {what} (last value {last!r}){extra}")
