# Scene Classifier: `make demo` and `make test` set everything up on a fresh Debian/Ubuntu.
SHELL := /bin/bash
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VENV := .venv
# QGIS Server's WMS module: the tests' WMS (tests/qgis_server.py)
QGIS_SERVER_WMS := /usr/lib/qgis/server/libwms.so
PYTHON := $(VENV)/bin/python
PROFILE := $(CURDIR)/.qgis-profile
PLUGIN_LINK := $(PROFILE)/profiles/default/python/plugins/scene_classifier
# qgis_process.bin: Debian's /usr/bin/qgis_process wrapper passes a flag the binary rejects.
QGIS_ENV = QT_QPA_PLATFORM=offscreen QGIS_CUSTOM_CONFIG_PATH=$(PROFILE) \
	PYTHONPATH=$$($(PYTHON) -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
QGIS_PROCESS = $(QGIS_ENV) qgis_process.bin

DEMO_OUT := demo_output
DEMO_TRAIN = run sceneclassifier:trainclassifier -- \
	INPUT_FOLDER=resources/sample/rsscn7 BACKBONE=0 PRETRAINED=false CHIP_SIZE=64 \
	BATCH_SIZE=32 EPOCHS=20 LEARNING_RATE=0 DEVICE=1 MODEL_NAME=rsscn7_demo \
	OUTPUT_FOLDER=$(DEMO_OUT) OVERWRITE=true
DEMO_RASTER := resources/sample/massachusetts/massachusetts_22978945_15.tif
DEMO_GRID = run sceneclassifier:classifygrid --json -- INPUT_RASTER=$(DEMO_RASTER) \
	MODEL=$(DEMO_OUT)/rsscn7_demo/rsscn7_demo.emd GRID_SIZE=100 CELL_SIZE=2 DEVICE=1 \
	OUTPUT=$(DEMO_OUT)/landuse_grid.gpkg OUTPUT_SUMMARY=$(DEMO_OUT)/landuse_summary.csv
# qgis_process's results: the "NAME:<tab>value" lines after its "Results" heading
PRINT_TRAINING = text = open('$(DEMO_OUT)/train.log').read().split('\nResults\n', 1)[1]; \
	r = dict(line.split(':\t', 1) for line in text.splitlines() if ':\t' in line); \
	print('\nValidation accuracy: %.2f %% (learning rate %.2e)' % (100 * float(r['ACCURACY']), float(r['LEARNING_RATE']))); \
	print('Model package:', r['MODEL_PACKAGE']); print('Report:       ', r['OUTPUT_REPORT'])
PRINT_SUMMARY = import csv; \
	print('\nLand use of a 100 m grid over $(DEMO_RASTER):'); \
	[print('  %-12s %4d cells %6.1f %%' % (r['class_label'], int(r['count']), 100 * float(r['area_share'] or 0))) \
	 for r in csv.DictReader(open('$(DEMO_OUT)/landuse_summary.csv'))]; \
	print('Map (open it in QGIS): $(DEMO_OUT)/landuse_grid.gpkg')

.PHONY: setup qgis venv profile translations demo test test-fast screenshots package lint i18n clean

setup: qgis venv profile translations

# i18n/scene_classifier_<language>.qm, what QGIS loads, from each translation's .ts (lrelease:
# Debian's qttools5-dev-tools); make package compiles them into the zip itself.
translations: qgis
	for ts in i18n/scene_classifier_*.ts; do lrelease -silent "$$ts" -qm "$${ts%.ts}.qm" || exit 1; done

# xvfb: the desktop test runs the real QGIS on a virtual display; pyqt5-dev-tools: pylupdate5
# for the translation template (make i18n).
qgis:
	@command -v qgis_process.bin >/dev/null && command -v xvfb-run >/dev/null && \
	  command -v pylupdate5 >/dev/null && command -v lrelease >/dev/null && \
	  [ -e $(QGIS_SERVER_WMS) ] || { \
	  echo "Installing QGIS, QGIS Server (a WMS for the tests), Xvfb and Qt's translation tools from the distribution's packages"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    qgis python3-qgis python3-venv xvfb xauth pyqt5-dev-tools qttools5-dev-tools \
	    qgis-server-bin qgis-server-wms >/dev/null; }

venv: $(VENV)/.installed

$(VENV)/.installed: requirements-dev.txt | qgis
	[ -x $(PYTHON) ] || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(PYTHON) -c "import numpy; print('numpy==' + numpy.__version__)" > $(VENV)/constraints.txt
	$(PYTHON) -m pip install -q -r requirements-dev.txt -c $(VENV)/constraints.txt
	touch $@

profile: venv
	mkdir -p $(dir $(PLUGIN_LINK))
	ln -sfn $(CURDIR) $(PLUGIN_LINK)
	@# Enabling an already-enabled plugin exits 1 with "Plugin is already enabled!": that is fine.
	out=$$($(QGIS_PROCESS) plugins enable scene_classifier 2>&1) || { \
	  grep -q "already enabled" <<<"$$out" || { echo "$$out" >&2; exit 1; }; }

demo: setup
	mkdir -p $(DEMO_OUT)
	@echo "Training a classifier on the RSSCN7 sample (20 epochs: minutes; the log follows)"
	set -o pipefail; $(QGIS_PROCESS) $(DEMO_TRAIN) 2>&1 | tee $(DEMO_OUT)/train.log
	@$(PYTHON) -c "$(PRINT_TRAINING)"
	$(QGIS_PROCESS) $(DEMO_GRID) > $(DEMO_OUT)/grid.json
	@$(PYTHON) -c "$(PRINT_SUMMARY)"

# The tiers in order (pyproject.toml, tests/conftest.py): tests/unit (core), tests/cli (the
# command line, torchrun), tests/qgis (the plugin in QGIS), tests/gpu (skipped, with the
# reason, without a CUDA GPU). pytest fails when it finds no test (exit 5).
# TEST_WORKERS processes share the tests (pytest-xdist; each takes the next test when done,
# and tests/conftest.py gives each worker its share of the cores' threads): one per core, at
# most 4 (several tests train, and each worker holds its own session fixtures).
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n < 4 ? n : 4 )))
PYTEST = QT_QPA_PLATFORM=offscreen $(PYTHON) -m pytest -n $(TEST_WORKERS) --dist worksteal

test: setup
	$(PYTEST) -q -rs --durations=20

test-fast: venv  # the unit tier, less its few runs of QGIS: core alone, in minutes
	$(PYTEST) tests/unit -m "not qgis" -q -rs

screenshots: setup  # the README's pictures, taken by the desktop test in the real QGIS
	mkdir -p docs/images
	SCENE_CLASSIFIER_SCREENSHOTS=$(CURDIR)/docs/images QT_QPA_PLATFORM=offscreen \
		$(PYTHON) -m pytest tests/qgis/test_desktop.py -q

package:  # dist/scene_classifier-<version>.zip, for QGIS's "Install from ZIP"
	python3 tools/plugin_zip.py --output dist

lint: venv
	$(VENV)/bin/ruff check .

i18n: setup  # i18n/scene_classifier.ts, the translators' template, from the sources
	QT_QPA_PLATFORM=offscreen $(PYTHON) tools/i18n_template.py

clean:
	rm -rf $(DEMO_OUT) $(PROFILE)
