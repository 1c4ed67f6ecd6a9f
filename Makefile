# xiehui — two commands on a fresh clone: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
RUN := $(UV) run --frozen
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint types pytest e2e browser-deps demo bench clean

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

setup: $(UV)
	$(UV) sync --frozen --quiet

run: setup
	$(RUN) xiehui migrate --noinput
	$(RUN) xiehui demo
	$(RUN) xiehui serve --host $(HOST) --port $(PORT)

browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk\|wenquanyi"; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian's chromium and a CJK font for the browser tests…"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else \
	    echo "Browser tests need Debian's Chromium and a CJK font. Run: sudo apt-get install -y chromium fonts-noto-cjk"; exit 1; \
	  fi; \
	fi

lint: setup
	$(RUN) ruff check src bench tests
	$(RUN) ruff format --check src bench tests

types: setup
	$(RUN) mypy

pytest: setup browser-deps
	$(RUN) xiehui check --fail-level WARNING
	$(RUN) pytest -n 2 --dist loadgroup

test: lint types pytest

bench: setup
	$(RUN) python bench/data_port.py

clean:
	rm -rf var/xiehui.sqlite3 var/media var/static
