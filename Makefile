# nianbao — two commands from a fresh clone:
#   make demo   creates .venv, installs nianbao, compiles the bundled example into out/
#   make test   creates .venv, installs nianbao with its test extras, runs the whole test suite

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
OUT    ?= out

.PHONY: demo test bench bench-batch bench-server generate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,server]"
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/nianbao compile -o $(OUT)
	$(BIN)/nianbao template -o $(OUT)/政府信息公开年度报告填报表.xlsx --overwrite

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -n auto

# every figure beside its anchor: compile against its floor; PDFs (batch, compile --to all, the warm
# server) against one LibreOffice run over the same .docx files
bench: $(VENV)/.installed-test
	$(BIN)/python bench/bench_compile.py
	$(BIN)/python bench/bench_pdf.py

bench-batch: $(VENV)/.installed-test
	$(BIN)/python bench/bench_batch.py -n 100 1000

bench-server: $(VENV)/.installed-test
	$(BIN)/python bench/bench_server.py -n 50

# regenerate the shipped Word template and workbooks from the format definition
generate: $(VENV)/.installed
	$(BIN)/python -m compiler.generate

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info .pytest_cache
