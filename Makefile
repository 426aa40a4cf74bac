# Two commands set everything up on a fresh machine with Python 3.11:
#   make run   — create .venv if missing, install, start the app on its demo data, on this
#                computer only (127.0.0.1), as its single local editor without a password
#   make test  — the same venv plus the test tools, then the whole suite
# Serving a department's network:  make serve  (sign-in required; refuses to start with no user)
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
ADDRESS ?= 0.0.0.0
STREAMLIT := $(PY) -m streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

.PHONY: run serve test test-domain bench clean

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
	@echo "Приложение открыто только на этом компьютере: http://127.0.0.1:$(PORT) — вход без пароля, вы единственный редактор."
	$(STREAMLIT) --server.address 127.0.0.1

serve: $(VENV)/.installed
	@$(PY) -m indicators user check
	QUALITY_SERVE=network $(STREAMLIT) --server.address $(ADDRESS)

test: $(VENV)/.installed-dev
	$(PY) -m pytest -q

test-domain: $(VENV)/.installed-dev
	$(PY) -m pytest -q -m domain

# make bench: the import benchmark, then the pages at three scales (bench/README.md); one scale
# of the pages alone: make bench BENCH_ARGS="--scale regional"
bench: $(VENV)/.installed
	$(PY) -m bench.import_bench
	$(PY) -m bench.vpr_bench
	$(PY) -m bench.page_bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
