"""Build the student edition of the book: ``make student`` -> ``student/``.

    .venv/bin/python scripts/build_student.py [--src notebooks] [--out student]

Reads every chapter ``SRC/NN_*.ipynb`` (never writes there) and writes one notebook per chapter to
``OUT/`` with the exercise solutions taken out, following the cell convention of CONTRIBUTING.md
("Exercises (classroom edition)"):

- a cell tagged ``solution`` (code or markdown) is removed;
- in markdown, a ``<details>`` block whose ``<summary>`` names a solution or an answer is removed
  (nested blocks are handled; other ``<details>``, such as hints, are kept);
- a ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region left in any other code cell becomes one
  ``raise NotImplementedError(...)`` line with the indentation of the ``BEGIN`` line (nbgrader's
  ``generate_assignment`` does the same); in a markdown cell it becomes ``YOUR ANSWER HERE``;
- the outputs and execution counts of cells tagged ``answer``, ``solution`` or ``check``, and of
  cells that held a region, are cleared;
- ``metadata.jupyter.source_hidden`` is removed wherever it remains;
- everything else (text, figures and other outputs, metadata) is kept as it is.

The transformation is idempotent (a student notebook built again is unchanged). A malformed
notebook (not valid JSON or nbformat, an unclosed region or ``<details>``) stops the build with a
one-line error and exit status 1 before anything is written. ``*.ipynb`` files in ``OUT/`` that no
chapter produces any more are deleted. Needs only nbformat (already a test dependency).
"""
import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CHAPTER_GLOB = "[0-9][0-9]_*.ipynb"

#: Tags of the exercise cells (CONTRIBUTING.md).
SOLUTION_TAG, ANSWER_TAG, CHECK_TAG = "solution", "answer", "check"
CLEARED_TAGS = {SOLUTION_TAG, ANSWER_TAG, CHECK_TAG}

BEGIN_RE = re.compile(r"^(?P<indent>[ \t]*)#+[ \t]*BEGIN SOLUTION\b.*$")
END_RE = re.compile(r"^[ \t]*#+[ \t]*END SOLUTION\b.*$")
STUB_MESSAGE = "write your solution here"
CODE_STUB = f'raise NotImplementedError("{STUB_MESSAGE}")'
MARKDOWN_STUB = "YOUR ANSWER HERE"

DETAILS_RE = re.compile(r"<details\b[^>]*>|</details\s*>", re.IGNORECASE)
SUMMARY_RE = re.compile(r"\s*<summary\b[^>]*>(?P<text>.*?)</summary\s*>", re.IGNORECASE | re.DOTALL)
SOLUTION_WORDS_RE = re.compile(r"solution|answer", re.IGNORECASE)


class MalformedNotebook(ValueError):
    """A notebook the build refuses: the message is one line naming the cell and the problem."""


def replace_regions(source, stub, where="cell"):
    """``source`` with every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region (marker lines
    included) replaced by one ``stub`` line indented as the ``BEGIN`` line; returns
    ``(new_source, number_of_regions)``. Raises MalformedNotebook on an unmatched or nested marker."""
    out, count, begin_at, indent = [], 0, None, ""
    lines = source.split("\n")
    for number, line in enumerate(lines, 1):
        begin, end = BEGIN_RE.match(line), END_RE.match(line)
        if begin:
            if begin_at is not None:
                raise MalformedNotebook(f"{where}: BEGIN SOLUTION on line {number} inside the region "
                                        f"opened on line {begin_at}")
            begin_at, indent = number, begin.group("indent")
        elif end:
            if begin_at is None:
                raise MalformedNotebook(f"{where}: END SOLUTION on line {number} without a BEGIN SOLUTION")
            out.append(indent + stub)
            count += 1
            begin_at = None
        elif begin_at is None:
            out.append(line)
    if begin_at is not None:
        raise MalformedNotebook(f"{where}: BEGIN SOLUTION on line {begin_at} has no END SOLUTION")
    return "\n".join(out), count


def _is_solution_details(source, open_match):
    summary = SUMMARY_RE.match(source, open_match.end())
    return bool(summary and SOLUTION_WORDS_RE.search(summary.group("text")))


def remove_solution_details(source, where="cell"):
    """``source`` (markdown) without its ``<details>`` blocks whose ``<summary>`` says "solution" or
    "answer" (an outer solution block goes whole, nested blocks with it); returns
    ``(new_source, number_removed)``. Raises MalformedNotebook on an unbalanced ``<details>``."""
    stack, cut = [], []          # stack of (open match, is solution); cut: (start, end) spans
    for m in DETAILS_RE.finditer(source):
        if not m.group(0).startswith("</"):
            stack.append((m, _is_solution_details(source, m)))
            continue
        if not stack:
            raise MalformedNotebook(f"{where}: </details> at character {m.start()} without <details>")
        opened, solution = stack.pop()
        inside_solution = any(s for _, s in stack)
        if solution and not inside_solution:
            cut.append((opened.start(), m.end()))
    if stack:
        raise MalformedNotebook(f"{where}: <details> at character {stack[-1][0].start()} is never closed")
    if not cut:
        return source, 0
    pieces, at = [], 0
    for start, end in cut:
        pieces.append(source[at:start])
        at = end
    pieces.append(source[at:])
    text = "".join(pieces)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return text, len(cut)


