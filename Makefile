# Seatside developer commands. `make run` and `make test` set everything up.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
TS     := resources/i18n/seatside_zh_CN.ts
QM     := $(TS:.ts=.qm)

.PHONY: run lint test test-stress bench screenshots dist system-deps translations clean hub bench-hub

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]" --config-settings editable_mode=compat
	touch $@

system-deps:
	@bash scripts/system-deps.sh

$(QM): $(TS) $(STAMP)
	$(VENV)/bin/pyside6-lrelease -silent $(TS) -qm $(QM)

## run: start Seatside with the built-in scenarios
run: system-deps $(STAMP) $(QM)
	$(VENV)/bin/seatside

## lint: ruff, mypy (the desktop app also as on Windows) and the import-linter layers (config in pyproject.toml)
lint: $(STAMP)
	$(VENV)/bin/ruff check desktop hub tests benchmarks scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --platform win32 -p desktop
	$(VENV)/bin/lint-imports

## test: run the whole test suite: the core without Qt, then the GUI on Xvfb
test: system-deps $(STAMP) $(QM)
	$(PY) -m pytest tests/core -p no:pytest-qt -p no:xvfb -W ignore::pytest.PytestConfigWarning
	$(PY) -m pytest tests/gui
	$(PY) -m pytest tests/hub -p no:pytest-qt -p no:xvfb -W ignore::pytest.PytestConfigWarning

## test-stress: the GUI suite 5 times in a row with stress-ng hogging 2 CPUs beside it
test-stress: system-deps $(STAMP) $(QM)
	bash scripts/test-stress.sh $(PY) 5

## bench: run the benchmarks and write docs/benchmarks.md
bench: system-deps $(STAMP) $(QM)
	$(PY) -m benchmarks.run --output docs/benchmarks.md

## hub: the centre's hub on 127.0.0.1:8765, on a private PostgreSQL cluster under .hub/
hub: system-deps $(STAMP)
	$(VENV)/bin/seatside-hub db upgrade
	$(VENV)/bin/seatside-hub serve --host 127.0.0.1 --port 8765

## bench-hub: the hub's scale figures as JSON (their table is at the end of docs/benchmarks.md)
bench-hub: system-deps $(STAMP)
	$(PY) -m benchmarks.hub --processes 2

## screenshots: render the README screenshots under Xvfb
screenshots: system-deps $(STAMP) $(QM)
	$(PY) scripts/screenshots.py docs/screenshots
	$(PY) scripts/hub_screenshots.py docs/screenshots
	$(PY) scripts/packs_screenshots.py docs/screenshots

## translations: collect new UI strings into the .ts files (then translate them in the zh_CN one)
translations: $(STAMP)
	$(VENV)/bin/pyside6-lupdate $$(find desktop -name '*.py' | sort) -ts $(TS) \
		-no-obsolete -locations none

## dist: PyInstaller one-folder build in dist/seatside/, then its self-test
dist: system-deps $(STAMP) $(QM)
	$(PY) -m pip install -q -e ".[dist]"
	$(VENV)/bin/pyinstaller --noconfirm --clean build.spec
	QT_QPA_PLATFORM=offscreen dist/seatside/seatside --self-test
	@echo "dist/seatside: $$(du -sb dist/seatside | cut -f1) bytes"

clean:
	rm -rf $(VENV) .pytest_cache build dist
