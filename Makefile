# `make demo` and `make test` set everything up on a fresh machine (creating .venv as needed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test fuzz bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# CPU build of torch first: a range admitting newer releases would pull GBs of CUDA packages.
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e ".[bergamot,ctranslate2,test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/pipeline translate tests/data/sample-issue.en.md --to pt --out out
	@echo "--- out/sample-issue.pt.md"
	@cat out/sample-issue.pt.md

test: $(STAMP)
	$(BIN)/python -m pytest

# Property tests with many random examples (a few minutes); failures are replayed first next time.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_fuzz.py tests/test_roundtrip.py

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
