# Two entry points for a fresh machine: `make run` (the main job) and `make test` (every test).
# Both create .venv and install what they need on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/microcare run

test: $(STAMP)
	$(BIN)/ruff check sim tests
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check sim tests
	$(BIN)/ruff format --check sim tests

clean:
	rm -rf $(VENV) build *.egg-info
