# Two commands on a fresh machine: `make run` and `make test`. Both build .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench load clean venv lock translations

venv: $(STAMP)

# Installs the exact versions of requirements/dev.txt (the lock), then the project itself without resolving again.
$(STAMP): pyproject.toml requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --requirement requirements/dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# Pins every dependency (and theirs) from pyproject.toml's ranges: run after changing a range, commit both files.
lock:
	$(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet pip-tools
	.lockenv/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe \
		--output-file requirements/runtime.txt pyproject.toml
	.lockenv/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe \
		--extra dev --constraint requirements/runtime.txt --output-file requirements/dev.txt pyproject.toml
	rm -rf .lockenv

run: $(STAMP)
	$(PY) -m bot run

test: $(STAMP)
	$(PY) -m pytest --cov --cov-report=term-missing:skip-covered --cov-fail-under=85

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy bot storage handlers
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	$(PY) -m bench.parse_bench
	$(PY) -m bench.import_bench
	$(PY) -m bench.masking_corpus
	$(PY) -m bench.reminders_bench
	$(PY) -m bench.profile_requests

load: $(STAMP)  # ~15 minutes per backend: see docs/performance.md
	$(PY) -m bench.load --backend sqlite --scenario both --duration 300 --bare-duration 120

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage

# Message keys from the code into the template, then into both catalogs (no .mo: bot/i18n.py compiles at start-up).
BABEL_KEYWORDS := --no-default-keywords -k t -k tn:1,1 -k N_ -k LocalizedError -k DocumentError -k EvidenceError -k UsageError
translations: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output --omit-header -w 120 \
		-o locales/messages.pot .
	$(VENV)/bin/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete \
		--ignore-pot-creation-date -w 120
