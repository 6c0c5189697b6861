# Scene Classifier: `make demo` and `make test` set everything up on a fresh Debian/Ubuntu.
SHELL := /bin/bash
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VENV := .venv
PYTHON := $(VENV)/bin/python
PROFILE := $(CURDIR)/.qgis-profile
PLUGIN_LINK := $(PROFILE)/profiles/default/python/plugins/scene_classifier
# qgis_process.bin: Debian's /usr/bin/qgis_process wrapper passes a flag the binary rejects.
QGIS_ENV = QT_QPA_PLATFORM=offscreen QGIS_CUSTOM_CONFIG_PATH=$(PROFILE) \
	PYTHONPATH=$$($(PYTHON) -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
QGIS_PROCESS = $(QGIS_ENV) qgis_process.bin

DEMO_OUT := demo_output
DEMO_TRAIN = run sceneclassifier:trainclassifier --json -- \
	INPUT_FOLDER=resources/sample/rsscn7 BACKBONE=0 PRETRAINED=false CHIP_SIZE=64 \
	BATCH_SIZE=32 EPOCHS=8 LEARNING_RATE=0 DEVICE=1 MODEL_NAME=rsscn7_demo \
	OUTPUT_FOLDER=$(DEMO_OUT)

.PHONY: setup qgis venv profile demo test lint clean

setup: qgis venv profile

qgis:
	@command -v qgis_process.bin >/dev/null || { \
	  echo "Installing QGIS from the distribution's packages"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    qgis python3-qgis python3-venv >/dev/null; }

venv: $(VENV)/.installed

$(VENV)/.installed: requirements-dev.txt | qgis
	[ -x $(PYTHON) ] || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(PYTHON) -m pip install -q -r requirements-dev.txt
	touch $@

profile: venv
	mkdir -p $(dir $(PLUGIN_LINK))
	ln -sfn $(CURDIR) $(PLUGIN_LINK)
	$(QGIS_PROCESS) plugins enable scene_classifier >/dev/null

demo: setup
	mkdir -p $(DEMO_OUT)
	$(QGIS_PROCESS) $(DEMO_TRAIN) > $(DEMO_OUT)/train.json
	@$(PYTHON) -c "import json; r = json.load(open('$(DEMO_OUT)/train.json'))['results']; \
	  print(f\"\nValidation accuracy: {r['ACCURACY']:.3f} (learning rate {r['LEARNING_RATE']:.2e})\"); \
	  print('Model package:', r['MODEL_PACKAGE']); print('Report:       ', r['OUTPUT_REPORT'])"

test: setup
	QT_QPA_PLATFORM=offscreen $(PYTHON) -m pytest tests -q -p no:cacheprovider

lint: venv
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(DEMO_OUT) $(PROFILE)
