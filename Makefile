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

.PHONY: help install install-dev run serve test lint format stop migrate demo browser clean

help:
	@echo "make run     serve the portal with the sample issue on http://$(HOST):$(PORT)/"
	@echo "make test    run the whole test suite (unit, integration, browser)"
	@echo "make lint    ruff and the migrations check"
	@echo "make stop    stop the embedded PostgreSQL"

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo $(DEMO_ISSUE)

run: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@$(PY) manage.py ensure_local_admin
	@echo "咸宁市人民政府公报 is served at http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(VENV)/bin/gunicorn gazette_site.wsgi --config gunicorn.conf.py --bind $(HOST):$(PORT) --workers $(WORKERS)

# Browser tests need Debian's Chromium; as root it is installed when missing. Without it the
# browser tests fail under CI=true and are skipped (with the reason shown) elsewhere.
browser:
	@if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

test: install-dev browser
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m pytest $(ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

stop:
	@if [ -x $(PY) ]; then $(PY) -m gazette_site.embedded_db stop; else echo "Nothing to stop."; fi

clean: stop
	rm -rf var/staticfiles var/postgres
