# WIP Portal — two commands: `make run` and `make test`. Both set everything up on a
# fresh machine with only Python 3.11+ and make.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test venv install install-dev messages compilemessages demo lint format bench bench-rush security integration browser clean help

help:
	@echo "make run    - set up and serve the portal with demo data on http://$(HOST):$(PORT)/"
	@echo "make test   - set up, lint and run the test suite"
	@echo "make bench  - run the benchmarks in bench/ and write bench/results.json"
	@echo "make bench-rush - the deadline-rush load test (Locust, gunicorn on PostgreSQL)"
	@echo "make security - bandit over the portal's code"
	@echo "make integration - the suite on PostgreSQL + Redis with a real Celery worker"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "WIP Portal needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.3"

# Reinstall only when a requirements file changes.
$(VENV)/.installed: requirements.txt build-constraints.txt | $(PY)
	$(PY) -m pip install --quiet --build-constraint build-constraints.txt -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --build-constraint build-constraints.txt -r requirements-dev.txt
	@touch $@

# Locust and its dependencies, only for the load test.
$(VENV)/.installed-bench: $(VENV)/.installed-dev requirements-bench.txt
	$(PY) -m pip install --quiet --build-constraint build-constraints.txt -r requirements-bench.txt
	@touch $@

install: $(VENV)/.installed compilemessages
install-dev: $(VENV)/.installed-dev compilemessages

# Compiled catalogues are built from the .po files with polib: no GNU gettext needed.
compilemessages: $(VENV)/.installed
	@$(PY) scripts/compilemessages.py

# Extracting new strings needs GNU gettext (apt-get install gettext); only translators need it.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --no-location --no-obsolete -l es -l fr -l pt --ignore="bench/*" --ignore="tests/*" --ignore="*/tests/*"

demo: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo

run: demo
	@if [ -n "$$REDIS_URL" ]; then \
		echo "REDIS_URL is set: starting a Celery worker and beat."; \
		$(BIN)/celery -A wip_portal worker --beat --loglevel=INFO --concurrency=2 --schedule=/tmp/wip-portal-beat & \
		trap 'kill %1 2>/dev/null' EXIT INT TERM; \
		DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT); \
	else \
		DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT); \
	fi

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL with a real Celery worker on Redis; see .ci/run.
integration: install-dev
	@test -n "$$DATABASE_URL" -a -n "$$REDIS_URL" || { echo "Set DATABASE_URL and REDIS_URL."; exit 2; }
	WIP_INTEGRATION=1 $(BIN)/pytest $(PYTEST_ARGS)

bench: install-dev
	$(PY) -m bench $(BENCH_ARGS)

# 100 producers in the last minutes before a deadline (see bench/deadline_rush.py); needs
# DATABASE_URL on a throwaway PostgreSQL database whose name contains "bench".
bench-rush: $(VENV)/.installed-bench compilemessages
	$(PY) -m bench.deadline_rush $(RUSH_ARGS)

security: install-dev
	$(BIN)/bandit -q -c pyproject.toml -r .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
