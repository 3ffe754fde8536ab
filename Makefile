# Inkling — `make run` and `make test` are the whole set-up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev lint format clean

run: $(BIN)/.installed ## install, migrate the database, load the words and models, serve on http://$(HOST):$(PORT)
	$(BIN)/inkling db upgrade
	$(BIN)/inkling words load
	$(BIN)/inkling models load
	$(BIN)/inkling serve --host $(HOST) --port $(PORT)

AXE := tests/e2e/axe/node_modules/axe-core/axe.min.js

test: $(BIN)/.installed-dev $(AXE) ## install test and training tools (tests train tiny models) and run the whole suite
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/python -m pytest

install: $(BIN)/.installed
install-dev: $(BIN)/.installed-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(BIN)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(BIN)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[train,dev]"
	touch $@ $(BIN)/.installed

# axe-core for the browser tests' accessibility check (npm; skipped with a message where npm fails)
$(AXE): tests/e2e/axe/package.json tests/e2e/axe/package-lock.json
	-cd tests/e2e/axe && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/axe-core/axe.min.js

lint: $(BIN)/.installed-dev ## ruff lint and format check
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: $(BIN)/.installed-dev
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
