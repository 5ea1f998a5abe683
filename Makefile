# The two commands a newcomer runs (README.md): `make demo` and `make test`.
# Both create the virtual environment if it is missing and install dunwatch into it.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Reinstall whenever the project's dependencies change.
STAMP := $(VENV)/.installed

.PHONY: demo test bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	scripts/install-debian-packages.sh runtime
	$(BIN)/dunwatch demo --out demo-case

test: $(STAMP)
	scripts/install-debian-packages.sh runtime test
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) demo-case bench/out
