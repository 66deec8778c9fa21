# make run   - install, seed the demo store if it is empty, serve the dashboard on 127.0.0.1:8501
# make test  - install the dev tools, then ruff, mypy and the whole pytest suite (the default)
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
PORT   ?= 8501

.DEFAULT_GOAL := test
.PHONY: run test lint typecheck pytest app-deps dev-deps clean bench openapi lambda-bundle

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.app-deps: $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/pip install -q -r requirements.txt -e .
	touch $@

$(VENV)/.dev-deps: $(VENV)/.app-deps requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

app-deps: $(VENV)/.app-deps
dev-deps: $(VENV)/.dev-deps

run: app-deps
	$(BIN)/soulmate seed-demo --if-empty
	$(BIN)/streamlit run dashboard.py --server.address=127.0.0.1 --server.port=$(PORT) --server.headless=true

lint: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check soulmate_core

typecheck: dev-deps
	$(BIN)/mypy

pytest: dev-deps
	$(BIN)/pytest

test: lint typecheck pytest

# make bench - the import + matches --all sequence on ../shared/data/lastfm-hetrec-dev, timed by stage
bench: app-deps
	$(BIN)/python benchmarks/dev_data.py

# make openapi - regenerate the checked-in openapi.yaml from the API's resolver
openapi: dev-deps
	$(BIN)/python -m soulmate_api.openapi openapi.yaml

# make lambda-bundle - build/lambda/ (SAM's CodeUri) and build/lambda-bundle.zip, handler deps only
lambda-bundle: app-deps
	$(BIN)/python tools/lambda_bundle.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache artifacts
