# Portcullis: the two commands are `make demo` and `make test`; everything else they need
# is installed by `make install` into .venv (Python 3.11+ and make are all it takes).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib,sys;print(hashlib.sha256(open('pyproject.toml','rb').read()).hexdigest()[:12])")

# PostgreSQL for the second test run: PORTCULLIS_TEST_POSTGRES=1 (the local server) or a URL,
# or a postgres:// DATABASE_URL.
PG_LOCAL := postgres://postgres@127.0.0.1:5432/test
PG_URL := $(strip $(or $(filter postgres%,$(DATABASE_URL)),$(filter postgres%,$(PORTCULLIS_TEST_POSTGRES)),$(if $(PORTCULLIS_TEST_POSTGRES),$(PG_LOCAL))))

.PHONY: install demo test lint test-sqlite test-postgres benchmark clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c "import sys; sys.exit('Portcullis needs Python 3.11 or newer (found %s)' % sys.version.split()[0]) if sys.version_info < (3, 11) else None"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

demo: install
	$(BIN)/portcullis demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest -n auto

test-postgres: install
	@if [ -z "$(PG_URL)" ]; then \
		echo "PostgreSQL tests skipped: set PORTCULLIS_TEST_POSTGRES=1 (or a postgres:// URL) to run them"; \
	else \
		echo "Database tests on PostgreSQL"; \
		DATABASE_URL="$(PG_URL)" $(BIN)/pytest -n auto tests/web; \
	fi

test: lint test-sqlite test-postgres

benchmark: install
	$(BIN)/python benchmarks/import_kcs.py
	$(BIN)/python benchmarks/assess_batch.py
	$(BIN)/python benchmarks/assess_single.py
	$(BIN)/python benchmarks/load_api.py
	$(BIN)/python benchmarks/pages.py
	$(BIN)/python benchmarks/backtest.py
	$(BIN)/python benchmarks/backtest_db.py
	$(BIN)/python benchmarks/figures_growth.py
	$(BIN)/python benchmarks/serving_state.py
	$(BIN)/python benchmarks/refresh_cost.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
