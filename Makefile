# Spinal cancer treatment notebooks: every target sets itself up.
#
#   make lab        set up .venv and open JupyterLab on notebooks/00_start_here.ipynb
#   make test       set up .venv (and the test browser) and run the whole suite
#   make hub-test   a real JupyterHub on 127.0.0.1: a student follows the class link
#   make hub-load   the same hub, STUDENTS=10 at once: times, memory, failures
#   make notebooks  re-execute every notebook in place (FORCE=1 overwrites local edits)
#   make claims     regenerate docs/claims.md and the record of when each claim was checked
#   make lock       re-resolve requirements/constraints.txt after changing a pin
#
# Set-up is keyed on a hash of pyproject.toml and the constraints file, so a
# second run with nothing changed skips the install.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP_VERSION := 26.3
SETUP_HASH := $(shell cat pyproject.toml requirements/constraints.txt | sha1sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(SETUP_HASH)
# pytest-xdist workers for the notebook and browser tests (2 cores here and in CI).
JOBS ?= 2

.PHONY: lab test notebooks lock venv bytecode browser plotlyjs axe clean help handouts slides instructor class-links bench lms flashcards hub-test hub-load claims

help:
	@sed -n '3,10p' Makefile

venv: $(STAMP)

# This copy's helpers byte-compiled, as pip compiles an installed package: every
# kernel then loads them from bytecode even where PYTHONDONTWRITEBYTECODE is set
# (as on these machines and in CI), instead of compiling about 15 modules from
# source again in each kernel (0.1-0.2 s a lesson).  Incremental, and git-ignored.
bytecode: $(STAMP)
	@$(PY) -m compileall -q src notebooks/this_copy.py >/dev/null

# Creates $(VENV) if needed and installs the pinned packages named by $(1).
define install_into_venv
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=/path/to/python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing pinned dependencies into $(VENV) (first run only)..."
	@$(PY) -m pip install --quiet --disable-pip-version-check "pip==$(PIP_VERSION)"
	@$(PY) -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e "$(1)"
endef

# Everything: the collection plus the build and test tools.
$(STAMP): pyproject.toml requirements/constraints.txt
	$(call install_into_venv,.[dev])
	@rm -f $(VENV)/.installed-*
	@touch $@

# What a student needs for `make lab`: the collection only (no test tools, so
# no nbclassic and its "migration plan to Notebook 7" banner), plus the
# class JupyterLab settings (no pop-up asking to fetch Jupyter news) and the
# server setting that saves lessons without live-control views, so a reopened
# lesson shows static faces instead of "model not found" (helpers.saving).
LAB_STAMP := $(VENV)/.lab-installed-$(SETUP_HASH)
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
LAB_SERVER_CONFIG := $(VENV)/etc/jupyter/jupyter_server_config.d/spine-notebooks.json

$(LAB_STAMP): pyproject.toml requirements/constraints.txt
	$(call install_into_venv,.)
	@rm -f $(VENV)/.lab-installed-*
	@touch $@

$(LAB_SETTINGS): tools/jupyterlab/overrides.json $(LAB_STAMP)
	@mkdir -p $(@D)
	@cp tools/jupyterlab/overrides.json $@

$(LAB_SERVER_CONFIG): tools/jupyterlab/spine-notebooks.json $(LAB_STAMP)
	@mkdir -p $(@D)
	@cp tools/jupyterlab/spine-notebooks.json $@

browser: $(STAMP)
	@bash tools/ensure_browser.sh

# The cartesian plotly.js bundle (npm, pinned in tools/plotlyjs/package-lock.json
# to the version plotly ships): the render test serves it for the CDN URL the
# figures load and handouts inline it.  Keyed on the lock file like the venv.
PLOTLYJS_HASH := $(shell sha1sum tools/plotlyjs/package-lock.json | cut -c1-12)
PLOTLYJS_STAMP := tools/plotlyjs/node_modules/.installed-$(PLOTLYJS_HASH)
plotlyjs: $(PLOTLYJS_STAMP)

# Installs the npm packages pinned in tools/$(1)/package-lock.json ($(2) names them).
define npm_ci
	@command -v npm >/dev/null || { echo "npm is needed once to fetch $(2) (sudo apt-get install npm)" >&2; exit 1; }
	@echo "Installing $(2) into tools/$(1)/node_modules (first run only)..."
	@cd tools/$(1) && npm ci --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@
endef

$(PLOTLYJS_STAMP): tools/plotlyjs/package.json tools/plotlyjs/package-lock.json
	$(call npm_ci,plotlyjs,the cartesian plotly.js bundle)

# axe-core (npm, pinned in tools/axe/package-lock.json), the accessibility
# rules the tests run on each exported page.  Keyed on the lock file like
# plotly.js; offline afterwards.
AXE_STAMP := tools/axe/node_modules/.installed-$(shell sha1sum tools/axe/package-lock.json | cut -c1-12)
axe: $(AXE_STAMP)

$(AXE_STAMP): tools/axe/package.json tools/axe/package-lock.json
	$(call npm_ci,axe,axe-core)

# The repository is the server root, with the first notebook open and the file
# browser at the root (so data/ and docs/ are in view).  Both come from a
# JupyterLab workspace (tools/jupyterlab/spine-start.jupyterlab-workspace,
# copied afresh on every start, under the file name JupyterLab gives the
# workspace "spine-start"), so the start address has no query of its own: the
# address JupyterLab prints for copying is then .../lab/workspaces/spine-start?token=...
# (a query in the start address gave "...?file-browser-path=/?token=...", which
# opened a log-in page).
LAB_WORKSPACES := $(VENV)/share/jupyter/lab/workspaces
LAB_START := /lab/workspaces/spine-start
lab: $(LAB_STAMP) $(LAB_SETTINGS) $(LAB_SERVER_CONFIG)
	mkdir -p $(LAB_WORKSPACES) && cp tools/jupyterlab/spine-start.jupyterlab-workspace $(LAB_WORKSPACES)/spine-start-c45d.jupyterlab-workspace && $(VENV)/bin/jupyter lab --allow-root --ServerApp.root_dir=. --LabApp.workspaces_dir=$(LAB_WORKSPACES) --LabApp.default_url=$(LAB_START)

# One pytest run: unit tests, notebook lint, render test, and nbval in strict
# mode (stored outputs must equal fresh ones).  --dist loadfile keeps each
# notebook's cells in one worker, which nbval needs.
test: $(STAMP) browser plotlyjs bytecode axe
	$(VENV)/bin/pytest -n $(JOBS) --dist loadfile -p no:cacheprovider \
		--nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
		tests notebooks

notebooks: $(STAMP) bytecode
	$(PY) tools/build_notebooks.py $(if $(FORCE),--force) $(NB)

# The claims register's reviewer view (docs/claims.md) and the record of when each
# claim and cited number was checked (data/claims_checked.json).  Run after changing
# data/claims.csv or data/side_effect_evidence.csv (a test fails until you do).
# RECHECKED="id id" records rows changed again on the day they were checked, named by
# the person who re-checked them; taken from the command line only, never the environment.
claims: $(STAMP)
	$(if $(RECHECKED),$(if $(filter command,$(origin RECHECKED)),,$(error RECHECKED must be given on the make command line by whoever re-checked those rows, e.g. make claims RECHECKED="claim_id"; a RECHECKED from the environment is not taken)))
	$(PY) tools/claims.py $(if $(RECHECKED),--rechecked $(RECHECKED))

lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet "pip==$(PIP_VERSION)"
	.venv-lock/bin/python -m pip install --quiet ".[dev]"
	.venv-lock/bin/python -m pip freeze --exclude-editable | grep -v '^spine-cancer-treatment-notebooks' > requirements/constraints.txt
	rm -rf .venv-lock
	@echo "requirements/constraints.txt updated; rebuild notebooks with 'make notebooks FORCE=1' and commit both."

clean:
	rm -rf $(VENV) $(HUB_ENV) tools/hub/node_modules tools/plotlyjs/node_modules tools/axe/node_modules build .pytest_cache

# A whole class on a real JupyterHub (tests/test_hub.py, about 2 minutes once
# set up): builds .venv-hub with the image recipe of docs/class-deployment.md
# and installs configurable-http-proxy from tools/hub/package-lock.json
# (both on first run or after a change), then runs the test on 127.0.0.1.
HUB_ENV := .venv-hub
HUB_PROXY := tools/hub/node_modules/.installed-$(shell sha1sum tools/hub/package-lock.json | cut -c1-12)

$(HUB_PROXY): tools/hub/package-lock.json
	@echo "Installing configurable-http-proxy for the hub test (first run only)..."
	@cd tools/hub && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

hub-test: $(STAMP) browser $(HUB_PROXY)
	@$(PY) tools/hub/image_recipe.py --env $(HUB_ENV)
	SPINE_HUB_ENV="$(abspath $(HUB_ENV))" $(VENV)/bin/pytest -p no:cacheprovider tests/test_hub.py

# A class on one hub (tests/test_hub_load.py): STUDENTS=N (default 10) log in at
# once, follow the class link and run lesson 01; prints time from log-in to the
# notebook executed (p50, p95, max), memory of the hub, each server and each
# kernel, and failures (must be 0); the figures also go to build/hub-load.json.
STUDENTS ?= 10
hub-load: $(STAMP) browser $(HUB_PROXY)
	@$(PY) tools/hub/image_recipe.py --env $(HUB_ENV)
	STUDENTS=$(STUDENTS) SPINE_HUB_ENV="$(abspath $(HUB_ENV))" $(VENV)/bin/pytest -p no:cacheprovider -s \
		tests/test_hub_load.py

# Teaching exports, from the stored outputs (nothing is executed, notebooks/
# is never written).  NB=01 (or a slug or path) limits them to one notebook.
#   make handouts     build/handouts/: offline HTML + A4 PDF per notebook (code hidden, answers folded)
#   make slides       build/slides/: reveal.js slides, slide types derived from the headings
#   make instructor   build/instructor/: notebook + data/instructor notes + opened answer key
#   make class-links HUB=https://hub.example.edu   nbgitpuller, Binder and nbviewer links
#   make lms          build/lms/: QTI 1.2 .zip (Canvas, Blackboard, D2L) and Moodle XML of the knowledge checks
#                    (SINCE=old/collection.moodle.xml also writes corrections.moodle.xml and corrections.md)
#   make flashcards   build/flashcards/: an Anki deck (.apkg) of the glossary, side effects and red flags
#                    (REPO=<git URL> points the hub links at a fork or a local clone)
handouts: $(STAMP) browser plotlyjs
	$(PY) tools/handouts.py $(NB)

slides: $(STAMP)
	$(PY) tools/slides.py $(NB)

instructor: $(STAMP)
	$(PY) tools/instructor.py $(NB)

lms: $(STAMP)
	$(PY) tools/lms.py $(if $(SINCE),--since "$(SINCE)") $(NB)

flashcards: $(STAMP)
	$(PY) tools/flashcards.py

class-links: $(STAMP)
	@$(PY) tools/class_links.py $(if $(HUB),--hub "$(HUB)") $(if $(REPO),--repo "$(REPO)")

# Benchmarks: prints one table of timings, the floors measured in the same run,
# and the targets.  Starts its own JupyterLab for the explorer latency.
# SKIP_TESTS=1 leaves out the (slow) test-suite timing, SKIP_LAB=1 the JupyterLab part;
# ONLY=execution (or a comma list of sections, see benchmarks/bench.py) runs just those;
# ROUNDS=N interleaved rounds of floor and lesson kernels (default 5).
bench: $(STAMP) browser plotlyjs bytecode
	$(PY) benchmarks/bench.py $(if $(SKIP_TESTS),--skip-tests) $(if $(SKIP_LAB),--skip-lab) \
		$(if $(ONLY),--only "$(ONLY)") $(if $(ROUNDS),--rounds $(ROUNDS))
