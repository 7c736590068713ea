# Two commands matter: `make run` (install + the sample campaign on the embedded default)
# and `make test` (install + the test suite). Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
JOB ?= hoc-4711-pflege
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# The daemon launches a run by asking the code server to start its worker process and waits
# until the worker has imported the code; on a busy machine that outlasts gRPC's default 60 s
# and Dagster fails the run unstarted (seen in benchmarks/deployed.py). Deployments set it too.
export DAGSTER_GRPC_TIMEOUT_SECONDS ?= 300

.PHONY: install install-test run dev test lint bench bench-deployed sim clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml

run: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/creative-assets campaign $(JOB)

# The Dagster UI (dagster dev: webserver + daemon, run from DAGSTER_HOME so it reads the instance
# config there; the top-level dagster.yaml is the template) and the review desk beside it; both
# addresses are printed, Ctrl-C stops both. DESK_ARGS passes options, e.g. --dagster-port 3001.
dev: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m creative_assets.desk dev --workspace $(CURDIR)/workspace.yaml $(DESK_ARGS)

# One worker more than cores (pytest-xdist): the longest files mostly wait (namespaces, servers,
# browsers, daemons), and a third worker uses the core they leave idle. Each test file runs on
# one worker, so its module fixtures are made once. --no-loadscope-reorder keeps the conftest's
# file order (the files that take minutes first): pytest-xdist otherwise hands out the files with
# the most tests first, and the one-test files that take minutes started last.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
test: install-test
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# The campaign benchmark (issue #7): the real clients against the provider simulator with the
# latency profile in benchmarks/profile.json; prints every figure and the load average.
# BENCH_ARGS passes options, e.g. make bench BENCH_ARGS="--only single --time-scale 0.5".
bench: install
	$(BIN)/python -m benchmarks.campaign $(BENCH_ARGS)

# The deployed path (issue #23): Postgres instance, dagster-daemon + dagster-webserver, campaigns
# launched through GraphQL as the review desk launches them, against the same simulator; prints
# wall time against the bound, where the time went, images per minute, CPU and memory, one and
# four formats, and appends them to benchmarks/results/deployed_<date>.md. Needs PostgreSQL on
# 127.0.0.1:5432 (a database bench_<pid>_* is created and dropped); as root it also runs the
# several-hosts scenarios (docs/hosts.md). E.g.
# make bench-deployed BENCH_ARGS="--only single --formats 1:1 --label before".
bench-deployed: install
	$(BIN)/python -m benchmarks.deployed $(BENCH_ARGS)

# The provider simulator (a development tool in the test package, never shipped): a loopback
# server speaking the providers' wire formats; prints the environment that points the clients at it.
# SIM_ARGS passes options, e.g. make sim SIM_ARGS="--port 8765 --time-scale 0.01".
sim: install
	$(BIN)/python -m creative_assets_tests.provider_sim $(SIM_ARGS)

lint: install-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .dagster_home .pytest_cache
