# Everything a fresh clone needs: `make demo` (the main job) and `make test` (all checks).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
export HYPOTHESIS_PROFILE ?= ci

.PHONY: install test lint typecheck unit test-long bench demo clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

unit: install
	$(VENV)/bin/pytest -m "not slow"

test: lint typecheck unit

# opt-in long fuzzing / campaign profiles
test-long: install
	HYPOTHESIS_PROFILE=campaign $(VENV)/bin/pytest -m slow

bench: install
	$(PY) -m benchmarks

demo: install
	$(VENV)/bin/lunar-hil demo

clean:
	rm -rf $(VENV) runs .mypy_cache .ruff_cache .pytest_cache .hypothesis
