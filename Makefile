# Two commands set everything up on a fresh machine with Python 3.11:
#   make run   — create .venv if missing, install, start the app on its demo data
#   make test  — the same venv plus the test tools, then the whole suite
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test bench clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Нужен Python 3.11 ($(PYTHON) не найден)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test: $(VENV)/.installed-dev
	$(PY) -m pytest -q

bench: $(VENV)/.installed
	$(PY) -m bench.import_bench
	$(PY) -m bench.page_bench

clean:
	rm -rf $(VENV) .pytest_cache
