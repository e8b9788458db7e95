# Two entry points for a fresh machine: `make run` (the main job) and `make test` (every test).
# Both create .venv and install what they need on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: run test lint clean chromium lock

# constraints.txt holds the versions the tests passed with, so a fresh machine gets those.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
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
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest
	$(BIN)/coverage combine --quiet
	$(BIN)/coverage report

lint: $(STAMP)
	$(BIN)/ruff check sim tests dashboard benchmarks
	$(BIN)/ruff format --check sim tests dashboard benchmarks
	$(BIN)/mypy sim dashboard

# Newest versions pyproject.toml allows, written to constraints.txt; run make test after it and
# raise the floors in pyproject.toml to the versions tested (tests/test_packaging.py checks).
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet -e '.[test]'
	{ sed -n '1,2p' constraints.txt; .lock-venv/bin/pip freeze --exclude-editable; } > constraints.new
	mv constraints.new constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) build *.egg-info .coverage .coverage.*
