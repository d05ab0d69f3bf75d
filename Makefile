# The two commands: `make run` and `make test`. Each sets itself up on a fresh machine.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
EXT     := extension

.PHONY: run test lint format bench setup clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

$(EXT)/node_modules/.installed: $(EXT)/package.json $(EXT)/package-lock.json
	cd $(EXT) && npm ci --no-audit --no-fund
	touch $@

setup: $(STAMP)
	@if [ -f $(EXT)/package.json ]; then $(MAKE) --no-print-directory $(EXT)/node_modules/.installed; fi

run: setup
	$(BIN)/sourcebridge serve --host 127.0.0.1 --port 5000

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	@if [ -f $(EXT)/package.json ]; then cd $(EXT) && npm run --silent lint; fi

test: lint
	@if [ -f $(EXT)/package.json ]; then cd $(EXT) && npm test --silent; fi
	$(BIN)/pytest -q $(PYTEST_ARGS)

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(EXT)/node_modules .pytest_cache .ruff_cache
