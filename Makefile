# `make lab` and `make test` set everything up on first use (a .venv next to this file).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
SITE_STAMP := $(VENV)/.site-installed-stamp
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
PORT ?= 8866

.PHONY: lab test html student dashboard bench clean-venv

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[notebooks,test]"
	touch $(STAMP)

# The website's tools (Sphinx, myst-nb, sphinx-book-theme), in the same .venv, on first `make html` or `make test`.
$(SITE_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e ".[site]"
	touch $(SITE_STAMP)

## Open the book in JupyterLab.
lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/00_introduction.ipynb $(ROOT_FLAG)

## Run the whole test suite: unit tests, notebooks (nbval strict), browser tests.
test: $(STAMP) $(SITE_STAMP)
	$(PY) -m pytest

## Build the book as a static website that works offline into build/html/ (from the stored outputs).
html: $(SITE_STAMP)
	$(PY) docs/build_site.py

## Build the student edition into student/: the book with the exercise solutions taken out (see TEACHING.md).
student: $(STAMP)
	$(PY) scripts/build_student.py

## The live training dashboard alone, as a Voila app (for a classroom projector).
## Its address takes presets: http://127.0.0.1:8866/?recipe=book&seed=3&step_size_D=0.05&hide=WEIGHT_CLIP
dashboard: $(STAMP)
	@echo "open http://127.0.0.1:$(PORT)/  (presets: ?recipe=book&seed=3&step_size_D=0.05&hide=WEIGHT_CLIP&lock=seed)"
	$(VENV)/bin/voila apps/dashboard.ipynb --port=$(PORT) --Voila.ip=127.0.0.1

## Print the benchmark figures quoted in the README.
bench: $(STAMP)
	$(PY) bench/bench_book_speed.py
	$(PY) bench/bench_recommended.py --markdown
	$(PY) bench/bench_vectorised.py
	$(PY) bench/bench_notebooks.py

clean-venv:
	rm -rf $(VENV)
