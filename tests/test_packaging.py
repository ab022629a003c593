"""The package's promises about itself: light imports, docstrings, matching dependency lists."""
import importlib
import importlib.util
import inspect
import json
import os
import pathlib
import pkgutil
import re
import shutil
import site
import subprocess
import sys
import sysconfig

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None

import pytest

import gan_core

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _name(req):
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower()


def test_import_needs_numpy_only():
    code = ("import sys, gan_core, gan_core.metrics, gan_core.gradcheck, gan_core.persistence, gan_core.cli;"
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'tqdm', 'IPython') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_public_function_and_class_has_a_docstring():
    missing = []
    for info in pkgutil.walk_packages(gan_core.__path__, "gan_core."):
        if info.name.endswith("__main__") or info.name.split(".")[-1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and not inspect.getdoc(obj):
                missing.append(f"{info.name}.{name}")
    assert missing == []


def test_environment_yml_lists_what_pyproject_requires():
    if tomllib is None:
        return
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    required = {_name(r) for r in project["dependencies"]}
    for extra in ("notebooks", "test"):
        required |= {_name(r) for r in project["optional-dependencies"][extra]}
    listed = set()
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.match(r"\s+-\s+([A-Za-z0-9_.-]+)", line)
        if m and m.group(1) not in ("pip", "-e"):
            listed.add(_name(m.group(1)))
    assert "-e .[notebooks,test]" in (ROOT / "environment.yml").read_text()
    assert required <= listed, f"missing from environment.yml: {sorted(required - listed)}"


def test_readme_quick_start_is_make_lab_then_make_test():
    text = (ROOT / "README.md").read_text()
    commands = re.findall(r"^\s*(make \w+)\s*$", text, flags=re.M)
    assert commands[:2] == ["make lab", "make test"]


# --------------------------------------------------------------------------- the built wheel
#: Files that the build reads besides gan_core/ (copied when present).
_BUILD_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "LICENSE.txt", "setup.py", "setup.cfg", "MANIFEST.in")

#: Run inside the fresh venv: import every module of the *installed* gan_core and
#: report where it lives, which modules it has and which files were installed.
_PROBE = r"""
import importlib, json, os, pkgutil, sys
import gan_core
root = os.path.dirname(gan_core.__file__)
modules = ["gan_core"]
for info in pkgutil.walk_packages(gan_core.__path__, "gan_core."):
    modules.append(info.name)
    if not info.name.endswith("__main__"):
        importlib.import_module(info.name)
files = sorted(os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/")
               for d, dirs, fs in os.walk(root) if "__pycache__" not in d for f in fs)
print(json.dumps({"file": gan_core.__file__, "modules": sorted(modules), "files": files,
                  "finders": [type(f).__name__ for f in sys.meta_path]}))
"""


def _source_modules_and_files():
    """The module names and files (relative to gan_core/) of the source tree."""
    pkg = ROOT / "gan_core"
    files = sorted(p.relative_to(pkg).as_posix() for p in pkg.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    modules = set()
    for f in files:
        if f.endswith(".py"):
            parts = ["gan_core", *f[:-3].split("/")]
            modules.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(modules), files


def _build_wheel(src, dist):
    """``pip wheel`` of the copied source tree; without build isolation when this
    environment can build wheels itself (setuptools >= 70.1 or the ``wheel``
    package), otherwise with it (pip fetches setuptools, cached after the first time)."""
    cmd = [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-w", str(dist), "-q",
           "--disable-pip-version-check"]
    try:
        import setuptools
        version = tuple(int(x) for x in setuptools.__version__.split(".")[:2])
        can_build_here = importlib.util.find_spec("wheel") is not None or version >= (70, 1)
    except (ImportError, ValueError):
        can_build_here = False
    if can_build_here:
        cmd.append("--no-build-isolation")
    subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=300)
    wheels = list(dist.glob("gan_basics-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.mark.slow
def test_built_wheel_installs_every_module_and_runs_the_cli(tmp_path):
    """A non-editable install (the wheel ``pip wheel .`` builds, in a fresh venv that
    cannot see the repo) holds every module and file of gan_core/ and runs the CLI."""
    src = tmp_path / "src"
    src.mkdir()
    for name in _BUILD_INPUTS:
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "gan_core", src / "gan_core", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    wheel = _build_wheel(src, tmp_path / "dist")

    # A fresh venv without pip; the wheel goes in with this environment's pip.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index",
                    "-q", "--disable-pip-version-check", str(wheel)], check=True, capture_output=True,
                   text=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON") and not k.startswith("COVERAGE")}
    env["MPLBACKEND"] = "Agg"
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             check=True, capture_output=True, text=True, env=env, cwd=tmp_path).stdout.strip()
    # numpy, matplotlib, ... come from this environment's site-packages, added as plain
    # paths: .pth files there (the editable install's finder among them) are not run.
    ours = [p for p in site.getsitepackages() + [sysconfig.get_path("purelib")] if os.path.isdir(p)]
    for p in ours:
        assert not (pathlib.Path(p) / "gan_core").exists(), f"{p} holds a gan_core that would hide the wheel's"
    (pathlib.Path(purelib) / "_gan_basics_test_deps.pth").write_text("\n".join(dict.fromkeys(ours)) + "\n")

    work = tmp_path / "elsewhere"  # not the repo: its gan_core/ must not be importable
    work.mkdir()
    out = subprocess.run([str(py), "-c", _PROBE], capture_output=True, text=True, env=env, cwd=work, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    assert pathlib.Path(probe["file"]).resolve().is_relative_to(pathlib.Path(purelib).resolve()), probe["file"]
    assert not any("Editable" in f for f in probe["finders"]), probe["finders"]
    modules, files = _source_modules_and_files()
    assert sorted(set(modules) - set(probe["modules"])) == [], "modules missing from the wheel"
    assert sorted(set(files) - set(probe["files"])) == [], "files missing from the wheel"

    run_dir = work / "run"
    cli = subprocess.run([str(py), "-m", "gan_core", "train", "--recipe", "book", "--iterations", "200",
                          "--no-progress", "--out", str(run_dir)],
                         capture_output=True, text=True, env=env, cwd=work, timeout=300)
    assert cli.returncode == 0, cli.stderr[-3000:]
    for name in ("model.npz", "samples.npy", "metrics.json", "samples.png", "losses.png"):
        assert (run_dir / name).is_file() and (run_dir / name).stat().st_size > 0, name
    assert json.loads((run_dir / "metrics.json").read_text())
