# ecociv — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# make test runs on two pytest-xdist workers (tests/conftest.py keeps the demo tests on one); `make test XDIST=`
# runs the suite in one process.
XDIST ?= -n 2

.PHONY: demo demo-province test test-slow venv lint bench serve clean manual-shots prod-check

# `make prod-check`: Django's deployment check on the production settings, with example values for every
# production variable (PostgreSQL, Redis cache and broker, S3 storage); it must print no issue.
# (NO_VENV=1 PY=python runs it with another interpreter: tests/core/test_prod_check.py.)
PROD_CHECK_ENV := DJANGO_SETTINGS_MODULE=config.settings.prod \
	ECOCIV_SECRET_KEY=prod-check-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP \
	ECOCIV_ALLOWED_HOSTS=ecociv.example.gov.cn ECOCIV_CSRF_TRUSTED_ORIGINS=https://ecociv.example.gov.cn \
	ECOCIV_DATABASE_URL=postgres://ecociv:secret@127.0.0.1:5432/ecociv \
	ECOCIV_BROKER_URL=redis://127.0.0.1:6379/0 ECOCIV_CACHE_URL=redis://127.0.0.1:6379/1 \
	ECOCIV_S3_BUCKET=ecociv-media ECOCIV_S3_ENDPOINT_URL=https://s3.example.gov.cn

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11（未找到 $(PYTHON)）"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo
	@echo "打开 http://$(HOST):$(PORT)/ 登录（Ctrl+C 停止）"
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload

# `make demo-province`: a province of 14 cities and 100 counties (a program per city) in its own SQLite file, so
# `make demo` is untouched; built afresh on each run, it prints its load time and the province logins.
PROVINCE_DB := var/demo-province.sqlite3
demo-province: $(STAMP)
	@mkdir -p var && rm -f $(PROVINCE_DB)
	ECOCIV_DATABASE_URL=sqlite:///$(CURDIR)/$(PROVINCE_DB) $(PY) manage.py migrate --noinput -v0
	ECOCIV_DATABASE_URL=sqlite:///$(CURDIR)/$(PROVINCE_DB) $(PY) manage.py load_demo_province
	@echo "打开 http://$(HOST):$(PORT)/ 登录（Ctrl+C 停止）"
	ECOCIV_DATABASE_URL=sqlite:///$(CURDIR)/$(PROVINCE_DB) $(PY) manage.py runserver $(HOST):$(PORT) --noreload

test: $(STAMP)
	$(PY) -m pytest -q $(XDIST) -m "not slow"

# The few tests marked `slow` (schema migrations replayed from wave 1, the manual's screenshot walk, the smoke runs
# of the slowest benchmarks): CI runs them right after `make test`.
test-slow: $(STAMP)
	$(PY) -m pytest -q $(XDIST) -m slow

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy --strict calc docimport docgen
	$(PY) manage.py makemigrations --check --dry-run -v0

bench: $(STAMP)
	$(PY) benchmarks/bench_evaluate.py
	$(PY) benchmarks/bench_air.py
	$(PY) benchmarks/bench_import.py
	$(PY) benchmarks/bench_scoring_engine.py
	$(PY) benchmarks/bench_round_page.py
	$(PY) benchmarks/bench_scoring.py
	$(PY) benchmarks/bench_reports.py
	$(PY) benchmarks/bench_plan.py
	$(PY) benchmarks/bench_plan_import.py
	$(PY) benchmarks/eval_plan.py

prod-check: $(if $(NO_VENV),,$(STAMP))
	$(PROD_CHECK_ENV) ECOCIV_VAR_DIR=$$(mktemp -d) $(PY) manage.py check --deploy --fail-level WARNING

# The user manual's screenshots (docs/manual/img/), taken by the browser test on the demo data (needs chromium).
manual-shots: $(STAMP)
	ECOCIV_MANUAL_SHOTS=1 $(PY) -m pytest -q -p no:xdist tests/manual/test_shots.py

clean:
	rm -rf $(VENV) var .pytest_cache
