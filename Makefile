# The two commands a new user types: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast deadcode lint bench soak install system-deps test-deps observability-deps clean console-install console-lint console-api console-test

# Debian packages the product and its tests use: Tesseract (the extractor's OCR of
# scanned pages) and wrk (the API load generator of `make bench`); the tests also use
# Chromium (/docs and /redoc rendered offline in a headless browser) and jq (the README's
# Quick tour). Installed with apt-get when missing (as root, or through sudo); elsewhere
# install them yourself.
SYSTEM_TOOLS := tesseract:tesseract-ocr wrk:wrk
TEST_TOOLS := chromium:chromium jq:jq
# Prometheus, promtool and Alertmanager (amtool) for `hub up --observability` and the
# alert-rule, dashboard and alert-routing tests: `make observability-deps` (`make test` too).
OBSERVABILITY_TOOLS := prometheus:prometheus promtool:prometheus amtool:prometheus-alertmanager \
	prometheus-alertmanager:prometheus-alertmanager

# $(call install_missing,command:package ...): apt-get install the packages whose command is missing.
define install_missing
	@missing=""; for pair in $(1); do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair##*:}"; \
	done; \
	missing=$$(echo $$missing | tr ' ' '\n' | sort -u | tr '\n' ' '); \
	if [ -n "$${missing% }" ]; then \
	  if ! command -v apt-get >/dev/null 2>&1; then \
	    echo "missing system packages: $$missing(install them with your package manager)"; exit 1; \
	  fi; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	  echo "installing system packages: $$missing"; \
	  $$sudo apt-get install -y -qq $$missing >/dev/null || \
	    { $$sudo apt-get update -qq && $$sudo apt-get install -y -qq $$missing >/dev/null; }; \
	fi
endef

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

system-deps:
	$(call install_missing,$(SYSTEM_TOOLS))

observability-deps:
	$(call install_missing,$(OBSERVABILITY_TOOLS))

test-deps:
	$(call install_missing,$(TEST_TOOLS))

run: $(STAMP) system-deps
	$(BIN)/hub up --demo

# pytest's processes for `make test` (pytest-xdist, whole files to a worker: a file's
# module fixtures and its order stay together). The tests mostly wait on Temporal,
# PostgreSQL and child processes, so 3 pay on 2 cores; 0 runs them in one process.
PYTEST_WORKERS ?= 3

# The console's tests first, so that pytest's summary is the run's closing line.
test: $(STAMP) system-deps test-deps observability-deps lint
	$(MAKE) --no-print-directory console-test
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile

# The inner loop: pure, in-process tests only (marker `unit`, see tests/conftest.py); the
# folders that hold none are not even collected.
NON_UNIT_FOLDERS := e2e bench deploy api activities storage workers
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m unit $(patsubst %,--ignore=tests/%,$(NON_UNIT_FOLDERS))

lint: $(STAMP) console-lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy schemas workflows activities storage workers api agents hub
	$(BIN)/lint-imports
	$(BIN)/vulture

# Candidates for dead code, for a person to judge (see [tool.vulture] in pyproject.toml).
deadcode: $(STAMP)
	$(BIN)/vulture --min-confidence 60 \
	  --ignore-decorators '@*.get,@*.post,@*.put,@*.patch,@*.delete,@*.command,@*.callback,@workflow.*,@activity.defn,@*.validator,@field_validator,@model_validator,@*.exception_handler,@*.middleware,@property' \
	  --ignore-names 'model_config,downgrade,upgrade'

# --- the web console (frontend/, Node >= 20.9 and npm) ---
CONSOLE := frontend
NPM_STAMP := $(CONSOLE)/node_modules/.package-lock.json

# --prefer-offline: the lock pins every version, so npm's cache answers without asking the
# registry for metadata again.
$(NPM_STAMP): $(CONSOLE)/package-lock.json
	cd $(CONSOLE) && npm ci --no-audit --no-fund --prefer-offline
	@touch $(NPM_STAMP)

console-install: $(NPM_STAMP)

# ESLint, the TypeScript check, and the generated API types against the API's OpenAPI.
console-lint: $(STAMP) $(NPM_STAMP)
	cd $(CONSOLE) && npx eslint . --max-warnings 0
	cd $(CONSOLE) && npx tsc --noEmit
	cd $(CONSOLE) && HUB_PYTHON=$(CURDIR)/$(BIN)/python node scripts/gen-api.mjs --check

# Regenerates frontend/lib/api-schema.ts after an API change.
console-api: $(STAMP) $(NPM_STAMP)
	cd $(CONSOLE) && HUB_PYTHON=$(CURDIR)/$(BIN)/python node scripts/gen-api.mjs

# Unit tests (vitest), then the browser tests (Playwright on Debian's chromium) against a
# `hub up` that the tests start themselves.
console-test: $(STAMP) $(NPM_STAMP)
	@$(MAKE) --no-print-directory system-deps SYSTEM_TOOLS=chromium:chromium
	cd $(CONSOLE) && npx vitest run
	cd $(CONSOLE) && npx playwright test

bench: $(STAMP) system-deps
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.triggers $(TRIGGERS_BENCH_ARGS)

soak: $(STAMP)
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

clean:
	rm -rf $(VENV) .hub .pytest_cache .mypy_cache .ruff_cache $(CONSOLE)/node_modules $(CONSOLE)/.next
