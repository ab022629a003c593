"""The student edition (scripts/build_student.py, ``make student``).

The unit tests run the transformation on small notebooks made here, one rule at a time. The
``slow`` tests execute notebooks with nbclient in a kernel of the current environment (as nbval's
``--nbval-current-env`` does): a small synthetic exercise end to end, and the whole real student
edition, where no cell may fail and every check must say "Not yet:".
"""
import ast
import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "build_student.py"

_spec = importlib.util.spec_from_file_location("build_student", SCRIPT)
bs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bs)
_spec = importlib.util.spec_from_file_location("notebook_client", ROOT / "scripts" / "notebook_client.py")
notebook_client = importlib.util.module_from_spec(_spec)   # nbclient without its lost-reply stall
_spec.loader.exec_module(notebook_client)

STUB = bs.CODE_STUB
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def code(source, tags=(), outputs=True, **metadata):
    """A code cell that ran: execution count 1, a stream output and (for figures) an image."""
    cell = new_code_cell(source, metadata=dict(metadata))
    if tags:
        cell.metadata["tags"] = list(tags)
    if outputs:
        cell.execution_count = 1
        cell.outputs = [new_output("stream", name="stdout", text="Correct: it ran\n"),
                        new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})]
    return cell


def markdown(source, tags=()):
    cell = new_markdown_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def hidden(**extra):
    return {"jupyter": {"source_hidden": True, **extra}}


NBGRADER = {"nbgrader": {"solution": True, "grade": False, "locked": False, "grade_id": "00-ex1",
                         "schema_version": 3}}


def exercise_notebook():
    """A chapter with one figure, one code exercise in the convention and one reasoning exercise."""
    return new_notebook(cells=[
        markdown("# 00 · A chapter"),
        code("plt.plot([1, 2])", outputs=True),
        markdown("### Exercise 1: sine\nWrite `my_sine`."),
        code("def my_sine(x0, freq, mult):\n    ...  # your code here", tags=["answer"]),
        code("def my_sine(x0, freq, mult):\n    ### BEGIN SOLUTION\n    i = np.arange(10)\n"
             "    return mult * np.sin(x0 + freq * i)\n    ### END SOLUTION",
             tags=["solution"], **hidden(), **NBGRADER),
        code("intro.check_sine(my_sine)", tags=["check"]),
        markdown("### Exercise 2 (to think about)\nWhy?"),
        markdown("<details><summary>Solution</summary>\n\nBecause.\n</details>", tags=["solution"]),
        markdown("---\n[next](01_next.ipynb)"),
    ])


def sources(nb):
    return [c.source for c in nb.cells]


# --- the rules, one at a time ---------------------------------------------------------------

def test_solution_cells_code_and_markdown_are_removed_and_the_rest_kept():
    nb = exercise_notebook()
    student, counts = bs.studentize(nb)
    assert sources(student) == [sources(nb)[i] for i in (0, 1, 2, 3, 5, 6, 8)]
    assert counts == {"solution cells": 2, "details": 0, "regions": 0, "cleared": 2}
    assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)
    assert len(nb.cells) == 9, "the book's notebook itself is not changed"
    nbformat.validate(student)


def test_outputs_of_answer_and_check_cells_are_cleared_other_outputs_and_figures_kept():
    student, _ = bs.studentize(exercise_notebook())
    figure, answer, check = student.cells[1], student.cells[3], student.cells[4]
    assert (answer.outputs, answer.execution_count) == ([], None)
    assert (check.outputs, check.execution_count) == ([], None)
    assert figure.execution_count == 1
    assert [o.output_type for o in figure.outputs] == ["stream", "display_data"]
    assert figure.outputs[1].data["image/png"] == PNG
    assert answer.metadata["tags"] == ["answer"] and check.metadata["tags"] == ["check"]


def test_a_region_at_top_level_becomes_a_raise_and_the_code_around_it_is_kept():
    cell = code("import numpy as np\n### BEGIN SOLUTION\nx = 1\ny = 2\n### END SOLUTION\nprint('after')")
    student, counts = bs.studentize(new_notebook(cells=[cell]))
    assert student.cells[0].source == f"import numpy as np\n{STUB}\nprint('after')"
    assert counts["regions"] == 1 and counts["cleared"] == 1
    assert (student.cells[0].outputs, student.cells[0].execution_count) == ([], None)


