# Two commands for a fresh machine with Python 3.11+ and make:
#   make run    start the bot (terminal chat on the bundled article when no DISCORD_TOKEN is set)
#   make test   lint, type-check and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("article-bot needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# An editable install leaves the project's own modules uncompiled, and with
# PYTHONDONTWRITEBYTECODE set Python compiles them again on every start (about 35 ms of an
# `article-bot ask`): compileall writes their bytecode, and Python still checks it against
# the sources, so an edit is never run stale.
COMPILE := $(BIN)/python -m compileall -q bot retrieval

$(VENV)/.runtime: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	$(COMPILE)
	touch $@

$(VENV)/.dev: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(COMPILE)
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	@$(COMPILE)
	$(BIN)/article-bot

test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
