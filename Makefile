# The two commands of the README: `make run` and `make test`. Everything else is set-up they share.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := pitchday

.PHONY: run test lint setup translations

setup: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# The catalogues are kept as text (.po); the app reads them compiled (.mo).
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -f -d pitchday/translations

run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: setup lint node_modules/.package-lock.json
	$(BIN)/pytest $(PYTEST_ARGS)

# The rule set and the layout are in pyproject.toml; `make format` applies the layout.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# axe-core, for the accessibility tests of tests/browser only (nothing of it is served). Without npm
# those tests are skipped, except in CI (PITCHDAY_REQUIRE_BROWSER=1), which installs npm.
node_modules/.package-lock.json: package.json
	if command -v npm >/dev/null; then npm install --no-audit --no-fund; \
	else echo "npm not found: the accessibility tests will be skipped"; fi

# After changing user-facing text: refresh the English catalogue, then translate its empty entries.
i18n-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o pitchday/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i pitchday/translations/messages.pot -d pitchday/translations --width 100