def test_a_region_inside_a_function_keeps_its_indentation_and_raises_when_called():
    source = ("def lsgan_optimal_d(p_data, p_g):\n"
              "    \"\"\"D* of the least-squares GAN.\"\"\"\n"
              "    ### BEGIN SOLUTION\n"
              "    return p_data / (p_data + p_g)\n"
              "    ### END SOLUTION\n")
    student, _ = bs.studentize(new_notebook(cells=[code(source)]))
    new = student.cells[0].source
    assert new == ("def lsgan_optimal_d(p_data, p_g):\n"
                   "    \"\"\"D* of the least-squares GAN.\"\"\"\n"
                   f"    {STUB}\n")
    space = {}
    exec(compile(new, "<cell>", "exec"), space)      # defining the function does not raise
    with pytest.raises(NotImplementedError, match="write your solution here"):
        space["lsgan_optimal_d"](0.5, 0.5)


def test_nested_indentation_and_several_regions_in_one_cell():
    source = ("class Net:\n"
              "    def forward(self, x):\n"
              "        if x is not None:\n"
              "            ### BEGIN SOLUTION\n"
              "            y = x * 2\n"
              "            return y\n"
              "            ### END SOLUTION\n"
              "        return None\n"
              "\n"
              "    def backward(self, g):\n"
              "\t\t### BEGIN SOLUTION\n"
              "\t\treturn g\n"
              "\t\t### END SOLUTION\n")
    student, counts = bs.studentize(new_notebook(cells=[code(source, tags=["answer"])]))
    new = student.cells[0].source
    assert counts["regions"] == 2
    assert new.splitlines() == ["class Net:", "    def forward(self, x):", "        if x is not None:",
                                "            " + STUB, "        return None", "",
                                "    def backward(self, g):", "\t\t" + STUB]
    ast.parse(new.replace("\t\t", "        "))    # the stubs sit where the bodies were


def test_marker_spellings_nbgrader_accepts():
    source = "def f():\n    ## BEGIN SOLUTION  \n    return 1\n    #END SOLUTION\n"
    new, n = bs.replace_regions(source, STUB)
    assert (new, n) == (f"def f():\n    {STUB}\n", 1)


def test_a_region_in_markdown_becomes_your_answer_here():
    cell = markdown("Explain:\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION\nEnd.")
    student, counts = bs.studentize(new_notebook(cells=[cell]))
    assert student.cells[0].source == "Explain:\nYOUR ANSWER HERE\nEnd." and counts["regions"] == 1


def test_solution_details_in_markdown_are_removed_hints_kept():
    source = ("**1. Count.** How many?\n\n"
              "<details><summary>Hint</summary>\n\nWeights and biases.\n</details>\n\n"
              "<details><summary>Solution</summary>\n\n$240$ and $231$.\n</details>\n\n"
              "Then check.")
    student, counts = bs.studentize(new_notebook(cells=[markdown(source)]))
    assert student.cells[0].source == ("**1. Count.** How many?\n\n"
                                       "<details><summary>Hint</summary>\n\nWeights and biases.\n</details>\n\n"
                                       "Then check.")
    assert counts["details"] == 1


def test_nested_details():
    outer_solution = ("Q.\n\n<details open><summary><b>Answer</b></summary>\n"
                      "<details><summary>Hint</summary>inner</details>\nA.\n</DETAILS>\nAfter.")
    assert bs.remove_solution_details(outer_solution) == ("Q.\n\nAfter.", 1)
    solution_in_hint = ("<details><summary>More</summary>\ntext\n"
                        "<details><summary>Solution</summary>x</details>\n</details>")
    assert bs.remove_solution_details(solution_in_hint) == (
        "<details><summary>More</summary>\ntext\n\n</details>", 1)