def _tags(cell):
    tags = cell.get("metadata", {}).get("tags", [])
    return set(tags) if isinstance(tags, list) else set()


def studentize(nb, name="notebook"):
    """The student edition of notebook ``nb`` (an nbformat v4 node; ``nb`` itself is not changed),
    following the rules in this module's docstring; returns ``(student_nb, counts)`` where ``counts``
    holds how many solution cells, solution ``<details>`` blocks and regions went and how many
    cells had their outputs cleared. Raises MalformedNotebook (message naming ``name`` and the cell)."""
    nb = copy.deepcopy(nb)
    counts = {"solution cells": 0, "details": 0, "regions": 0, "cleared": 0}
    cells = []
    for index, cell in enumerate(nb.cells):
        where = f"{name}: cell {index} ({cell.get('id', 'no id')})"
        tags = _tags(cell)
        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        if SOLUTION_TAG in tags:
            # Still check it is well formed, so a broken book never builds silently.
            if cell.cell_type == "code":
                replace_regions(source, CODE_STUB, where)
            elif cell.cell_type == "markdown":
                remove_solution_details(source, where)
            counts["solution cells"] += 1
            continue
        regions = 0
        if cell.cell_type == "code":
            source, regions = replace_regions(source, CODE_STUB, where)
        elif cell.cell_type == "markdown":
            source, removed = remove_solution_details(source, where)
            source, regions = replace_regions(source, MARKDOWN_STUB, where)
            counts["details"] += removed
            if removed and not source.strip():
                continue          # the cell held nothing but the solution
        counts["regions"] += regions
        cell.source = source
        jupyter = cell.get("metadata", {}).get("jupyter")
        if isinstance(jupyter, dict) and "source_hidden" in jupyter:
            del jupyter["source_hidden"]
            if not jupyter:
                del cell.metadata["jupyter"]
        if cell.cell_type == "code" and (regions or tags & CLEARED_TAGS):
            if cell.outputs or cell.execution_count is not None:
                counts["cleared"] += 1
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    nb.cells = cells
    return nb, counts


def read_notebook(path):
    """Notebook ``path`` read and validated as nbformat v4; raises MalformedNotebook (one line)."""
    try:
        nb = nbformat.read(str(path), as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # JSON errors, nbformat.ValidationError, unreadable file
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise MalformedNotebook(f"{path}: not a valid notebook ({type(error).__name__}: {first})") from None
    return nb


def notebook_text(nb):
    """``nb`` serialised the way Jupyter writes it (indent 1, final newline)."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def build(src=ROOT / "notebooks", out=ROOT / "student", log=print):
    """Write the student edition of every chapter ``src/NN_*.ipynb`` into ``out`` and return
    {notebook name: counts}. Every notebook is read and transformed before anything is written, so
    a malformed one leaves ``out`` untouched. Files whose content is unchanged are not rewritten."""
    src, out = Path(src).resolve(), Path(out).resolve()
    if out == src or src in out.parents:
        raise MalformedNotebook(f"the output folder {out} must not be (inside) the book's {src}")
    paths = sorted(src.glob(CHAPTER_GLOB))
    if not paths:
        raise MalformedNotebook(f"no chapter notebooks ({CHAPTER_GLOB}) in {src}")
    built = {}
    for path in paths:
        student, counts = studentize(read_notebook(path), path.name)
        built[path.name] = (notebook_text(student), counts)
    out.mkdir(parents=True, exist_ok=True)
    for stale in sorted(set(p.name for p in out.glob("*.ipynb")) - set(built)):
        (out / stale).unlink()
        log(f"removed stale {out.name}/{stale}")
    result = {}
    for name, (text, counts) in built.items():
        target = out / name
        if not (target.is_file() and target.read_text(encoding="utf-8") == text):
            target.write_text(text, encoding="utf-8")
        result[name] = counts
        log(f"{out.name}/{name}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return result


def main(argv=None):
    """Command line entry point; returns the exit status (0 built, 1 refused)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT / "notebooks", help="the book's notebooks")
    parser.add_argument("--out", type=Path, default=ROOT / "student", help="where the student edition goes")
    args = parser.parse_args(argv)
    try:
        build(args.src, args.out)
    except MalformedNotebook as error:
        print(f"build_student: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
