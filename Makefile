# `make lab` and `make test` set everything up on first use (a .venv next to this file).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
PORT ?= 8866

.PHONY: lab test dashboard bench clean-venv

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[notebooks,test]"
	touch $(STAMP)

## Open the book in JupyterLab.
lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/00_introduction.ipynb $(ROOT_FLAG)

## Run the whole test suite: unit tests, notebooks (nbval strict), browser tests.
test: $(STAMP)
	$(PY) -m pytest

## The live training dashboard alone, as a Voila app (for a classroom projector).
dashboard: $(STAMP)
	$(VENV)/bin/voila apps/dashboard.ipynb --port=$(PORT) --Voila.ip=127.0.0.1

## Print the benchmark figures quoted in the README.
bench: $(STAMP)
	$(PY) bench/bench_book_speed.py
	$(PY) bench/bench_recommended.py

clean-venv:
	rm -rf $(VENV)
