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

.PHONY: browser console-messages console-screenshots bandit run test lint typecheck bench bench-audit bench-rate-limits bench-read-bounds bench-ingest bench-names bench-search bench-profile bench-biometrics bench-scale bench-gateway bench-copies bench-tools lock clean sbom audit fuzz security

# PyICU (search's transliteration) compiles against the system's ICU: say so before pip fails.
# The locked pip is installed first: the pip a new venv brings (23.2 with Python 3.11.7) takes
# an extra's requirement (pip-audit's CacheControl[filecache]>=0.13) as free of the lock's pin
# and refuses the newest release for its missing hash; the locked pip honours the pin.
$(BIN)/limes: requirements/dev.lock pyproject.toml
	@pkg-config --exists icu-uc icu-i18n || { echo "ICU's development files are missing:" \
	    "install them (Debian/Ubuntu: apt-get install libicu-dev pkg-config g++)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	sed -n '/^pip==/,/# via/p' requirements/dev.lock \
	    | $(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r /dev/stdin
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# The demo server trusts a principal header without proof (LIMES_AUTH=unsafe-dev-headers):
# allowed only in development and on loopback, and said so loudly at start.
# ./var is a development installation (it records so in ./var/environment at init).
# The console's demo users (`limes dev accounts`) get new passwords and TOTP secrets at
# every start, printed here once; `limes --var ./var dev totp USERNAME` prints a code.
run: $(BIN)/limes
	LIMES_ENV=development $(BIN)/limes --var $(VAR) init
	LIMES_ENV=development $(BIN)/limes --var $(VAR) demo --persons $(DEMO_PERSONS) \
	    --objects $(DEMO_OBJECTS) --seed 1 --if-empty
	LIMES_ENV=development $(BIN)/limes --var $(VAR) dev accounts --format table
	@echo "The console: http://$(HOST):$(PORT)/console/login"
	LIMES_ENV=development LIMES_AUTH=unsafe-dev-headers \
	    $(BIN)/limes --var $(VAR) serve --host $(HOST) --port $(PORT) --show-first-search

# lint-imports checks the layer contracts of pyproject.toml (docs/architecture.md, "Layers");
# it takes under a second, so it keeps no cache folder.
test: $(BIN)/limes
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/pytest -q

# The console's browser tests drive Debian's chromium (Playwright's own download is not
# used): installed here when missing (needs root, as in CI); without it they are skipped
# with the reason, except under CI=true, where they fail.
browser:
	@command -v chromium >/dev/null || { apt-get update && apt-get install -y chromium; }
	@chromium --version 2>/dev/null | head -1

# The console's translations: extract the templates' texts, merge them into each
# catalogue and compile the .mo files shipped beside the .po (tests/console/test_i18n.py
# checks that both agree and that nothing is left untranslated).
CONSOLE := src/limes/console
console-messages: $(BIN)/limes
	@mkdir -p build
	$(BIN)/pybabel extract -F $(CONSOLE)/babel.cfg -o build/console.pot --no-location --project limes $(CONSOLE)
	$(BIN)/pybabel update -i build/console.pot -d $(CONSOLE)/locale --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d $(CONSOLE)/locale --statistics

# Screenshots of the console's main screens, taken by the browser tests (docs/console/).
console-screenshots: $(BIN)/limes browser
	LIMES_SCREENSHOTS=docs/console $(BIN)/pytest -q tests/console/test_browser.py

# Every benchmark, one after the other (about an hour at the default, full sizes).
bench: bench-ingest bench-names bench-search bench-audit bench-biometrics bench-rate-limits bench-read-bounds bench-gateway bench-copies

bench-ingest: $(BIN)/limes
	$(BIN)/python -m bench.ingest_stages
	$(BIN)/python -m bench.ingest

# Screening queries/s and p50/p99 through the gateway (issue 20): the external system,
# `python -m limes.gateway` and `limes serve` over mutual TLS, all on this machine's cores.
bench-gateway: $(BIN)/limes
	$(BIN)/python -m bench.gateway $(GATEWAY_ARGS)

# Name-matching quality against OpenSanctions' nomenklatura (logic-v2), which runs in a venv
# of its own (requirements/peer.lock, hashed) and never beside Limes.
PEER_VENV := build/peer-venv
$(PEER_VENV)/bin/python: requirements/peer.lock
	$(PYTHON) -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/peer.lock
	touch $@

bench-names: $(BIN)/limes $(PEER_VENV)/bin/python
	$(BIN)/python -m bench.names

# wrk drives the HTTP part of bench/search (Debian package; installing it needs root).
bench-tools:
	@command -v wrk >/dev/null || apt-get install -y wrk

# Search speed (issue 5): in-process at 1.7 M persons + 10 M objects, start-up from the
# store, freshness, HTTP with 2 workers in each --search-index mode (shared, per-worker;
# and 1 worker, for the ratio) ending in issue 13's aims table of the faster mode with the
# server's CPU per request, then the per-stage CPU breakdown of
# bench-profile over the HTTP part's store; figures in build/bench-search/.
bench-search: $(BIN)/limes bench-tools
	mkdir -p build/bench-search
	$(BIN)/python -m bench.search 2>&1 | tee build/bench-search/bench.log

# Where a request's CPU time goes (issue 13): one in-process app driven through ASGI, a
# per-stage breakdown of person search, alert read and health; no server, about a minute.
# (PROFILE_ARGS="--endpoints persons,objects,mrz,alert,health" for every endpoint)
bench-profile: $(BIN)/limes
	$(BIN)/python -m bench.search.profile $(PROFILE_ARGS)

# Durable audit appends/s and latency with 1, 2, 4 appending processes (issue 13): each
# appending itself, and through the one audit writer of `limes serve --workers N`.
bench-audit: $(BIN)/limes
	$(BIN)/python -m bench.audit.appends $(AUDIT_ARGS)

# Fingerprint accuracy and speed on the seeded synthetic sets (issue 16): EER, rank-1, FNIR
# at FPIR, the index's penetration vs hit rate, enrolment and 1:N time with a linear fit to
# 1 M and 10 M fingers; about 10 minutes. One BLAS thread: the matrix products are small.
bench-biometrics: $(BIN)/limes
	mkdir -p build/bench-biometrics
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -u -m bench.biometrics.run $(BIOMETRICS_ARGS) 2>&1 \
	    | tee build/bench-biometrics/bench.log
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -u -m bench.biometrics.faces $(FACES_ARGS) 2>&1 \
	    | tee build/bench-biometrics/faces.log
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -u -m bench.biometrics.face_index $(FACE_INDEX_ARGS) 2>&1 \
	    | tee build/bench-biometrics/face_index.log

# What one rate-limit admit costs (issue 13): the buckets of one process, the table the
# workers of `limes serve --workers N` share, and a SQLite file for comparison; 1 and 2 processes.
# Issue 15: load rate, disk bytes per alert, snapshot, start-up, index memory and search
# latency at several sizes, with a linear fit to SIS's 93 M alerts (SCALE_ARGS="--sizes ...").
bench-scale: $(BIN)/limes
	mkdir -p build/bench-scale
	$(BIN)/python -u -m bench.scale $(SCALE_ARGS) 2>&1 | tee build/bench-scale/bench.log

bench-rate-limits: $(BIN)/limes
	$(BIN)/python -m bench.rate_limits

# What the read bounds cost an answer as an authority's ledger grows (issue 13).
bench-read-bounds: $(BIN)/limes
	$(BIN)/python -m bench.read_bounds

# National copies (issue 17): replication lag p50/p99 at 500 and 2,000 alert writes/s through
# a nats-server of its own, catch-up from NATS and from GET /v1/feed, initial copy time per
# million (extrapolated from --catch-up alerts), search latency at the copy; a few minutes.
bench-copies: $(BIN)/limes
	$(BIN)/python -m bench.copies $(COPIES_ARGS)

# Regenerates the lock files (needs pip-tools in a throw-away venv; it is not a project dependency).
# pip-compile keeps existing pins: `make lock UPGRADE=1` moves every pin to its latest release.
# The throw-away venv lives in this work tree's build/, so that two checkouts can lock at once.
LOCK_FLAGS := --generate-hashes --allow-unsafe --strip-extras $(if $(UPGRADE),--upgrade)
LOCK_VENV  := $(abspath build/lock-venv)
lock:
	$(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install --quiet pip-tools
	cd requirements && $(LOCK_VENV)/bin/pip-compile -q $(LOCK_FLAGS) -o runtime.lock runtime.in
	cd requirements && $(LOCK_VENV)/bin/pip-compile -q $(LOCK_FLAGS) -o dev.lock dev.in
	cd requirements && $(LOCK_VENV)/bin/pip-compile -q $(LOCK_FLAGS) -o peer.lock peer.in

clean:
	rm -rf $(VENV) $(VAR) .mypy_cache .pytest_cache .ruff_cache

# -- supply chain and attack surface (docs/security.md) ------------------------------------
# sbom: CycloneDX JSON SBOM of .venv (validated against the CycloneDX schema), then checked
# against the lock: every pin at its version, nothing unpinned but limes itself.
# audit: pip-audit of both locks with PyPI's advisories; --strict, so a dependency it cannot
# audit fails the run instead of being skipped in silence.
# security: what CI gates on: bandit (medium+ findings), the SBOM check, and the patch
# deadlines (limes security posture --enforce; needs https://pypi.org).
# fuzz: the parser properties with many random examples (make test runs few, derandomised).
SBOM            := build/sbom.cdx.json
POSTURE_JSON    := build/posture.json
BANDIT_FLAGS    := --recursive --quiet --severity-level medium --confidence-level low
PIP_AUDIT_FLAGS := --strict --require-hashes --disable-pip --vulnerability-service pypi \
                   --progress-spinner off --timeout 15
FUZZ_EXAMPLES   ?= 2000

sbom: $(BIN)/limes
	mkdir -p $(dir $(SBOM))
	$(BIN)/cyclonedx-py environment --pyproject pyproject.toml --mc-type application \
	    --of JSON -o $(SBOM) $(VENV)
	$(BIN)/python -m limes.supplychain.sbom $(SBOM) requirements/dev.lock

audit: $(BIN)/limes
	$(BIN)/pip-audit $(PIP_AUDIT_FLAGS) -r requirements/runtime.lock
	$(BIN)/pip-audit $(PIP_AUDIT_FLAGS) -r requirements/dev.lock

fuzz: $(BIN)/limes
	LIMES_FUZZ=long LIMES_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
	    $(BIN)/pytest -q tests/security/test_fuzz_parsers.py tests/security/test_fuzz_tokens.py

bandit: $(BIN)/limes
	$(BIN)/bandit $(BANDIT_FLAGS) src

security: sbom bandit
	$(BIN)/limes security posture --enforce --json $(POSTURE_JSON)
