# The front door. `make run` starts the app on embedded defaults; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
PY := .venv/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
export MLFLOW_DISABLE_TELEMETRY := true
CLIENT_EXISTS := $(wildcard client/package.json)

.PHONY: run test install workspace client lint fmt typecheck test-unit test-integration \
	test-contract test-e2e emulator dev migrate bench deploy-rehearsal clean client-api \
	client-typecheck requirements lighthouse validate-bundle mutation client-lint test-client observe

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: .venv/.synced ## Python environment from the lock file

workspace: install ## prepare the embedded local workspace (sample data, models) when missing
	$(PY) -m scripts.setup_sample_data --create-all --if-missing

client/node_modules/.installed: client/package.json client/package-lock.json
	cd client && npm ci --no-audit --no-fund --loglevel=error
	touch $@

CLIENT_SOURCES := $(shell find client/src client/scripts -type f 2>/dev/null) client/index.html client/vite.config.ts

client/dist/index.html: client/node_modules/.installed $(CLIENT_SOURCES)
	cd client && npx vite build --logLevel warn && node scripts/compress.mjs

client: client/dist/index.html ## build the web client into client/dist

client-api: install client/node_modules/.installed ## regenerate client/openapi.json and the TypeScript API types
	$(PY) -m scripts.make_fastapi_client

client-typecheck: client/node_modules/.installed
	cd client && npx tsc --noEmit

client-lint: client/node_modules/.installed ## Biome: the web client's lint and format check
	cd client && npm run --silent lint

test-client: client/node_modules/.installed ## Vitest: unit tests of the web client's helpers
	cd client && npm run --silent test

dev: install workspace client/node_modules/.installed ## Vite dev server on :5173 (proxying /api) + backend with reload
	trap 'kill 0' EXIT; (cd client && npx vite) & LOG_FORMAT=$${LOG_FORMAT:-text} $(PY) -m uvicorn server.app:worker_app --factory --reload --port 8000

run: install client workspace ## start the app on http://127.0.0.1:8000 (embedded defaults)
	$(PY) -m server

observe: install client workspace ## the app with its traces sent over OTLP to a local Arize Phoenix (UI on :6006)
	$(PY) -m scripts.observe

emulator: install ## run the Databricks REST emulator on http://127.0.0.1:8787
	$(PY) -m emulator

validate-bundle: install ## check databricks.yml and app.yaml against the bundle schema's facts, offline
	$(PY) -m scripts.validate_bundle

lint: install validate-bundle client-lint ## ruff, formatting, the import contracts (pyproject.toml [tool.importlinter]) and Biome
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	.venv/bin/lint-imports --no-cache --no-logo

fmt: install client/node_modules/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .
	cd client && npm run --silent format

typecheck: install
	$(PY) -m mypy server emulator scripts benchmarks

test-unit: install
	$(PY) -m pytest tests/unit

test-integration: install workspace
	$(PY) -m pytest tests/integration

test-contract: install workspace
	$(PY) -m pytest tests/contract

test-e2e: install client workspace
	$(PY) -m pytest tests/e2e

test: lint typecheck client-typecheck test-client client workspace ## every check: lint, types, all tests (browser included)
	$(PY) -m pytest

deploy-rehearsal: install client workspace ## deploy the bundle to the strict emulator and run the user journeys
	$(PY) -m scripts.deploy_rehearsal

bench: install workspace
	bash scripts/bench_tools.sh
	$(PY) -m benchmarks

mutation: install ## mutation testing of the security-critical modules (mutmut; ~5 min, not in `make test`)
	$(PY) -m scripts.mutation

clean:
	rm -rf .venv .tools local_workspace_data test-output mutants

migrate: install ## apply Alembic migrations to the configured database
	$(PY) -m alembic upgrade head

requirements: install ## requirements.txt for Databricks Apps, from the lock file
	$(UV) export --frozen --no-default-groups --no-hashes --no-header -q -o requirements.txt

lighthouse: install client workspace ## Lighthouse accessibility score of every section (needs Chromium)
	$(PY) -m scripts.lighthouse_a11y
