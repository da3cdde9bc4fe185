# One-command set-up: `make run` serves the demo banner, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: run test lint setup assets messages browser office migrate demo worker beat clean bench

setup: $(STAMP) node_modules/.installed messages office

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

messages: $(STAMP)
	$(PY) scripts/compilemessages.py

# Debian's Chromium and a Chinese font for the browser tests; never a browser download of Playwright's own.
browser:
	@if [ -x /usr/bin/chromium ]; then echo "chromium: /usr/bin/chromium"; \
	elif [ "$$(id -u)" = "0" ]; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
		|| echo "!!! Could not install Chromium: the browser tests will not run !!!"; \
	else echo "!!! /usr/bin/chromium is missing and this is not root: the browser tests will not run !!!"; fi
	@# Java for the Nu HTML checker (node_modules/vnu-jar) that the every-page browser test runs.
	@if command -v java >/dev/null; then echo "java: $$(command -v java)"; \
	elif [ "$$(id -u)" = "0" ]; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null) \
		|| echo "!!! Could not install Java: the HTML check of the browser tests will fail !!!"; \
	else echo "!!! java is missing and this is not root: the HTML check of the browser tests will fail !!!"; fi

# The office engine and the readers of documents (core/convert.py): LibreOffice headless for .doc/.wps and
# previews, poppler for PDFs, Tesseract with Simplified Chinese for scans. Loud when they cannot be installed;
# under CI=true that is a failure, since the tests of 字数, previews and OCR need them. LibreOffice Calc and
# Carlito (Calibri's metrics, the workbooks' font) for the printout tests of the Excel exports (excel/tests/printout.py).
OFFICE_TOOLS := soffice pdftotext pdftoppm pdfinfo tesseract
CALC_LIB := /usr/lib/libreoffice/program/libscfiltlo.so
office:
	@missing=""; for tool in $(OFFICE_TOOLS); do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ] || ! tesseract --list-langs 2>/dev/null | grep -qx chi_sim || [ ! -e $(CALC_LIB) ] \
			|| ! fc-list 2>/dev/null | grep -qi carlito; then \
		if [ "$$(id -u)" = "0" ]; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
				libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils tesseract-ocr tesseract-ocr-chi-sim \
				fonts-wqy-microhei fonts-crosextra-carlito >/dev/null) \
			|| echo "!!! Could not install LibreOffice, poppler and Tesseract: .doc/.wps, previews and OCR will not work !!!"; \
		else echo "!!! LibreOffice, poppler or Tesseract (chi_sim) is missing and this is not root: .doc/.wps, previews and OCR will not work !!!"; fi; \
	fi; \
	for tool in $(OFFICE_TOOLS); do command -v $$tool >/dev/null || { echo "!!! $$tool is missing !!!"; [ -z "$$CI" ] || exit 1; }; done; \
	tesseract --list-langs 2>/dev/null | grep -qx chi_sim || { echo "!!! tesseract-ocr-chi-sim is missing !!!"; [ -z "$$CI" ] || exit 1; }; \
	echo "office tools: LibreOffice, poppler, Tesseract (chi_sim)"

migrate: setup
	mkdir -p var
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py demo_logins
	$(PY) manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: setup browser lint
	mkdir -p var
	DJANGO_ENV=test $(PY) -m pytest $(PYTEST_ARGS)

worker: setup
	$(VENV)/bin/celery -A mingshi worker -l info

beat: setup
	$(VENV)/bin/celery -A mingshi beat -l info

bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var
