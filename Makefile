# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Rebuilt when either lock changes: the runtime set (requirements.txt) or the
# development set on top of it (requirements-dev.txt).
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP) ## Create the virtual environment: runtime and development locks, hashes checked

# pip-compile runs without this machine's pip config (local wheel folders), so
# it asks the package index itself: the hashes then cover every file of each
# release, and a server elsewhere installs from the same lock.
PIP_COMPILE := env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(VENV)/bin/pip-compile \
	--quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url
lock: venv ## Re-lock requirements*.txt from requirements*.in (UPGRADE=1 to take new releases)
	$(PIP_COMPILE) $(if $(UPGRADE),--upgrade) requirements.in -o requirements.txt
	$(PIP_COMPILE) $(if $(UPGRADE),--upgrade) requirements-dev.in -o requirements-dev.txt

migrate: venv ## Apply database migrations (SQLite under var/ unless DATABASE_URL is set)
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py setup_roles

seed: migrate ## Load the seed article's claims (running it again changes nothing)
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_seeds

run: seed ## Set up everything and serve at http://127.0.0.1:8000
	DEBUG=$${DEBUG:-1} $(PY) manage.py demo_accounts
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

serve: venv ## Serve as in production: gunicorn, DEBUG off (needs SECRET_KEY and ALLOWED_HOSTS)
	@test -n "$$SECRET_KEY" || { echo "make serve: set SECRET_KEY (and ALLOWED_HOSTS)" >&2; exit 1; }
	@test -n "$$ALLOWED_HOSTS" || { echo "make serve: set ALLOWED_HOSTS (comma-separated host names)" >&2; exit 1; }
	DEBUG=0 $(PY) manage.py collectstatic --noinput --verbosity 0
	DEBUG=0 $(PY) manage.py migrate --check >/dev/null || { echo "make serve: unapplied migrations: run DEBUG=0 make migrate first" >&2; exit 1; }
	DEBUG=0 GUNICORN_BIND=$${GUNICORN_BIND:-$(HOST):$(PORT)} $(VENV)/bin/gunicorn -c factcheck/gunicorn.conf.py factcheck.wsgi

replica: ## Start a local PostgreSQL streaming replica on port 5433 (scripts/replica.sh start|stop|status)
	bash scripts/replica.sh start

# Then the tests marked `replica` again, on PostgreSQL with a real streaming
# replica that scripts/test-replica.sh starts, when a PostgreSQL server answers
# at PGTEST_URL (skipped with the reason otherwise). TEST_REPLICA=0 leaves them
# out: .ci/run does, its PostgreSQL pass runs the whole suite with the replica.
TEST_REPLICA ?= 1
test: venv ## Run the whole test suite (and the replica tests, if PostgreSQL runs here)
	$(PY) -m pytest $(PYTEST_ARGS)
ifeq ($(TEST_REPLICA),1)
	PY=$(PY) bash scripts/test-replica.sh
endif

eval: venv ## Proposer precision/recall on the annotated articles in tests/data/proposer
	DEBUG=$${DEBUG:-1} $(PY) -m tests.proposer_eval

# One catalog for the project (settings.LOCALE_PATHS): extract, then translate
# the new entries in locale/es/LC_MESSAGES/django.po, then run this again to
# compile django.mo, which is committed (tests/test_i18n_catalog.py checks both).
MAKEMESSAGES := makemessages --locale=es --no-location --ignore='.venv/*' \
	--ignore='var/*' --ignore='tests/*' --ignore='bench/*' --ignore='seeds/*' --ignore='docs/*'
messages: venv ## Update the Spanish catalogs (Python/templates, JavaScript) from the marked strings and compile them (needs GNU gettext)
	DEBUG=1 $(PY) manage.py $(MAKEMESSAGES)
	DEBUG=1 $(PY) manage.py $(MAKEMESSAGES) --domain=djangojs
	DEBUG=1 $(PY) manage.py compilemessages --ignore='.venv/*' --ignore='var/*'

lint: venv ## ruff
	$(VENV)/bin/ruff check .

check: venv ## System checks (also --deploy), migrations in step, OpenAPI schema valid
	DEBUG=1 $(PY) manage.py check
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=1 $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  DEBUG=0 ALLOWED_HOSTS=registry.example.org $(PY) manage.py check --deploy --fail-level WARNING

clean: ## Remove the virtual environment and local data
	rm -rf $(VENV) var

e2e-deps: ## Install Debian's Chromium for the browser tests (needs root)
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

BENCH_SIZES ?= 10000,100000
comma := ,
bench: venv ## Benchmark the public API on PostgreSQL (fc_bench; BENCH_SIZES=10000,100000,1000000)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) -m bench.run --sizes $(BENCH_SIZES)
	$(PY) -m bench.replica --claims $(firstword $(subst $(comma), ,$(BENCH_SIZES)))
	$(MAKE) bench-admin

bench-replica: venv ## Public reads from the streaming replica while the primary takes approvals
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) -m bench.replica --claims $(firstword $(subst $(comma), ,$(BENCH_SIZES)))

bench-admin: venv ## Time every admin page, one logged-in client (fc_admin_<size>; BENCH_SIZES)
	$(PY) -m bench.admin --sizes $(BENCH_SIZES) --reuse

.PHONY: help venv lock serve replica migrate seed run test eval messages lint check clean e2e-deps bench bench-replica bench-admin
