# Two entry points for a fresh machine: `make run` (the main job) and `make test` (every test).
# Both create .venv and install what they need on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: run test lint clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The dashboard on the default scenario: open http://localhost:$(PORT) in a browser.
run: $(STAMP)
	$(BIN)/microcare dashboard --port $(PORT)

# The browser test drives Debian's Chromium (Playwright cannot download browsers here).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else \
			echo "note: /usr/bin/chromium is missing: 'sudo apt-get install chromium' for the browser test"; \
		fi; \
	fi

test: $(STAMP) chromium
	$(BIN)/ruff check sim tests dashboard benchmarks
	$(BIN)/ruff format --check sim tests dashboard benchmarks
	$(BIN)/mypy sim dashboard
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check sim tests dashboard benchmarks
	$(BIN)/ruff format --check sim tests dashboard benchmarks
	$(BIN)/mypy sim dashboard

clean:
	rm -rf $(VENV) build *.egg-info
