"""The book as a website (``make html``): built once, served on 127.0.0.1, read in Chromium.

The site is built once per session (``docs/build_site.py``, into a temporary folder; npm's assets
and Sphinx's doctrees are cached under ``build/``) and served by ``http.server`` on a free port.
Then, as a reader would see it: the start page links every chapter; every chapter page shows its
figures (each ``img`` loaded, ``naturalWidth > 0``), has prev/next links and no link left pointing
at an ``.ipynb``; 01's math is typeset by MathJax and its saved widgets are drawn; search finds a
word; and no page requests anything from a host other than the local server. The link check of
``docs/linkcheck.py`` runs over the whole built site.

Without Sphinx/myst-nb (``pip install -e '.[site]'``, which ``make test`` does), npm or Chromium
these tests are skipped with a reason; with ``CI`` set they fail instead.
"""
import functools
import http.server
import json
import os
import re
import shutil
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import browser_helpers as bh

sys.path.insert(0, str(bh.ROOT / "docs"))
import build_site  # noqa: E402
import linkcheck  # noqa: E402

CHAPTERS = sorted((bh.ROOT / "notebooks").glob(build_site.CHAPTER_GLOB))
CDN_HOSTS = ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "unpkg.com", "googleapis.com", "gstatic.com",
             "mathjax.org", "polyfill.io")


def _unavailable(reason):
    if os.environ.get("CI"):
        pytest.fail(reason + " -- CI is set, so this is an error, not a skip", pytrace=False)
    pytest.skip(reason)