def test_a_markdown_cell_holding_only_a_solution_details_is_dropped():
    nb = new_notebook(cells=[markdown("Q?"), markdown("<details><summary>Solution</summary>\nA\n</details>\n")])
    student, counts = bs.studentize(nb)
    assert sources(student) == ["Q?"] and counts["details"] == 1


def test_source_hidden_is_removed_where_it_remains_other_jupyter_metadata_kept():
    nb = new_notebook(cells=[code("x = 1", outputs=False, **hidden()),
                             code("y = 2", outputs=False, **hidden(outputs_hidden=True)),
                             markdown("text")])
    nb.cells[2].metadata.update(hidden())
    student, _ = bs.studentize(nb)
    assert "jupyter" not in student.cells[0].metadata
    assert student.cells[1].metadata["jupyter"] == {"outputs_hidden": True}
    assert "jupyter" not in student.cells[2].metadata


def test_studentize_is_idempotent():
    once, _ = bs.studentize(exercise_notebook())
    twice, counts = bs.studentize(once)
    assert twice == once
    assert counts == {"solution cells": 0, "details": 0, "regions": 0, "cleared": 0}
    cell = markdown("A\n\n<details><summary>Solution</summary>x</details>\n\n\n\nB  \n")
    first = bs.studentize(new_notebook(cells=[cell]))[0]
    assert bs.studentize(first)[0] == first and first.cells[0].source == "A\n\nB"


# --- malformed notebooks --------------------------------------------------------------------

@pytest.mark.parametrize("cell, words", [
    (code("def f():\n    ### BEGIN SOLUTION\n    return 1\n"), "BEGIN SOLUTION on line 2 has no END SOLUTION"),
    (code("x = 1\n### END SOLUTION\n"), "END SOLUTION on line 2 without a BEGIN SOLUTION"),
    (code("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n"), "BEGIN SOLUTION on line 2 inside"),
    (code("### BEGIN SOLUTION\nx = 1\n", tags=["solution"]), "has no END SOLUTION"),
    (markdown("<details><summary>Solution</summary>\nA\n"), "is never closed"),
    (markdown("A\n</details>"), "without <details>"),
])
def test_malformed_cells_are_refused_naming_the_cell(cell, words):
    nb = new_notebook(cells=[markdown("intro"), cell])
    with pytest.raises(bs.MalformedNotebook) as info:
        bs.studentize(nb, "03_x.ipynb")
    message = str(info.value)
    assert message.startswith("03_x.ipynb: cell 1 (") and words in message and "\n" not in message


def write(folder, name, nb):
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / name))


def run_cli(capsys, *args):
    """``build_student.py ARGS`` in this process (a subprocess for the first case below)."""
    capsys.readouterr()
    code = bs.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


@pytest.mark.parametrize("content, words", [
    ('{"cells": [', "not a valid notebook (NotJSONError"),
    ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}', "not a valid notebook"),
    (None, "BEGIN SOLUTION on line 1 has no END SOLUTION"),
])
def test_the_command_refuses_a_malformed_notebook_with_one_line_and_writes_nothing(tmp_path, capsys, content,
                                                                                  words):
    src, out = tmp_path / "notebooks", tmp_path / "student"
    write(src, "00_good.ipynb", exercise_notebook())
    if content is None:
        write(src, "01_bad.ipynb", new_notebook(cells=[code("### BEGIN SOLUTION\nx = 1")]))
    else:
        (src / "01_bad.ipynb").write_text(content)
    if content is None:
        result = run_cli(capsys, "--src", src, "--out", out)
    else:        # the script itself, as `make student` runs it
        result = subprocess.run([sys.executable, str(SCRIPT), "--src", str(src), "--out", str(out)],
                                capture_output=True, text=True)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("build_student: error: ")
    assert "01_bad.ipynb" in result.stderr and words in result.stderr
    assert not out.exists(), "nothing is written when one notebook is malformed"


def test_the_command_refuses_to_write_into_the_book(tmp_path, capsys):
    src = tmp_path / "notebooks"
    write(src, "00_good.ipynb", exercise_notebook())
    before = (src / "00_good.ipynb").read_bytes()
    for out in (src, src / "student"):
        result = run_cli(capsys, "--src", src, "--out", out)
        assert result.returncode == 1 and "must not be (inside) the book" in result.stderr
    assert (src / "00_good.ipynb").read_bytes() == before and sorted(os.listdir(src)) == ["00_good.ipynb"]


