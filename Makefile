# The two front-door commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test setup lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core, which the browser tests run in each page to check its accessibility (package-lock.json pins it).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

## Set up the local database: migrate, seed the forum and study claims (idempotent), queue untagged posts,
## create the demo accounts.
setup: $(VENV)/.installed
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_forum
	$(BIN)/python manage.py loaddata study_claims
	$(BIN)/python manage.py rebuild_rollups
	$(BIN)/python manage.py retag --stale --no-wait
	$(BIN)/python manage.py demo_accounts --url http://127.0.0.1:$(PORT)

## Run the seeded forum with a Celery worker and beat (SQLite and a file broker unless DATABASE_URL/REDIS_URL).
run: setup
	PORT=$(PORT) $(BIN)/honcho -f Procfile.local start

## Run the whole test suite.
test: $(VENV)/.installed-dev node_modules/.installed
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf var
