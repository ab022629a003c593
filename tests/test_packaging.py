"""The package's promises about itself: light imports, docstrings, matching dependency lists."""
import importlib
import inspect
import pathlib
import pkgutil
import re
import subprocess
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None

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
