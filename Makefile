# `make run` and `make test` do all the set-up on a fresh machine (Python 3.11+ and pip).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint format catalogs compile-catalogs migrate clean

run: $(STAMP) compile-catalogs
	$(BIN)/erstkontakt run

test: $(STAMP) compile-catalogs
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

compile-catalogs: $(STAMP)
	$(BIN)/python tools/catalogs.py compile

# For maintainers after changing texts in the code: rewrites locales/messages.pot and *.po.
catalogs: $(STAMP)
	$(BIN)/python tools/catalogs.py update
	$(BIN)/python tools/catalogs.py compile

migrate: $(STAMP)
	$(BIN)/erstkontakt migrate

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) build *.egg-info
	find locales -name '*.mo' -delete
