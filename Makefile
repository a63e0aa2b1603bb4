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
	$(BIN)/python -m pip install -q -e ".[bergamot,ctranslate2,test,ray]"
	touch $(STAMP)

# A memory of its own under out/, new every time: the same bytes on every run, nothing from other runs.
demo: $(STAMP)
	mkdir -p out && rm -f out/.demo-memory.sqlite out/.demo-memory.sqlite-wal out/.demo-memory.sqlite-shm
	$(BIN)/pipeline translate tests/data/sample-issue.en.md --to pt --out out --memory out/.demo-memory.sqlite
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
