# Everything a fresh clone needs: `make demo` (the main job) and `make test` (all checks).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
export HYPOTHESIS_PROFILE ?= ci

.PHONY: install test lint typecheck unit test-long bench demo clean firmware firmware-if-tools fuzz-c

# setup.py compiles packets/_wire.c (optional: without a compiler the loops run in Python)
$(STAMP): pyproject.toml setup.py packets/_wire.c
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

# the tests on every core (pytest-xdist; a file's tests stay on one worker): JOBS=1 for serial
JOBS ?= auto
unit: install
	$(VENV)/bin/pytest -m "not slow" -n $(JOBS) --dist loadfile

test: lint typecheck firmware-if-tools unit

# the C FSW: host program, shared libraries, board image (FSW.example.toml), fuzz target
firmware: install
	$(PY) -m fsw_stub.firmware.build all

# what `make test` builds first: whatever the installed toolchains allow (the checks that
# need a missing tool are named skips, failures under CI=true)
firmware-if-tools: install
	$(PY) -m fsw_stub.firmware.build all --if-tools

# coverage-guided fuzzing of the C deframer + decoder (clang libFuzzer, ASan, UBSan)
FUZZ_SECONDS ?= 60
fuzz-c: install
	$(PY) -m fsw_stub.firmware.fuzz --seconds $(FUZZ_SECONDS)

# opt-in long fuzzing / campaign profiles
test-long: install
	HYPOTHESIS_PROFILE=campaign $(VENV)/bin/pytest -m slow

bench: install
	$(PY) -m benchmarks

demo: install
	$(VENV)/bin/lunar-hil demo

clean:
	rm -rf $(VENV) runs .mypy_cache .ruff_cache .pytest_cache .hypothesis
