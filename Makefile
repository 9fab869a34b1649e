# Set-up is part of every target: a fresh clone needs only `make demo` or `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
SDK := $(VENV)/bin/edge-sdk
# CI (CI=true) runs the representative subset on small configs; full-size exports are marked slow.
ifeq ($(CI),true)
PYTEST_ARGS ?= -m "not slow and not macos"
endif

.PHONY: install demo test lint clean

install: $(VENV)/.installed

# torch==2.13.0 is named in the same pip run so pip takes the CPU wheel instead of a CUDA build.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "torch==2.13.0" -e ".[dev]"
	touch $@

demo: install
	$(SDK) build
	$(SDK) verify build/grammar-corrector
	$(SDK) run --bundle build/grammar-corrector --quantization int8 \
		"I has a apple and two banana." "We was going to the park yesterday." \
		"He don't like the the movie." "The informations are very usefull." "This sentence is already correct."

test: install
	$(VENV)/bin/ruff check edge_sdk tests benchmarks
	$(PY) -m pytest -ra $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check edge_sdk tests benchmarks

clean:
	rm -rf build $(VENV)
