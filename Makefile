# Two commands: `make start` (run the platform) and `make test` (run every test;
# `make test-fast` runs only the unit tier).
# Both build what they need first; re-running is safe and keeps all data.
SHELL := /bin/bash
.DEFAULT_GOAL := start

# Learners' servers run this environment as their own Unix users, so as root it lives in
# a world-readable system path (docs/architecture.md, "Where things run"); without root
# (dev mode) inside the checkout.
SYSTEM_PYTHON ?= /usr/bin/python3.11
UID_NOW := $(shell id -u)
VENV ?= $(if $(filter 0,$(UID_NOW)),/opt/asn-ambon/venv,$(CURDIR)/.venv)
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: start test test-fast setup system-deps browser-deps python-deps node-deps project-package clean-venv

start: setup
	$(VENV)/bin/asn-ambon start

test: setup browser-deps
	$(PY) -m pytest $(PYTEST_ARGS)

# The unit tier only: pure, in-process, well under 30 s (tests/component, integration,
# browser and the notebooks run with `make test`). It imports this checkout, so it needs
# the dependencies but not a reinstalled project.
test-fast: system-deps python-deps
	$(PY) -m pytest tests/unit $(PYTEST_ARGS)

setup: system-deps python-deps node-deps project-package

# Debian packages the platform needs; installed only when missing (needs root).
system-deps:
	@missing=""; \
	[ -x "$(SYSTEM_PYTHON)" ] || missing="$$missing python3.11"; \
	$(SYSTEM_PYTHON) -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3.11-venv"; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$(UID_NOW)" != 0 ]; then echo "Missing system packages:$$missing (install them as root)"; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Chromium for the browser tests (Playwright drives Debian's build, never downloads one).
browser-deps:
	@if ! command -v chromium >/dev/null; then \
	  if [ "$(UID_NOW)" != 0 ]; then echo "Browser tests need Debian's chromium (apt-get install chromium)"; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

python-deps: $(VENV)/.requirements-installed

$(VENV)/.requirements-installed: requirements.txt
	umask 022; [ -x "$(PY)" ] || $(SYSTEM_PYTHON) -m venv "$(VENV)"
	umask 022; "$(PY)" -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch "$@"

node-deps: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch "$@"

# The whole project (one distribution, the `asn-ambon` command), installed -- not linked --
# so learners' servers and the course formgraders can read it even when this checkout is
# in a private directory; reinstalled whenever a source file changes.
PROJECT_SOURCES := pyproject.toml $(shell find asn_ambon asncore asnhub belajar grading reports services -type f -not -path '*/__pycache__/*' 2>/dev/null)
project-package: $(VENV)/.project-installed

$(VENV)/.project-installed: $(PROJECT_SOURCES) $(VENV)/.requirements-installed
	@# the first release installed only belajar + grading as "asn-ambon-belajar"
	"$(PY)" -m pip uninstall --quiet --yes asn-ambon-belajar 2>/dev/null || true
	rm -f "$(VENV)/.learner-installed"
	umask 022; "$(PY)" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --force-reinstall .
	rm -rf build *.egg-info
	touch "$@"

clean-venv:
	rm -rf "$(VENV)"
