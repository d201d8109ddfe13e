# The two commands a new user types: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench soak install system-deps test-deps observability-deps clean

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

test: $(STAMP) system-deps test-deps observability-deps lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy schemas workflows activities storage workers api agents hub

bench: $(STAMP) system-deps
	$(BIN)/python -m bench $(BENCH_ARGS)

soak: $(STAMP)
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

clean:
	rm -rf $(VENV) .hub .pytest_cache .mypy_cache .ruff_cache
