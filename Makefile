# rnn-lessons: two commands for a newcomer, `make lab` and `make test`; the rest for maintainers.
# Portable GNU make for Linux and macOS. Override the interpreter with `make PYTHON=python3.12 ...`.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))

# The stored notebook outputs belong to the TensorFlow backend; keep TensorFlow's C++ start-up quiet.
export KERAS_BACKEND ?= tensorflow
export TF_CPP_MIN_LOG_LEVEL ?= 3

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: help venv lab test test-unit test-notebooks test-browser notebooks figures bench clean

help:
	@echo "make lab        open the lessons in JupyterLab (creates .venv on first use)"
	@echo "make test       unit tests, doctests and every notebook re-executed by nbval"
	@echo "make test-browser  each lesson run in JupyterLab in headless Chromium (needs chromium)"
	@echo "make notebooks  re-execute every notebook in a fresh kernel and store its outputs"
	@echo "make figures    redraw the diagrams in img/"
	@echo "make bench      time each notebook, its quality figures, and each explorer's latency"
	@echo "make clean      remove .venv and caches"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --user --name rnn-lessons --display-name "Python (rnn-lessons)"
	touch $(STAMP)

venv: $(STAMP)

# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir="$(CURDIR)" $(ALLOW_ROOT) \
		--LabApp.default_url=/lab/tree/notebooks/01_forecasting.ipynb

test: $(STAMP)
	$(BIN)/python -m pytest tests lessonlib --ignore=tests/browser $(NBVAL) $(NOTEBOOKS)

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests lessonlib --ignore=tests/browser

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL) $(NOTEBOOKS)

# Each lesson in JupyterLab in headless Chromium (tests/browser): run all cells, no error; then the
# explorer's slider and Train button. Uses the system's Chromium (CHROMIUM=/path overrides it).
test-browser: $(STAMP)
	@$(BIN)/python -c "import playwright.sync_api" 2>/dev/null || \
		$(BIN)/python -m pip install --quiet -e '.[browser]'
	@$(BIN)/python tests/browser/conftest.py >/dev/null || { $(BIN)/python tests/browser/conftest.py; exit 1; }
	RNN_LESSONS_BROWSER=1 $(BIN)/python -m pytest tests/browser -v --durations=0

notebooks: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=900 \
		--ExecutePreprocessor.record_timing=False --ExecutePreprocessor.kernel_name=python3 $(NOTEBOOKS)

figures: $(STAMP)
	$(BIN)/python -m lessonlib.figures img

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py
	for panel in forecast classification regression; do \
		$(BIN)/python benchmarks/explorer_latency.py --panel $$panel || exit 1; done

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