def _notebook(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _image_outputs(nb):
    return sum(1 for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
               if any(k.startswith("image/") for k in o.get("data", {})))


def _has_widget_state(nb):
    state = nb.get("metadata", {}).get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return bool(state.get("state"))


def _has_math(nb):
    md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return bool(re.search(r"\$[^$\n]+\$|\$\$", md))


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def site(tmp_path_factory):
    try:
        import myst_nb  # noqa: F401
        import sphinx  # noqa: F401
        import sphinx_book_theme  # noqa: F401
    except ImportError as e:
        _unavailable(f"the site needs Sphinx, myst-nb and sphinx-book-theme (pip install -e '.[site]'): {e}")
    if not shutil.which("npm"):
        _unavailable("the site needs npm for MathJax and the widget manager (Debian: apt-get install nodejs npm)")
    out = tmp_path_factory.mktemp("site") / "html"
    result = build_site.build(out=out, check=False)
    print(f"site built in {result['seconds']:.1f} s into {out}")
    return result


@pytest.fixture(scope="session")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site["out"]))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Reader:
    """One Chromium page that records every request and every failed one."""

    def __init__(self, page, base):
        self.page, self.base = page, base
        self.requests, self.failures = [], []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.failures.append(f"{r.url}: {r.failure}"))
        page.on("response", lambda r: self.failures.append(f"{r.url}: HTTP {r.status}") if r.status >= 400 else None)

    def open(self, path):
        self.requests.clear()
        self.failures.clear()
        self.page.goto(self.base + path, wait_until="networkidle")
        # Scroll to the end and back, in case a figure loads only when seen.
        # (Chromium's network-idle event fires once per navigation, so wait on the requests here.)
        self.page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        self.settle()
        self.page.evaluate("() => window.scrollTo(0, 0)")

    def settle(self, quiet=0.5, timeout=20.0):
        """Wait until no new request has started for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        seen = -1
        while time.monotonic() < deadline and seen != len(self.requests):
            seen = len(self.requests)
            self.page.wait_for_timeout(quiet * 1000)

    def foreign_requests(self):
        """Every request that did not go to the local server (data: URLs are not requests to a host)."""
        local = urlsplit(self.base).netloc
        bad = []
        for url in self.requests:
            url = url[len("blob:"):] if url.startswith("blob:") else url
            if url.startswith("data:"):
                continue
            parts = urlsplit(url)
            if parts.hostname != "127.0.0.1" or parts.netloc != local:
                bad.append(url)
        return bad


@pytest.fixture(scope="module")
def reader(server):
    bh.require_browser()
    with bh.chromium_page() as page:
        yield Reader(page, server)


# ---------------------------------------------------------------- without a browser
def test_link_check_finds_no_broken_link(site):
    problems, stats = linkcheck.check_site(site["out"])
    assert stats["pages"] >= len(CHAPTERS) + 2, stats
    assert stats["links"] > 100, stats
    assert not problems, "\n".join(problems[:40])


def test_link_check_catches_broken_links(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="a/b.html#there">ok</a> <a href="a/b.html#nowhere">bad anchor</a> <a href="gone.html">gone</a>'
        '<script src="https://cdn.example.org/x.js"></script> <a href="https://example.org/paper">a paper</a>'
        '<img src="data:image/png;base64,AAAA">')
    (tmp_path / "a" / "b.html").write_text('<h1 id="there">b</h1><a href="../index.html">up</a>'
                                           '<a href="./">folder</a>')
    problems, _ = linkcheck.check_site(tmp_path)
    text = "\n".join(problems)
    assert len(problems) == 4, text
    assert "nowhere" in text and "gone.html" in text and "cdn.example.org" in text
    assert "a/index.html" in text                   # a folder link needs an index.html
    assert "example.org/paper" not in text          # a plain external link is fine


def test_repository_links_of_the_start_page():
    """README links to other repository files become downloads, to folders plain text; typos stay."""
    files = {}
    text = ("[env](environment.yml) [ch](notebooks/01_math_background.ipynb) [apps](apps/) "
            "[typo](NOPE.md) [web](https://example.org) [up](README.md#quick-start)\n"
            "```\n[not a link](environment.yml)\n```\n")
    out = build_site.rewrite_repo_links(text, {"notebooks/01_math_background.ipynb"}, files)
    assert "{download}`env <repo/environment.yml>`" in out
    assert files["repo/environment.yml"] == (bh.ROOT / "environment.yml").read_bytes()
    assert "[ch](notebooks/01_math_background.ipynb)" in out
    assert "apps (the folder `apps/` of the repository)" in out
    assert "[typo](NOPE.md)" in out and "[web](https://example.org)" in out
    assert "[up](index.md#quick-start)" in out
    assert "[not a link](environment.yml)" in out      # code blocks are left alone


def test_no_page_names_a_cdn(site):
    for page in site["out"].rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        for host in CDN_HOSTS:
            assert host not in text, f"{page.relative_to(site['out'])} mentions {host}"


def test_downloads_page(site):
    out = site["out"]
    downloads = (out / "downloads.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]+)"', downloads)
    for nb in CHAPTERS:
        hit = [h for h in hrefs if h.startswith("_downloads/") and h.endswith("/" + nb.name)]
        assert hit, f"downloads.html does not offer {nb.name}"
        assert (out / hit[0]).read_bytes() == nb.read_bytes()
    assert any(h.endswith("/gan-basics-notebooks.zip") for h in hrefs)
    students = sorted((bh.ROOT / "student").glob("*.ipynb"))
    assert any(h.endswith("/gan-basics-student.zip") for h in hrefs) == bool(students)
    for nb in students:
        assert any(h.endswith("/" + nb.name) and h.startswith("_downloads/") for h in hrefs), nb.name


def test_teaching_page_only_when_present(site):
    present = (bh.ROOT / "TEACHING.md").is_file()
    assert (site["out"] / "TEACHING.html").is_file() == present
    index = (site["out"] / "index.html").read_text(encoding="utf-8")
    assert ('href="TEACHING.html"' in index) == present


# ---------------------------------------------------------------- in Chromium
@pytest.mark.browser
def test_start_page_links_every_chapter(reader):
    reader.open("index.html")
    page = reader.page
    assert "GAN Basics" in page.title()
    hrefs = {h.split("#")[0] for h in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")}
    for nb in CHAPTERS:
        assert f"{reader.base}notebooks/{nb.stem}.html" in hrefs, f"the start page does not link {nb.stem}"
    # The contents list: one line per chapter, in the article itself.
    lines = page.locator("article li:has(a[href^='notebooks/'])").all_inner_texts()
    assert len(lines) >= len(CHAPTERS), lines
    assert f"{reader.base}downloads.html" in hrefs
    assert page.locator("form[action$='search.html'], .search-button, button.search-button-field").count() > 0
    assert not reader.foreign_requests(), reader.foreign_requests()
    assert not reader.failures, reader.failures


@pytest.mark.browser
@pytest.mark.parametrize("notebook", CHAPTERS, ids=[nb.stem for nb in CHAPTERS])
def test_chapter_page(reader, notebook, tmp_path):
    nb = _notebook(notebook)
    reader.open(f"notebooks/{notebook.stem}.html")
    page = reader.page
    if _has_widget_state(nb):
        page.wait_for_selector(".jupyter-widgets", state="attached", timeout=30_000)
    if _has_math(nb):
        page.wait_for_selector("mjx-container", state="attached", timeout=30_000)
    reader.settle()

    images = bh.poll(lambda: (lambda ims: ims if all(ok for ok, _ in ims) else None)(page.evaluate(
        "() => Array.from(document.querySelectorAll('article img')).map(i => [i.complete && i.naturalWidth > 0,"
        " i.getAttribute('src').slice(0, 80)])")), timeout=20, what="every figure to load")
    assert len(images) >= _image_outputs(nb), (len(images), _image_outputs(nb))

    # prev / next links, and the notebooks' links to each other point at pages, not .ipynb files.
    assert page.locator(".prev-next-area a").count() >= 1
    stray = [h for h in page.eval_on_selector_all("article a[href]", "els => els.map(e => e.getAttribute('href'))")
             if h.split("#")[0].endswith(".ipynb") and "_downloads/" not in h]
    assert not stray, stray
    assert not reader.foreign_requests(), reader.foreign_requests()
    assert not reader.failures, reader.failures
    page.screenshot(path=str(tmp_path / f"{notebook.stem}.png"))


@pytest.mark.browser
def test_math_and_saved_widgets_of_01(reader, tmp_path):
    name = "01_math_background"
    if not (bh.ROOT / "notebooks" / f"{name}.ipynb").exists():
        pytest.skip(f"no notebooks/{name}.ipynb")
    reader.open(f"notebooks/{name}.html")
    page = reader.page
    page.wait_for_selector("mjx-container", state="attached", timeout=30_000)
    assert page.locator("mjx-container").count() >= 10
    assert page.locator("article .math").count() > 0
    # The saved sliders are drawn by the widget manager, with their saved labels and values.
    page.wait_for_selector(".widget-slider", timeout=30_000)
    sliders = page.locator(".widget-slider")
    assert sliders.count() >= 1
    labels = " ".join(page.locator(".widget-slider .widget-label").all_inner_texts())
    assert labels.strip(), "the sliders have no labels"
    assert page.locator(".jupyter-widgets").count() >= sliders.count()
    readouts = [t.strip() for t in page.locator(".widget-slider .widget-readout").all_inner_texts()]
    assert readouts and all(readouts), readouts
    sliders.first.scroll_into_view_if_needed()
    time.sleep(0.3)
    page.screenshot(path=str(tmp_path / "01-widgets.png"))
    assert not reader.foreign_requests(), reader.foreign_requests()


@pytest.mark.browser
def test_search_finds_the_discriminator(reader):
    reader.open("search.html?q=discriminator")
    page = reader.page
    page.wait_for_selector("#search-results li", timeout=30_000)
    results = page.eval_on_selector_all("#search-results li a", "els => els.map(e => e.getAttribute('href'))")
    assert any("notebooks/" in h for h in results), results
    assert not reader.foreign_requests(), reader.foreign_requests()
