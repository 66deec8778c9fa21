# make run       - install, seed the demo store if it is empty, serve the dashboard on 127.0.0.1:8501
# make test      - install the dev tools, then ruff, mypy, the import contracts and the whole pytest suite
# make test-fast - the inner loop: lint and the quick tests, in under a minute
# make mutation  - mutation testing of the matcher (scoring, index, population); slow, so not in make test
# make mutation-explain - every figure and reason the dashboard states about a score, changed one at a
#                  time: each change must make the explanation tests fail
VENV   ?= .venv
# One Python minor version for the tests, the Lambda runtime (template.yaml) and CI: .python-version
PYTHON ?= python$(shell cat .python-version)
BIN    := $(VENV)/bin
PORT   ?= 8501

.DEFAULT_GOAL := test
.PHONY: run test test-fast lint typecheck pytest app-deps dev-deps clean bench bench-quick openapi lambda-bundle lock mutation mutation-explain

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The pinned exports of uv.lock, then the project itself without touching those pins.
$(VENV)/.app-deps: $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
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
	$(BIN)/ruff format --check soulmate_core soulmate_adapters soulmate_cli soulmate_card
	$(BIN)/lint-imports

typecheck: dev-deps
	$(BIN)/mypy

pytest: dev-deps
	$(BIN)/pytest

test: lint typecheck pytest

test-fast: lint
	$(BIN)/pytest -q -m "not slow and not browser and not notebook"

# A fresh run each time ([tool.mutmut] in pyproject.toml says what is mutated and which tests run),
# then the mutants no test killed and the totals.
mutation: dev-deps
	rm -rf mutants
	$(BIN)/mutmut run
	$(BIN)/mutmut results
	$(BIN)/mutmut export-cicd-stats
	$(BIN)/python tools/mutation_summary.py mutants/mutmut-cicd-stats.json

mutation-explain: dev-deps
	$(BIN)/python tools/explanation_mutations.py

# make lock - re-pin after changing pyproject.toml: uv.lock, then the requirements*.txt exported from it
lock: dev-deps
	$(BIN)/uv lock
	$(BIN)/python tools/requirements.py

# make bench - the dev-data CLI sequence by stage, importing a 10-year history of 200,000 plays, then
# the match index at 10^4, 10^5 and 10^6 users
bench: dev-deps
	$(BIN)/python benchmarks/dev_data.py
	$(BIN)/python -m benchmarks.bench_import
	$(BIN)/python -m benchmarks.bench_matching --sizes 10000 100000 1000000

# make bench-quick - importing the 10-year history, then the match index at 10^4 and 10^5 users
# (the history and the synthetic stores are kept in $TMPDIR)
bench-quick: dev-deps
	$(BIN)/python -m benchmarks.bench_import
	$(BIN)/python -m benchmarks.bench_matching --sizes 10000 100000

# make openapi - regenerate the checked-in openapi.yaml from the API's resolver
openapi: dev-deps
	$(BIN)/python -m soulmate_api.openapi openapi.yaml

# make lambda-bundle - build/lambda/ (SAM's CodeUri) and build/lambda-bundle.zip, handler deps only
lambda-bundle: app-deps
	$(BIN)/python tools/lambda_bundle.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache artifacts mutants
