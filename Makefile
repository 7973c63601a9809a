# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format check-courses translations clean bench bench-smoke

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# A secret key of this installation's own, written once and never committed.
instance/config.py:
	mkdir -p instance
	$(PYTHON) -c "import secrets; print('SECRET_KEY = ' + repr(secrets.token_hex(32)))" > $@

run: $(STAMP) instance/config.py
	$(BIN)/lms db upgrade
	$(BIN)/lms courses sync courses --rerender
	$(BIN)/lms users ensure-admin
	$(BIN)/lms run --host $(HOST) --port $(PORT)

# Two workers (one per core); a test file stays on one worker, as its module fixtures expect.
test: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -r lms -q -b tests/security/bandit_baseline.json

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-courses: $(STAMP)
	$(BIN)/lms courses check courses

# Interface translations (docs/translations.md): extract the strings, merge them into every
# catalogue, compile the .mo files that are committed beside the .po files.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --sort-output \
		--project "Mine Action Learning" -o lms/translations/messages.pot .
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations \
		--no-fuzzy-matching --ignore-obsolete --width 100
	$(BIN)/pybabel compile -d lms/translations --statistics

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Load benchmark (bench/harness.py): S, M and L learners on SQLite and PostgreSQL, gunicorn
# on loopback driven by wrk; appends to bench/RESULTS.md. Needs wrk (apt-get install wrk).
bench: $(STAMP)
	$(BIN)/python bench/harness.py

# The same harness at size S for a few seconds, printed only: it must run, not meet targets.
bench-smoke: $(STAMP)
	$(BIN)/python bench/harness.py --smoke
