"""Build the book as a static website that works offline: ``make html`` -> ``build/html/``.

    .venv/bin/python docs/build_site.py [--out build/html] [--work build] [--no-check]

Steps (each printed with its time):

1. browser assets: ``npm ci`` of ``docs/package.json`` / ``docs/package-lock.json`` into
   ``WORK/npm`` (skipped while the lock file is unchanged), then the parts a page loads are copied
   to ``WORK/site-static/vendor/``: MathJax 3 (``tex-mml-chtml.js`` with its fonts and lazily
   loaded extensions) and the ``embed.js`` bundle of ``@jupyter-widgets/html-manager`` (with its
   fonts). Nothing minified is committed; nothing is fetched when a page is viewed.
2. the Sphinx source folder ``WORK/site-src``: the start page (the README, with a contents list
   of one line per chapter and the toctree), copies of ``notebooks/NN_*.ipynb``, ``TEACHING.md``
   and ``CONTRIBUTING.md`` when they exist, and the downloads page (every notebook, a zip of them,
   and the student edition when ``student/*.ipynb`` exists at build time). Files are only
   rewritten when their content changes, so a second build re-reads only what changed.
3. ``sphinx-build`` with ``docs/conf.py`` (myst-nb renders the stored outputs; nothing is executed).
4. the link check of ``docs/linkcheck.py`` over the built site (every href/src/CSS url, anchors
   included, and no page loading anything from another host).
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS))

import linkcheck  # noqa: E402

NPM_FILES = ("package.json", "package-lock.json")
CHAPTER_GLOB = "[0-9][0-9]_*.ipynb"
# MathJax 3: the combined TeX+MathML / CHTML bundle, plus what it may load later (fonts, TeX
# extensions, menu and accessibility parts). The speech engine (sre, 4 MB) and SVG output are left out.
MATHJAX_KEEP = ("tex-mml-chtml.js", "input", "output/chtml", "output/chtml.js", "ui", "a11y", "adaptors",
                "core.js", "loader.js", "startup.js")
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def log(msg):
    print(f"[site] {msg}", flush=True)


# ---------------------------------------------------------------- helpers
def write_if_changed(path, data):
    """Write ``data`` (bytes or str) to ``path`` unless it already holds exactly that."""
    path = Path(path)
    data = data.encode() if isinstance(data, str) else data
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def sync_tree(files, dest):
    """Make ``dest`` hold exactly ``files`` ({relative path: bytes}), touching only what changed."""
    dest = Path(dest)
    for rel, data in files.items():
        write_if_changed(dest / rel, data)
    if dest.exists():
        for p in sorted(dest.rglob("*"), reverse=True):
            rel = p.relative_to(dest).as_posix()
            if p.is_file() and rel not in files:
                p.unlink()
            elif p.is_dir() and not any(p.iterdir()):
                p.rmdir()


def chapters():
    return sorted((ROOT / "notebooks").glob(CHAPTER_GLOB))


def student_notebooks():
    return sorted((ROOT / "student").glob("*.ipynb"))


def notebook_title(path):
    """The first Markdown heading of a notebook (its page title on the site)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            src = "".join(cell.get("source", ""))
            m = re.search(r"^#\s+(.+?)\s*$", src, flags=re.M)
            if m:
                return m.group(1)
    return Path(path).stem


def readme_descriptions(readme_text):
    """{notebook stem: 'what you learn'} from the README's table of the book."""
    out = {}
    for m in re.finditer(r"^\|\s*`?(\d\d_[A-Za-z0-9_]+)`?\s*\|\s*(.+?)\s*\|\s*$", readme_text, flags=re.M):
        out[m.group(1)] = m.group(2)
    return out


LINK_RE = re.compile(r"(?<!!)\[([^\]\n]+)\]\(([^)\s]+)\)")
MAX_REPO_DOWNLOAD = 1_000_000


