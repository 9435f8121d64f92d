# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app ordet
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test translations i18n-extract lint system-deps

install: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d translations > /dev/null

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --responses 2000
	@echo ""
	@echo "Kiosk (tablet):  http://$(HOST):$(PORT)/kiosk/tilmeld  (use a code above, then /kiosk/)"
	@echo "Staff:           http://$(HOST):$(PORT)/staff/"
	@echo ""
	$(FLASK) run --host $(HOST) --port $(PORT)

# System packages the browser and spreadsheet tests use; installed only when missing.
system-deps:
	@bash .ci/system-deps

test: install system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check ordet tests bench
	$(BIN)/ruff format --check ordet tests bench

i18n-extract: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project=ordet -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
