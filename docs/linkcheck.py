"""Link check of the built site (no network): ``python docs/linkcheck.py [build/html]``.

Every ``href``, ``src`` and ``srcset`` of every HTML page and every ``url(...)`` of every style
sheet is parsed. Local ones are resolved against the file they are in and must name a file that
exists (a folder means its ``index.html``); a ``#fragment`` pointing into an HTML page must be an
``id`` (or ``name``) in that page. External URLs are allowed only as plain links (``<a href>``):
a page that would *load* a script, style sheet, font, image or frame from another host is a problem.
"""
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

SKIP_SCHEMES = ("data:", "mailto:", "javascript:", "tel:", "about:", "blob:")
CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)")
CSS_IMPORT = re.compile(r"@import\s+(['\"])(.*?)\1")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []        # (tag, attribute, value, is_a_load)
        self.ids = set()
        self.inline_css = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        loads = tag != "a" and not (tag == "link" and not _loads_link(a.get("rel", "")))
        for key in ("href", "src", "poster", "data"):
            if a.get(key) is not None and not (tag == "object" and key != "data"):
                self.links.append((tag, key, a[key].strip(), loads))
        if a.get("srcset"):
            for part in a["srcset"].split(","):
                if part.strip():
                    self.links.append((tag, "srcset", part.strip().split()[0], True))
        if a.get("style"):
            self.inline_css.append(a["style"])

    def handle_data(self, data):
        if self.lasttag == "style":
            self.inline_css.append(data)


def _loads_link(rel):
    rel = set(rel.lower().split())
    return bool(rel & {"stylesheet", "preload", "modulepreload", "icon", "shortcut", "apple-touch-icon",
                       "manifest", "prefetch", "dns-prefetch", "preconnect"})


def _ids(path, cache):
    if path not in cache:
        p = _Page()
        p.feed(path.read_text(encoding="utf-8", errors="replace"))
        cache[path] = p.ids
    return cache[path]


def _check(value, here, root, ids_cache, problems, where, loads):
    """Check one URL found in file ``here``; returns True if it was a local link."""
    if not value or value.startswith(SKIP_SCHEMES):
        return False
    parts = urlsplit(value)
    if parts.scheme or value.startswith("//"):
        if loads:
            problems.append(f"{where}: loads {value} from another host")
        return False
    if parts.path.startswith("/"):
        target = root / unquote(parts.path).lstrip("/")
    elif parts.path:
        target = here.parent / unquote(parts.path)
    else:
        target = here
    target = Path(_normalize(target))
    if target.is_dir():
        target = target / "index.html"
    try:
        target.relative_to(root)
    except ValueError:
        problems.append(f"{where}: {value} points outside the site")
        return True
    if not target.is_file():
        problems.append(f"{where}: {value} -> missing {target.relative_to(root)}")
        return True
    frag = unquote(parts.fragment)
    if frag and target.suffix == ".html" and frag not in _ids(target, ids_cache):
        problems.append(f"{where}: {value} -> no id {frag!r} in {target.relative_to(root)}")
    return True


def _normalize(path):
    import os

    return os.path.normpath(str(path))


def check_site(root):
    """Return (problems, stats) for the site in folder ``root``."""
    root = Path(_normalize(Path(root).resolve()))
    problems, ids_cache = [], {}
    pages = links = 0
    for page in sorted(root.rglob("*.html")):
        if page.relative_to(root).parts[0] == "_static":
            continue                          # theme template fragments copied as-is, not pages
        pages += 1
        rel = page.relative_to(root).as_posix()
        p = _Page()
        p.feed(page.read_text(encoding="utf-8", errors="replace"))
        ids_cache[page] = p.ids
        for tag, key, value, loads in p.links:
            links += _check(value, page, root, ids_cache, problems, f"{rel} <{tag} {key}>", loads)
        for css in p.inline_css:
            for m in CSS_URL.finditer(css):
                links += _check(m.group(2), page, root, ids_cache, problems, f"{rel} style url()", True)
    for sheet in sorted(root.rglob("*.css")):
        rel = sheet.relative_to(root).as_posix()
        text = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8", errors="replace"), flags=re.S)
        for m in list(CSS_URL.finditer(text)) + list(CSS_IMPORT.finditer(text)):
            value = m.group(2)
            if value.startswith("#"):
                continue                      # SVG filter references
            links += _check(value, sheet, root, ids_cache, problems, f"{rel} url()", True)
    return problems, {"pages": pages, "links": links}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    root = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "build" / "html"
    problems, stats = check_site(root)
    for p in problems:
        print(p)
    print(f"{stats['pages']} pages, {stats['links']} local links, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
