# realign: two commands for a fresh machine.
#   make run   installs and writes the Stalingrad consequences report from the bundled data
#   make test  installs everything the tests need (venv, packages, Debian chromium) and runs them
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)

.PHONY: run test install install-test chromium lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# torch: the CPU build pinned first (the essay check's embedding model needs it; an unpinned torch
# would pull several GB of CUDA packages).
# The last step compiles numba's kernels into numba's on-disk cache once, like pip compiling .pyc files:
# a 20-run report with the fit cache off (no fit is stored), so the first `make run` fits every model
# but does not wait for the JIT (about 4 s).
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[research,web,test,essay]"
	REALIGN_CACHE=off $(BIN)/realign consequences stalingrad --runs 20 --seed 0 --out $(VENV)/jit-warmup >/dev/null
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/realign consequences stalingrad --runs 2000 --seed 0 --out reports/stalingrad

# Debian's chromium for the Playwright browser tests (never a downloaded browser).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  SUDO=$$(command -v sudo >/dev/null && [ "$$(id -u)" != 0 ] && echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

test: install chromium
	$(BIN)/ruff check src tests bench data-raw
	$(BIN)/ruff format --check src tests bench data-raw
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider

# ruff format --check: the code stays in ruff format's layout (line length 120, pyproject.toml)
lint: install
	$(BIN)/ruff check src tests bench data-raw
	$(BIN)/ruff format --check src tests bench data-raw

bench: install
	$(BIN)/python bench/snapshot.py
	$(BIN)/python bench/panels.py

clean:
	rm -rf $(VENV) reports
