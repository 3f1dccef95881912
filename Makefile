# rnn-lessons: two commands for a newcomer, `make lab` and `make test`; the rest for maintainers.
# Portable GNU make for Linux and macOS. Everything installs from the lock (uv.lock) with uv, which
# tools/install.py takes from PATH or installs into .tools/ on first use. Choose the interpreter with
# `make PYTHON=python3.12 ...`; install without uv with `make INSTALLER=pip ...` (from requirements.txt).

PYTHON    ?=
INSTALLER ?= uv
BOOTSTRAP := $(shell command -v python3 2>/dev/null || command -v python 2>/dev/null)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SOURCES   := $(sort $(wildcard notebooks/*.md))
NOTEBOOKS := $(SOURCES:.md=.ipynb)

# The stored notebook outputs belong to the TensorFlow backend; keep TensorFlow's C++ start-up quiet.
export KERAS_BACKEND ?= tensorflow
export TF_CPP_MIN_LOG_LEVEL ?= 3

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
# `make test` runs on JOBS pytest-xdist workers; loadscope keeps each notebook (and each test module) on
# one worker, in order. Every worker loads TensorFlow. `make test JOBS=1` runs serially.
JOBS := 2
PARALLEL = $(if $(filter-out 0 1,$(JOBS)),-n $(JOBS) --dist loadscope)

.PHONY: help venv lab test test-unit test-notebooks test-browser test-env test-colab test-oldest test-latest \
	hub test-hub site test-site explorer-pictures lint notebooks figures bench upgrade lock clean

help:
	@echo "make lab        open the lessons in JupyterLab (installs .venv on first use)"
	@echo "make test       lint, unit tests, doctests and every notebook re-executed by nbval"
	@echo "make test-browser  each lesson run in JupyterLab in headless Chromium (needs chromium)"
	@echo "make hub        a JupyterHub for a class on this machine, as root (hub/README.md); HUB_IP=... to open it"
	@echo "make test-hub   4 students at once on a real hub: lesson 1, an explorer run, isolation; writes hub/SIZING.md"
	@echo "make site       the static site (lessons with their stored outputs, TEACHING, benchmarks) in _build/site"
	@echo "make test-site  the built site served on 127.0.0.1: links, every page in headless Chromium, axe-core"
	@echo "make test-env ENV=colab|oldest|latest  every lesson, claims checked, with Colab's versions, the"
	@echo "                lowest declared ones or the newest releases (also make test-colab, test-oldest, test-latest)"
	@echo "make venv       install the locked environment into .venv, nothing else"
	@echo "make notebooks  rebuild each notebook from its text source (notebooks/*.md), outputs included"
	@echo "make figures    redraw the diagrams in img/"
	@echo "make bench      each lesson's time against the original one, its figures and claims over seeds; one-change"
	@echo "                comparisons of lessons 1-3's recipes; each explorer's runs on held-out seeds, latency and memory"
	@echo "make upgrade    relock to the newest releases, reinstall, rebuild the notebooks, run the tests"
	@echo "make clean      remove .venv, .tools and caches"

$(STAMP): pyproject.toml uv.lock requirements.txt tools/install.py jupyter/overrides.json
	@test -n "$(BOOTSTRAP)" || { echo "make: no python3 found: install Python 3.11, 3.12 or 3.13" \
		"(python.org or your package manager), then run make again." >&2; exit 1; }
	@$(BOOTSTRAP) tools/install.py $(if $(PYTHON),--python $(PYTHON)) $(if $(filter pip,$(INSTALLER)),--pip)
	@touch $(STAMP)

venv: $(STAMP)

# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir="$(CURDIR)" $(ALLOW_ROOT) \
		--LabApp.default_url=/lab/tree/notebooks/01_forecasting.ipynb

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest tests lessonlib --ignore=tests/browser --ignore=tests/hub --ignore=tests/website --durations=10 $(PARALLEL) $(NBVAL) $(NOTEBOOKS)

lint: $(STAMP)
	$(BIN)/ruff check .

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests lessonlib --ignore=tests/browser --ignore=tests/hub --ignore=tests/website --durations=10

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL) $(NOTEBOOKS)

# Each lesson in JupyterLab in headless Chromium (tests/browser): run all cells, no error; then the
# explorer's slider and Train button. Uses the system's Chromium (CHROMIUM=/path overrides it).
test-browser: $(STAMP)
	@$(BIN)/python tests/browser/conftest.py >/dev/null || { $(BIN)/python tests/browser/conftest.py; exit 1; }
	RNN_LESSONS_BROWSER=1 $(BIN)/python -m pytest tests/browser -v --durations=0

# A JupyterHub for a class (hub/): each student's server as that student's own system user, the lessons
# copied into each home, the locked environment installed where students can read it (HUB_PREFIX).
# It listens on 127.0.0.1 unless HUB_IP names another address. Needs root (it creates system users).
HUB_IP      ?= 127.0.0.1
HUB_PORT    ?= 8000
HUB_TEACHER ?= teacher
HUB_PREFIX  ?= /opt/rnn-lessons
hub: $(STAMP)
	$(BIN)/python hub/launch.py --ip $(HUB_IP) --port $(HUB_PORT) --teacher $(HUB_TEACHER) --prefix $(HUB_PREFIX)

# The hub with 4 students at once in headless Chromium (tests/hub): lesson 1 and an explorer run each,
# isolation, memory (PSS) and time against one student alone; writes hub/SIZING.md and TEACHING.md's table.
HUB_STUDENTS ?= 4
test-hub: $(STAMP)
	@$(BIN)/python tests/browser/conftest.py >/dev/null || { $(BIN)/python tests/browser/conftest.py; exit 1; }
	RNN_LESSONS_HUB=1 HUB_STUDENTS=$(HUB_STUDENTS) $(BIN)/python -m pytest tests/hub -v -s --durations=0

# The site (site/, README "The site"): built from the committed notebooks and their stored outputs, nothing
# executed, fully offline (MathJax from npm's package, site/package-lock.json). Each explorer's picture is a
# real run, made by `make explorer-pictures` and committed, so that `make site` trains nothing.
SITE := _build/site
NODE_MODULES := site/node_modules/.package-lock.json
$(NODE_MODULES): site/package.json site/package-lock.json
	@command -v npm >/dev/null || { echo "make: npm is missing: install Node.js and npm" \
		"(Debian/Ubuntu: sudo apt-get install -y npm)" >&2; exit 1; }
	cd site && npm ci --no-audit --no-fund --loglevel=error

site: $(STAMP) $(NODE_MODULES)
	$(BIN)/python site/build.py --out $(SITE)

# The built site on 127.0.0.1 (tests/website): internal links, every page in headless Chromium (title, images,
# equations, no other host, no console error) and axe-core. Run `make site` first.
test-site: $(STAMP) $(NODE_MODULES)
	@$(BIN)/python tests/browser/conftest.py >/dev/null || { $(BIN)/python tests/browser/conftest.py; exit 1; }
	RNN_LESSONS_SITE=1 RNN_LESSONS_SITE_DIR=$(SITE) $(BIN)/python -m pytest tests/website -v --durations=5

explorer-pictures: $(STAMP)
	$(BIN)/python site/explorer_pictures.py

# Every lesson run to its end, all claims checked, in another environment built in .envs/$(ENV) (tools/envs.py):
# colab (Colab's versions, envs/colab.txt), oldest (pyproject's lower bounds), latest (newest releases).
ENV ?= colab
test-env: $(STAMP)
	$(BIN)/python tools/envs.py $(ENV)

test-colab test-oldest test-latest: $(STAMP)
	$(BIN)/python tools/envs.py $(@:test-%=%)

# Text source -> notebook (cells from the .md, outputs from a fresh kernel), stripped of stored
# widget state and volatile metadata. `make notebooks NB=notebooks/02_classification.md` does one.
NB ?= $(SOURCES)
notebooks: $(STAMP)
	$(BIN)/python tools/build_notebooks.py $(NB)

figures: $(STAMP)
	$(BIN)/python tools/figures.py img

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/ablations.py
	$(BIN)/python benchmarks/explorer_seeds.py
	$(BIN)/python benchmarks/explorer_latency.py

# Maintainers: move the collection forward to the newest releases in one step.
upgrade: $(STAMP)
	$(BIN)/uv lock --upgrade
	$(MAKE) lock
	$(MAKE) venv notebooks test

# requirements.txt is the lock exported for pip (`make INSTALLER=pip`), with hashes; a test keeps it in step.
lock: $(STAMP)
	$(BIN)/uv lock
	$(BIN)/uv export --locked --all-extras --no-emit-project --quiet --output-file requirements.txt

clean:
	rm -rf $(VENV) .tools .envs *.egg-info .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