def rewrite_repo_links(text, site_docs, files):
    """Make a root-level Markdown file's links to the repository work on the site.

    A link to a page of the site (a chapter, TEACHING.md, ...) is kept (myst resolves it); one to
    another file of the repository (``environment.yml``) becomes a download of a copy; one to a
    folder becomes plain text naming it. Links that name nothing (a typo) are kept, so the link
    check reports them.
    """
    def fix(m):
        label, target = m.group(1), m.group(2)
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith(("#", "/")):
            return m.group(0)
        path, _, frag = target.partition("#")
        if path in site_docs or not path:
            return m.group(0)
        if path == "README.md":
            return f"[{label}](index.md" + (f"#{frag})" if frag else ")")
        full = (ROOT / path)
        if full.is_file() and full.stat().st_size <= MAX_REPO_DOWNLOAD and ".." not in Path(path).parts:
            files[f"repo/{path}"] = full.read_bytes()
            return f"{{download}}`{label} <repo/{path}>`"
        if full.is_dir():
            return f"{label} (the folder `{path.rstrip('/')}/` of the repository)"
        return m.group(0)

    out, fenced = [], False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        out.append(line if fenced else LINK_RE.sub(fix, line))
    return "\n".join(out)


def deterministic_zip(entries):
    """A zip (bytes) of {name: bytes} whose bytes depend only on the contents."""
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


# ---------------------------------------------------------------- 1. browser assets
def npm_assets(work):
    npm_dir = work / "npm"
    npm_dir.mkdir(parents=True, exist_ok=True)
    for name in NPM_FILES:
        write_if_changed(npm_dir / name, (DOCS / name).read_bytes())
    lock_hash = hashlib.sha256((DOCS / "package-lock.json").read_bytes()).hexdigest()
    stamp = npm_dir / ".installed-stamp"
    modules = npm_dir / "node_modules"
    if not (stamp.is_file() and stamp.read_text() == lock_hash and modules.is_dir()):
        npm = shutil.which("npm")
        if not npm:
            raise SystemExit("make html needs npm (Debian: apt-get install nodejs npm)")
        log("npm ci (MathJax, @jupyter-widgets/html-manager) ...")
        subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=npm_dir, check=True)
        stamp.write_text(lock_hash)

    files = {}
    manager = modules / "@jupyter-widgets" / "html-manager"
    for p in sorted((manager / "dist").iterdir()):
        if p.is_file() and not p.name.endswith(".map") and p.name not in ("embed-amd.js", "libembed-amd.js"):
            files[f"vendor/html-manager/{p.name}"] = p.read_bytes()
    files["vendor/html-manager/LICENSE"] = (manager / "LICENSE").read_bytes() if (manager / "LICENSE").exists() \
        else b"BSD-3-Clause, see https://github.com/jupyter-widgets/ipywidgets\n"
    mathjax = modules / "mathjax"
    es5 = mathjax / "es5"
    for keep in MATHJAX_KEEP:
        p = es5 / keep
        for f in ([p] if p.is_file() else sorted(p.rglob("*"))):
            if f.is_file():
                files[f"vendor/mathjax/{f.relative_to(es5).as_posix()}"] = f.read_bytes()
    files["vendor/mathjax/LICENSE"] = (mathjax / "LICENSE").read_bytes()
    sync_tree(files, work / "site-static")
    return len(files)


# ---------------------------------------------------------------- 2. the source folder
def start_page(readme, nbs, extra_docs):
    """index.md: the README, a one-line-per-chapter contents list after its first paragraph, toctrees."""
    text = readme.replace("\r\n", "\n")
    desc = readme_descriptions(text)
    lines = ["## Contents", ""]
    for nb in nbs:
        what = desc.get(nb.stem)
        lines.append(f"- [{notebook_title(nb)}](notebooks/{nb.name})" + (f": {what}" if what else ""))
    lines.append("")
    more = [f"[{title}]({doc}.md)" for doc, title in extra_docs]
    lines.append("Also: " + ", ".join(more) + ".")
    lines.append("")
    contents = "\n".join(lines)

    # After the title and the first paragraph (before the README's first section heading).
    m = re.search(r"^## ", text, flags=re.M)
    if m:
        text = text[:m.start()] + contents + "\n" + text[m.start():]
    else:
        text = text.rstrip() + "\n\n" + contents

    chapters_toc = "\n".join(f"notebooks/{nb.stem}" for nb in nbs)
    more_toc = "\n".join(doc for doc, _ in extra_docs)
    text = (text.rstrip() + "\n\n"
            "```{toctree}\n:hidden:\n:caption: Chapters\n\n" + chapters_toc + "\n```\n\n"
            "```{toctree}\n:hidden:\n:caption: More\n\n" + more_toc + "\n```\n")
    return text