# --- the build ------------------------------------------------------------------------------

def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_build_writes_one_student_notebook_per_chapter_leaves_the_book_alone_and_is_idempotent(tmp_path, capsys):
    src, out = tmp_path / "notebooks", tmp_path / "student"
    write(src, "00_intro.ipynb", exercise_notebook())
    write(src, "01_plain.ipynb", new_notebook(cells=[markdown("no exercises"), code("1 + 1")]))
    (src / "notes.ipynb").write_text("not a chapter")         # only NN_*.ipynb are chapters
    book = digest(src)
    result = run_cli(capsys, "--src", src, "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "student/00_intro.ipynb: 2 solution cells, 0 details, 0 regions, 2 cleared",
        "student/01_plain.ipynb: 0 solution cells, 0 details, 0 regions, 0 cleared"]
    assert digest(src) == book
    assert sorted(os.listdir(out)) == ["00_intro.ipynb", "01_plain.ipynb"]
    student = nbformat.read(str(out / "00_intro.ipynb"), as_version=4)
    nbformat.validate(student)
    assert len(student.cells) == 7
    plain = nbformat.read(str(out / "01_plain.ipynb"), as_version=4)
    assert plain == nbformat.read(str(src / "01_plain.ipynb"), as_version=4)

    first, mtimes = digest(out), {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    time.sleep(0.01)
    # building again, and building the student edition from itself, change nothing
    assert run_cli(capsys, "--src", src, "--out", out).returncode == 0
    assert digest(out) == first and {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == mtimes
    again = tmp_path / "again"
    assert run_cli(capsys, "--src", out, "--out", again).returncode == 0
    assert digest(again) == first


def test_build_removes_student_notebooks_of_chapters_that_are_gone(tmp_path):
    src, out = tmp_path / "notebooks", tmp_path / "student"
    write(src, "00_intro.ipynb", exercise_notebook())
    write(out, "05_renamed.ipynb", exercise_notebook())
    (out / "README.txt").write_text("kept")
    bs.build(src, out, log=lambda line: None)
    assert sorted(os.listdir(out)) == ["00_intro.ipynb", "README.txt"]


# --- executing notebooks --------------------------------------------------------------------

def execute(nb, cwd, timeout=600):
    """Run ``nb`` top to bottom in a kernel of this Python (nbval's --nbval-current-env);
    returns it with its outputs. Raises nbclient's CellExecutionError on the first failing cell, and
    CellTimeoutError when a cell runs longer than ``timeout`` seconds. The kernel is shut down after."""
    import ipykernel.kernelspec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    class CurrentEnv(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES,
                                          **ipykernel.kernelspec.get_kernel_dict())

    # IPC sockets in a folder of our own: kernels started at the same moment by other processes
    # over TCP can pick the same ports, and then both wait for ever.
    sockets = Path(tempfile.mkdtemp(prefix="gan-student-kernel-"))
    km = KernelManager(kernel_name="current-env", kernel_spec_manager=CurrentEnv(),
                       transport="ipc", ip=str(sockets / "kernel"))
    client = notebook_client.RepollingNotebookClient(nb, km=km, timeout=timeout, resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute(cleanup_kc=True)    # a client handed a km keeps its kernel unless told
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    return nb


def stream_text(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def verdict_lines(cell):
    return [line for line in stream_text(cell).splitlines() if line.startswith(("Correct:", "Not yet:"))]


def has_exercises(nb):
    return any(set(c.metadata.get("tags", [])) & {"answer", "check", "solution"} for c in nb.cells)


def check_student_notebook(nb, name):
    """The assertions on an executed student notebook: returns the number of check cells."""
    checks = [c for c in nb.cells if "check" in c.metadata.get("tags", [])]
    for cell in checks:
        lines = verdict_lines(cell)
        assert lines, f"{name}: check cell {cell.get('id')} printed no verdict: {stream_text(cell)!r}"
        assert all(line.startswith("Not yet:") for line in lines), f"{name}: {lines}"
    return len(checks)


def test_a_synthetic_exercise_says_correct_in_the_book_and_not_yet_in_the_student_edition(tmp_path):
    nb = new_notebook(cells=[
        code("import numpy as np\nfrom gan_core.exercises import intro", outputs=False),
        code("def my_sine(x0, freq, mult):\n    ...  # your code here", tags=["answer"], outputs=False),
        code("def my_sine(x0, freq, mult):\n    ### BEGIN SOLUTION\n    i = np.arange(10)\n"
             "    return mult * np.sin(x0 + freq * i)\n    ### END SOLUTION",
             tags=["solution"], outputs=False, **hidden(), **NBGRADER),
        code("intro.check_sine(my_sine)", tags=["check"], outputs=False),
        code("def g():\n    ### BEGIN SOLUTION\n    return my_sine\n    ### END SOLUTION\n\n"
             "intro.check_sine(g())", tags=["check"], outputs=False),
    ])
    book = execute(nbformat.from_dict(nb), tmp_path)
    assert [verdict_lines(c) for c in book.cells[3:]] == [
        ["Correct: my_sine draws the same curves as gan_core.sine_signals"]] * 2
    student, counts = bs.studentize(book)
    assert counts == {"solution cells": 1, "details": 0, "regions": 1, "cleared": 3}
    assert [verdict_lines(c) for c in student.cells] == [[]] * 4
    with pytest.raises(Exception, match="NotImplementedError"):   # a region at top level fails ...
        execute(nbformat.from_dict(student), tmp_path)
    student.cells[3].source = student.cells[3].source.replace("intro.check_sine(g())", "intro.check_sine(g)")
    executed = execute(student, tmp_path)                          # ... inside a function it does not
    assert check_student_notebook(executed, "synthetic") == 2
    assert all(line.startswith("Not yet: my_sine") for c in executed.cells for line in verdict_lines(c))


@pytest.mark.slow
def test_the_real_student_edition_runs_top_to_bottom_and_every_check_says_not_yet(tmp_path):
    """Builds the student edition of notebooks/ (into a temporary folder) and executes every
    notebook: no cell fails; every verdict line of a check cell says "Not yet:"; a notebook with
    exercise cells has at least one check; no solution is left in it. Several minutes."""
    out = tmp_path / "student"
    built = bs.build(ROOT / "notebooks", out, log=lambda line: None)
    assert built and sorted(built) == sorted(p.name for p in (ROOT / "notebooks").glob(bs.CHAPTER_GLOB))
    failures = []
    for name in sorted(built):
        nb = nbformat.read(str(out / name), as_version=4)
        text = "\n".join(c.source for c in nb.cells)
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text, name
        assert not re.search(r"<summary>[^<]*solution", text, re.IGNORECASE), name
        assert not any("solution" in c.metadata.get("tags", []) for c in nb.cells), name
        assert not any("source_hidden" in c.metadata.get("jupyter", {}) for c in nb.cells), name
        exercises = has_exercises(nb)
        try:
            # cwd: the student folder, one level under a folder, as notebooks/ is
            executed = execute(nb, out)
        except Exception as error:  # CellExecutionError names the cell and the traceback
            failures.append(f"{name}: {str(error)[-2000:]}")
            continue
        checks = check_student_notebook(executed, name)
        if exercises:
            assert checks >= 1, f"{name} has exercise cells but no check cell"
    assert not failures, "\n\n".join(failures)


def test_the_check_assertions_catch_a_correct_or_a_silent_check():
    def check_cell(text):
        cell = code("ex.check(f)", tags=["check"], outputs=False)
        cell.outputs = [new_output("stream", name="stdout", text=text)]
        return cell
    good = new_notebook(cells=[check_cell("Not yet: f returned None (write f)\n"), code("x", outputs=True)])
    assert check_student_notebook(good, "good") == 1
    for text in ("Correct: f is right\n", "Not yet: a\nCorrect: b\n", "nothing printed\n"):
        with pytest.raises(AssertionError):
            check_student_notebook(new_notebook(cells=[check_cell(text)]), "bad")
