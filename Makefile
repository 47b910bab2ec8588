# make run   — install, migrate, seed the demo shop, serve it on http://127.0.0.1:8000 with a worker
# make run-split — the same shop as six services in their own processes and databases, behind nginx
# make test  — install, then run the whole suite (backend, then the browser tests in Chromium)
# make lint  — import-linter, ruff, mypy, makemigrations --check
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run run-split test test-backend test-browser fuzz-api lint lock clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12+ is needed (pyenv reads .python-version; or PYTHON=python3.12 make ...)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ with a task worker beside it; emails print here (Ctrl-C stops both)"
	@PATH="$(CURDIR)/$(VENV)/bin:$$PATH" HOST=$(HOST) SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}" \
		$(VENV)/bin/honcho start -f Procfile.dev -p $(PORT) || [ $$? = 130 ]  # 130: stopped by Ctrl-C

# The split shop: six services, each with its own process, worker and database, behind nginx.
run-split: $(STAMP)
	@PATH="$(CURDIR)/$(VENV)/bin:$$PATH:/usr/sbin" $(PY) manage.py run_split --port $(PORT) \
		--folder "$${SPLIT_FOLDER:-var/split}" --first-port "$${SPLIT_FIRST_PORT:-8101}" || [ $$? = 130 ]

test: $(STAMP) test-backend test-browser

test-backend: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile

test-browser: $(STAMP)
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then \
		$(PY) -m pytest -m browser -n 2 --dist loadfile; \
	else \
		echo "Chromium not found: browser tests skipped (apt-get install chromium)"; \
	fi

fuzz-api: $(STAMP)
	.ci/fuzz-api $(FUZZ_DATABASE_URL)

lint: $(STAMP)
	$(VENV)/bin/lint-imports importlinter.ini
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy contracts microstore apps/*/services apps/*/services.py apps/*/facade.py
	$(PY) manage.py makemigrations --check --dry-run

lock:
	rm -rf /tmp/microstore-lock && $(PYTHON) -m venv /tmp/microstore-lock
	/tmp/microstore-lock/bin/pip install --quiet .
	(echo "# Runtime dependencies, frozen for the Docker image. Regenerate: make lock"; \
	 /tmp/microstore-lock/bin/pip freeze --exclude microstore) > requirements.lock
	/tmp/microstore-lock/bin/pip install --quiet ".[dev]"
	(echo "# Everything (runtime + dev), frozen: make installs with -c constraints.txt. Regenerate: make lock"; \
	 /tmp/microstore-lock/bin/pip freeze --exclude microstore) > constraints.txt

clean:
	rm -rf $(VENV) staticfiles artifacts .mypy_cache .ruff_cache .hypothesis