def downloads_page(nbs, students):
    lines = [
        "# Downloads", "",
        "The book's notebooks, with the outputs this site shows. They import `gan_core`, the book's "
        "package: clone the repository and run `make lab` to open them in JupyterLab.", "",
        "- {download}`all chapters in one zip <downloads/gan-basics-notebooks.zip>`",
    ]
    for nb in nbs:
        lines.append(f"- {{download}}`{nb.name} <notebooks/{nb.name}>`: {notebook_title(nb)}")
    if students:
        lines += ["", "## Student edition", "",
                  "The same chapters with the exercise solutions taken out (built by `make student`).", "",
                  "- {download}`the student edition in one zip <downloads/gan-basics-student.zip>`"]
        for nb in students:
            lines.append(f"- {{download}}`{nb.name} <student/{nb.name}>` (student edition)")
    return "\n".join(lines) + "\n"


def make_source(work):
    src = work / "site-src"
    nbs = chapters()
    if not nbs:
        raise SystemExit("no notebooks/NN_*.ipynb to build the site from")
    students = student_notebooks()
    files = {}
    for nb in nbs:
        files[f"notebooks/{nb.name}"] = nb.read_bytes()
    extra_docs, bodies = [], {}
    for name, fallback in (("TEACHING", "Teaching with this book"), ("CONTRIBUTING", "Working on the book")):
        p = ROOT / f"{name}.md"
        if p.is_file():
            bodies[name] = p.read_text(encoding="utf-8")
            m = re.search(r"^#\s+(.+?)\s*$", bodies[name], flags=re.M)
            extra_docs.append((name, m.group(1) if m else fallback))
    extra_docs.append(("downloads", "Downloads"))
    site_docs = {f"notebooks/{nb.name}" for nb in nbs} | {f"{d}.md" for d, _ in extra_docs}
    for name, body in bodies.items():
        files[f"{name}.md"] = rewrite_repo_links(body, site_docs, files)
    files["downloads.md"] = downloads_page(nbs, students)
    files["downloads/gan-basics-notebooks.zip"] = deterministic_zip(
        {f"gan-basics/notebooks/{nb.name}": nb.read_bytes() for nb in nbs})
    if students:
        for nb in students:
            files[f"student/{nb.name}"] = nb.read_bytes()
        files["downloads/gan-basics-student.zip"] = deterministic_zip(
            {f"gan-basics-student/{nb.name}": nb.read_bytes() for nb in students})
    readme = rewrite_repo_links((ROOT / "README.md").read_text(encoding="utf-8"), site_docs, files)
    files["index.md"] = start_page(readme, nbs, extra_docs)
    sync_tree(files, src)
    return src, nbs, students


# ---------------------------------------------------------------- 3. sphinx
def sphinx(src, out, work):
    env = dict(os.environ, GAN_SITE_WORK=str(work))
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", "auto", "-c", str(DOCS),
           "-d", str(work / "site-doctrees"), str(src), str(out)]
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)


def build(out=None, work=None, check=True):
    """Build the site into ``out``; returns {"out", "seconds", "chapters", "student", "problems"}."""
    work = Path(work or ROOT / "build").resolve()
    out = Path(out or work / "html").resolve()
    t0 = time.monotonic()
    n = npm_assets(work)
    t1 = time.monotonic()
    log(f"browser assets: {n} files in {t1 - t0:.1f} s")
    src, nbs, students = make_source(work)
    t2 = time.monotonic()
    log(f"source folder: {len(nbs)} chapters, student edition: "
        f"{f'{len(students)} notebooks' if students else 'none (no student/*.ipynb)'}")
    sphinx(src, out, work)
    t3 = time.monotonic()
    log(f"sphinx-build: {t3 - t2:.1f} s")
    problems = []
    if check:
        problems, stats = linkcheck.check_site(out)
        log(f"link check: {stats['pages']} pages, {stats['links']} local links, "
            f"{len(problems)} problems ({time.monotonic() - t3:.1f} s)")
        for p in problems[:50]:
            log(f"  {p}")
    total = time.monotonic() - t0
    log(f"built {out} in {total:.1f} s")
    return {"out": out, "seconds": total, "chapters": nbs, "student": students, "problems": problems}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", help="output folder (default build/html)")
    ap.add_argument("--work", help="work folder for npm, the generated source and doctrees (default build)")
    ap.add_argument("--no-check", action="store_true", help="skip the link check")
    args = ap.parse_args(argv)
    result = build(args.out, args.work, check=not args.no_check)
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
