# The two commands: `make run` and `make test`. Everything they need is installed here,
# from the lock files with hashes, into .venv.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
VAR    := ./var
HOST   ?= 127.0.0.1
PORT   ?= 8080
DEMO_PERSONS ?= 2000
DEMO_OBJECTS ?= 8000

.PHONY: run test lint typecheck bench lock clean

$(BIN)/limes: requirements/dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# The demo server trusts a principal header without proof (LIMES_AUTH=unsafe-dev-headers):
# allowed only in development and on loopback, and said so loudly at start.
run: $(BIN)/limes
	$(BIN)/limes --var $(VAR) init
	$(BIN)/limes --var $(VAR) demo --persons $(DEMO_PERSONS) --objects $(DEMO_OBJECTS) --seed 1 --if-empty
	LIMES_ENV=development LIMES_AUTH=unsafe-dev-headers \
	    $(BIN)/limes --var $(VAR) serve --host $(HOST) --port $(PORT) --show-first-search

test: $(BIN)/limes
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

bench: $(BIN)/limes
	$(BIN)/python -m bench.ingest

# Regenerates the lock files (needs pip-tools in a throw-away venv; it is not a project dependency).
lock:
	$(PYTHON) -m venv /tmp/limes-lockenv && /tmp/limes-lockenv/bin/pip install --quiet pip-tools
	cd requirements && /tmp/limes-lockenv/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o runtime.lock runtime.in
	cd requirements && /tmp/limes-lockenv/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o dev.lock dev.in

clean:
	rm -rf $(VENV) $(VAR) .mypy_cache .pytest_cache .ruff_cache
