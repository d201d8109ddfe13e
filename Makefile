# The two commands a new user types: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench soak install system-deps clean

# Debian packages the product and its tests use: Tesseract (the extractor's OCR of
# scanned pages) and wrk (the API load generator of `make bench`). Installed with
# apt-get when missing (as root, or through sudo); elsewhere install them yourself.
SYSTEM_TOOLS := tesseract:tesseract-ocr wrk:wrk

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

system-deps:
	@missing=""; for pair in $(SYSTEM_TOOLS); do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair##*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if ! command -v apt-get >/dev/null 2>&1; then \
	    echo "missing system packages:$$missing (install them with your package manager)"; exit 1; \
	  fi; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	  echo "installing system packages:$$missing"; \
	  $$sudo apt-get install -y -qq $$missing >/dev/null || \
	    { $$sudo apt-get update -qq && $$sudo apt-get install -y -qq $$missing >/dev/null; }; \
	fi

run: $(STAMP) system-deps
	$(BIN)/hub up --demo

test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy schemas workflows activities storage workers api agents hub

bench: $(STAMP) system-deps
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.triggers $(TRIGGERS_BENCH_ARGS)

soak: $(STAMP)
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

clean:
	rm -rf $(VENV) .hub .pytest_cache .mypy_cache .ruff_cache
