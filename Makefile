# Referral Tracker. `make run` starts the site; `make test` runs the suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
BENCH ?=
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/referral_tracker
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=

.PHONY: help venv deps dev-deps runtime-deps system-deps node-deps run demo test lint format bench mutate load-deps load faults attack proof check-postgres clean

help:
	@echo "make run     start the site and a worker on http://127.0.0.1:$(PORT) (SQLite + filesystem broker in var/)"
	@echo "make test    install what the tests need and run them on PostgreSQL"
	@echo "make lint    ruff check, ruff format --check, lint-imports (the architecture), makemigrations --check"
	@echo "make bench   run the benchmarks (BENCH=name runs one)"
	@echo "make mutate  mutation testing of the modules that guard families (MUTATE=\"access audit\" runs some; not in CI)"
	@echo "make load    50 people for 60 s on the whole stack (private PostgreSQL and Redis): latency, errors, lost writes"
	@echo "make faults  restart PostgreSQL and Redis, SIGKILL the worker, under load: 503s, recovery, lost writes"
	@echo "make attack  the hostile corpus (pytest -m attack): prints payloads tried and failures"
	@echo "make proof   attack, load, faults and bench one after another, then docs/figures.md (about 15 minutes)"

$(VENV)/bin/activate:
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Each stamp is rebuilt when its requirements file changes.
$(VENV)/.deps: requirements.txt | $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(VENV)/.deps $@

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

# What the product needs at run time (debian-packages.txt: libmagic1, the dossier's fonts, the capture worker's
# chromium), installed with apt-get where we are root. `make run` and `make test` both need it.
runtime-deps:
	@missing=""; \
	for package in $$(sed -e 's/#.*//' debian-packages.txt); do \
	  dpkg-query -W -f='$${Status}' "$$package" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing. Install them with: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

# And what the tests need: the PDF tools, npm, LibreOffice (an independent reader of the DOCX).
system-deps: runtime-deps
	@missing=""; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v qpdf >/dev/null || missing="$$missing qpdf"; \
	command -v pdfsig >/dev/null || missing="$$missing poppler-utils"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing. Install them with: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi
	@# docker-compose only validates docker-compose.yml in the tests; its recommended docker.io is not wanted.
	@if ! command -v docker-compose >/dev/null && ! docker compose version >/dev/null 2>&1 && [ "$$(id -u)" = "0" ]; then \
	  echo "Installing: docker-compose"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null; \
	fi

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

node-deps: node_modules/.installed

run: deps runtime-deps
	@mkdir -p var
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(PY) manage.py prepare_keys
	DEBUG=$${DEBUG:-1} $(PY) manage.py demo_data
	@echo "Starting the site on http://127.0.0.1:$(PORT)  (Ctrl-C stops the web server and the worker)"
	DEBUG=$${DEBUG:-1} PATH="$(CURDIR)/$(VENV)/bin:$$PATH" PORT=$(PORT) $(PY) scripts/devserver.py

check-postgres: dev-deps
	@DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" $(PY) scripts/check_postgres.py

test: dev-deps system-deps node-deps check-postgres
	DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" \
	CELERY_BROKER_URL="$${TEST_BROKER_URL:-$(TEST_BROKER_URL)}" \
	DEBUG=0 SECRET_KEY=test-only-secret-key-not-for-production \
	sh -c '$(PY) manage.py collectstatic --no-input -v0 && $(VENV)/bin/pytest $(PYTEST_ARGS)'

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

format: dev-deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: dev-deps check-postgres
	DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" \
	DEBUG=0 SECRET_KEY=bench-only-secret-key-not-for-production \
	$(PY) bench/run.py $(BENCH)

# Mutation testing (not in CI; minutes a module): scripts/mutate.py copies the repository to MUTATE_WORK
# (/tmp/mutate-work) and runs mutmut in the copy, one module at a time with that module's tests, so the
# working tree is never mutated. Prints each module's score and every surviving mutant (file:line, diff);
# docs/mutation.md records them. MUTATE="access audit" runs some; `scripts/mutate.py --list` names them.
MUTATE ?=

mutate: dev-deps check-postgres
	MUTATE_DATABASE_URL="$${MUTATE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/rt_mutate}" \
	MUTATE_BROKER_URL="$${MUTATE_BROKER_URL:-$(TEST_BROKER_URL)}" \
	$(PY) scripts/mutate.py $(MUTATE)

# Load and fault drills (loadtest/): the production shape on this machine, with a private PostgreSQL
# cluster and redis-server of their own on free ports (the shared 5432 and 6379 are never touched),
# gunicorn with 2 workers, one Celery worker and beat, driven by locust. Each prints `name value unit`
# lines, writes var/proof/load.json or faults.json, and exits non-zero if a goal is missed.
# LOAD_ARGS passes options, e.g. LOAD_ARGS="--users 20 --keep". locust (and gevent) only come from
# requirements-load.txt, so that `make test` never installs them.
LOAD_ARGS ?=

$(VENV)/.load-deps: requirements.txt requirements-dev.txt requirements-load.txt | $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements-load.txt
	touch $(VENV)/.deps $(VENV)/.dev-deps $@

load-deps: $(VENV)/.load-deps

load: load-deps
	$(PY) -m loadtest.run_load $(LOAD_ARGS)

faults: load-deps
	$(PY) -m loadtest.run_faults $(LOAD_ARGS)

# The hostile corpus: every test marked `attack` (XSS and markup in every form and API field, escaped in
# HTML and printed as text in the PDF; uploads; SSRF; CSRF; the IDOR sweeps; security headers; check
# --deploy), in the same environment as `make test`. Prints attack_payloads_tried and attack_failures,
# writes var/proof/attack.json, and exits non-zero if anything got through.
attack: dev-deps system-deps check-postgres
	DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" \
	CELERY_BROKER_URL="$${TEST_BROKER_URL:-$(TEST_BROKER_URL)}" \
	DEBUG=0 SECRET_KEY=test-only-secret-key-not-for-production \
	sh -c '$(PY) manage.py collectstatic --no-input -v0 && $(VENV)/bin/pytest -m attack $(PYTEST_ARGS)'

# The figures anyone can reproduce: the four commands one after another (each runs even if one before
# it failed), then docs/figures.md from what they saved. Exits non-zero if any of them failed or a
# benchmark missed its goal. Run it on a quiet machine: the latencies are wall-clock times.
proof: load-deps
	@start=$$(date +%s); status=""; \
	for step in attack load faults bench; do \
	  echo "=== make $$step"; \
	  $(MAKE) --no-print-directory $$step; status="$$status $$step=$$?"; \
	done; \
	$(PY) scripts/figures.py --since $$start --status $$status

clean:
	rm -rf $(VENV) node_modules
