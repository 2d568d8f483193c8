# Xianning Gazette Portal. `make run` serves the portal with the sample issue; `make test` runs
# the whole suite. Both work from a clean clone: they create .venv, install, and start a private
# PostgreSQL under var/ when DATABASE_URL is unset.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 3
DEMO_ISSUE := documents/demo/xianning-2022-05.txt

# Local runs use a generated secret kept under var/ and the loopback host names; a deployment
# sets these in its environment (see .env.example), and then they are left alone.
export DJANGO_SECRET_KEY ?= $(shell mkdir -p var && { test -s var/secret_key || $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key; } && cat var/secret_key)
export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost,testserver
export PYTHONDONTWRITEBYTECODE = 1

.PHONY: help install install-dev lock run serve test lint format messages stop migrate demo browser pdf-libs clean bench-search bench-http

help:
	@echo "make run     serve the portal with the sample issue on http://$(HOST):$(PORT)/"
	@echo "make test    run the whole test suite (unit, integration, browser)"
	@echo "make lint    ruff, mypy and the migrations check"
	@echo "make stop    stop the embedded PostgreSQL"

# Every package, dependencies of dependencies included, is pinned with its hashes
# (requirements*.txt, compiled from requirements*.in; README, "Upgrading a package"), and pip
# refuses anything else.
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP_INSTALL) -r requirements.txt -r requirements-dev.txt
	@touch $@

# Recompile the pins after changing a requirements*.in file (or to upgrade: see README).
lock: install-dev
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in $(LOCK_ARGS)
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in $(LOCK_ARGS)

install: $(VENV)/.installed pdf-libs

install-dev: $(VENV)/.installed-dev

# After migrating, notices without a search index row (a database from before the index) get
# one: migrations never run the indexing code themselves (README, "Search").
migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py rebuild_search_index --missing

demo: migrate
	$(PY) manage.py load_demo $(DEMO_ISSUE)

# The portal and its task worker (manage.py db_worker: bulk downloads after a publication);
# Ctrl-C stops both.
run: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@$(PY) manage.py ensure_local_admin
	@$(PY) manage.py rebuild_downloads --if-missing
	@echo "咸宁市人民政府公报 is served at http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@$(PY) manage.py db_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn gazette_site.wsgi --config gunicorn.conf.py --bind $(HOST):$(PORT) --workers $(WORKERS)

# Browser tests need Debian's Chromium, and the importer's PDF round trips a Chinese font for
# Chromium to typeset with (fonts-noto-cjk); as root both are installed when missing. Without
# Chromium the browser tests fail under CI=true and are skipped (with the reason shown) elsewhere.
browser:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="chromium"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing $$missing for the browser tests…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# The notices' PDFs (/notices/<id>/pdf/) are typeset by WeasyPrint, which loads Pango, HarfBuzz
# (its subsetter too) and fontconfig from the system, and sets Chinese in Debian's Noto CJK faces;
# as root the Debian packages are installed when missing. Without them the PDFs and their tests fail.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-noto-cjk
pdf-libs:
	@command -v dpkg-query >/dev/null 2>&1 || exit 0; \
	missing=""; \
	for package in $(PDF_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing$$missing for the notices' PDFs…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "The notices' PDFs need$$missing (apt-get install$$missing)."; fi

# axe-core (npm, pinned in package-lock.json) is injected into pages by the browser tests to check
# accessibility. Without npm those checks are skipped, or fail under CI=true.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --omit=dev --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm is not installed: the browser tests' accessibility checks will be skipped."; fi

# On every core (pytest-xdist; each worker has a test database of its own). Work stealing: each
# worker starts on its own half of the modules (a module's sample is imported by one worker) and
# takes tests from the other when it runs out, so neither waits for the other's last long test.
# TEST_WORKERS=0 runs in one process; ARGS="--reuse-db" keeps the test databases between runs.
TEST_WORKERS ?= auto
test: install-dev browser pdf-libs $(AXE)
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Recompile the project's translations (locale/*/LC_MESSAGES/django.po → .mo, both committed;
# needs GNU gettext's msgfmt, apt-get install gettext).
messages:
	msgfmt --check-format -o locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.po

stop:
	@if [ -x $(PY) ]; then $(PY) -m gazette_site.embedded_db stop; else echo "Nothing to stop."; fi

clean: stop
	rm -rf var/staticfiles var/postgres

# Search benchmark (README, "Performance"): a synthetic corpus of DOCS notices in a database of
# its own on the embedded server, created and dropped by the run; writes var/bench/search.json.
# KEEP=1 keeps that database; REUSE=1 reuses a kept one of the same DOCS (no loading) and keeps it.
DOCS ?= 100000
bench-search: install-dev
	$(PY) -m bench.search --docs $(DOCS) $(if $(KEEP),--keep) $(if $(REUSE),--reuse) $(BENCH_ARGS)

# Operations (README, "Operations"). The load test runs gunicorn as deployed against a PostgreSQL
# of its own under var/loadtest (its fault drill stops that server, never the shared one) and
# needs wrk, installed from Debian when missing and root. DURATION=10 CONNECTIONS=16 for a short run.
.PHONY: wrk loadtest backup restore
DURATION ?= 60
CONNECTIONS ?= 64
LOADTEST_WORKERS ?= 5

wrk:
	@if ! command -v wrk >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's wrk for the load test…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	fi

loadtest: install wrk
	$(PY) -m ops.loadtest --duration $(DURATION) --connections $(CONNECTIONS) --workers $(LOADTEST_WORKERS)

# A directory under var/backups/ (DJANGO_BACKUP_DIR): the database (pg_dump, custom format),
# the uploaded files of DJANGO_MEDIA_ROOT, and a manifest of their SHA-256.
backup: install
	$(PY) manage.py backup

# Restores the backup FILE into a new database gazette_restore_<time> (or TARGET, which must be
# empty) and its files into a new directory (or MEDIA_TARGET, which must be empty), checked
# against the manifest, and prints how to switch; nothing being served is written.
restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/gazette-… [TARGET=name] [MEDIA_TARGET=dir]"; exit 2; }
	$(PY) manage.py restore "$(FILE)" $(if $(TARGET),--target "$(TARGET)") $(if $(MEDIA_TARGET),--media-target "$(MEDIA_TARGET)")

# HTTP benchmark (README, "Performance"): gunicorn as deployed (gunicorn.conf.py, collected
# static, DEBUG off) with the sample issue, and wrk (the `wrk` target above installs it) on
# loopback against /healthz, a notice, an issue, the project list and a search; writes
# var/bench/http.json and fails when the notice page serves under half of /healthz's rate.
bench-http: demo wrk
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m bench.http
