# The two commands of the README: `make run` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PO := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test lint catalogs extract bench clean

# Setting up and the catalogs are quiet; `make run` then shows only the bot's own words.
run: $(STAMP) $(MO)
	@$(PY) -m bot run

test: $(STAMP) $(MO)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

bench: $(STAMP) $(MO)
	$(PY) bench/run.py --quick

# -qq keeps pip to its errors; PYTHONWARNINGS reaches the build backend (setuptools notices).
PIP_QUIET := PYTHONWARNINGS=ignore $(PY) -m pip install -qq --disable-pip-version-check

$(STAMP): pyproject.toml
	@if [ -d $(VENV) ]; then echo "Updating $(VENV) for the changed pyproject.toml…"; \
	else echo "Setting up $(VENV) (first run only, about a minute)…"; fi
	@$(PYTHON) -m venv $(VENV)
	@$(PIP_QUIET) --upgrade pip
	@$(PIP_QUIET) -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

catalogs: $(MO)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	@$(PY) -m babel.messages.frontend -q compile -d locales -D messages -l $*

# After changing user-facing strings: refresh the template and both catalogs, then translate.
extract: $(STAMP)
	$(PY) -m babel.messages.frontend extract --no-location --sort-output -F babel.cfg \
		-k _ -k gettext -k ngettext:1,2 -k N_ -o locales/messages.pot bot core handlers scheduler storage locales
	$(PY) -m babel.messages.frontend update --no-fuzzy-matching -i locales/messages.pot -d locales -D messages

clean:
	rm -rf $(VENV) locales/*/LC_MESSAGES/*.mo
