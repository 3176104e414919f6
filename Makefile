# The two commands of the README, and a few conveniences. The install is redone when the project or
# its C extension (setup.py, nlu/_trigrams.c) changes: an editable install builds the extension in place.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test install lint bench

$(BIN)/khaacho: pyproject.toml setup.py nlu/_trigrams.c
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/khaacho

install: $(BIN)/khaacho

## run: install, migrate, seed the demo, start the webhook server and the worker
run: install
	$(BIN)/khaacho run

## test: ruff, mypy on the typed core, and the whole test suite on real PostgreSQL and Redis (embedded when DATABASE_URL/REDIS_URL are unset)
test: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
