# Two commands matter: `make run` and `make test`. Both install into ./.venv first,
# and only when the requirements changed since the last install.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck pytest bench bench-store bench-dashboard fuzz score install clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

# Without sign-in the dashboard is the owner's to anyone who reaches it: localhost only.
run: $(STAMP)
	$(VENV)/bin/streamlit run app.py --server.address localhost

test: $(STAMP) lint typecheck pytest

# ruff, then the import-linter contracts of pyproject.toml (the one-way data flow).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP)
	$(PY) -m pytest -n auto --dist loadfile

bench: $(STAMP)
	$(PY) scripts/bench_read.py
	$(PY) scripts/bench_classify.py
	$(PY) scripts/bench_import.py

# Damaged copies of the corpus files through the readers: prints inputs, read, refused and
# other exceptions (must be 0). FUZZ_INPUTS=N FUZZ_SEED=S for another run.
FUZZ_INPUTS ?= 20000
FUZZ_SEED ?= 1
fuzz: $(STAMP)
	$(PY) scripts/fuzz_read.py --inputs $(FUZZ_INPUTS) --seed $(FUZZ_SEED)

bench-store: $(STAMP)
	$(PY) scripts/bench_store.py

# Generates (once, cached in /tmp/legday-bench) and times a 1000-activity library.
bench-dashboard: $(STAMP)
	$(PY) scripts/bench_dashboard.py

score: $(STAMP)
	$(PY) scripts/score_efforts.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
