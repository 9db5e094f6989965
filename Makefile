# Two commands on a fresh machine: `make run` and `make test`. Both build .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench load clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

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
