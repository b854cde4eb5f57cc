# Set-up on a fresh machine: `make demo` (the app with demo data) and `make test` (the suite).
PYTHON ?= python3
VENV := .venv
# The port `make demo` serves on: `make demo PORT=8000`.
PORT ?= 5000
BIN := $(VENV)/bin

.PHONY: demo test lint install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/oko demo --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/oko questionnaire check $(filter-out %.indicators.yaml,$(wildcard questionnaires/*.yaml))
