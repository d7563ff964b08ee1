# Quick start:  make reproduce   (set up, then regenerate every figure and table)
#               make test        (set up, then lint and run the test suite)
VENV ?= .venv
PYTHON ?= python3
CORES ?= all
TARGETS ?= spiral
BIN := $(VENV)/bin
# PyTorch's build, installed first from PyTorch's wheel index when set: cu126 for GPUs older than
# Turing or drivers 525-579, cpu for the CPU-only wheel (docs/cnn/README.md, "GPUs, drivers and
# data"); empty: torch from PyPI (2.13.0 is the CUDA 13.0 build). On a fresh .venv:
#   make setup TORCH_CUDA=cu126
TORCH_CUDA ?=
TORCH_INDEX ?= $(if $(TORCH_CUDA),https://download.pytorch.org/whl/$(TORCH_CUDA))
TORCH_VERSION := $(shell sed -n 's/^torch==//p' envs/constraints.txt)

.PHONY: setup reproduce test lint bench report clean

$(BIN)/.installed: pyproject.toml envs/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(if $(TORCH_INDEX),$(BIN)/python -m pip install --quiet torch==$(TORCH_VERSION) --index-url $(TORCH_INDEX))
	$(BIN)/python -m pip install --quiet -c envs/constraints.txt -e ".[dev,slurm,progress]"
	touch $@

setup: $(BIN)/.installed

reproduce: setup
	$(BIN)/snakemake --cores $(CORES) all theory relu

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check .
	$(BIN)/snakemake --lint

# Two workers, a test file each at a time: the SLURM module (mostly waiting on the cluster) runs beside the rest.
TEST_WORKERS ?= 2

test: lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# Benchmark harness (not part of the tests): trainer and solver speed-ups, whole-grid wall time.
bench: setup
	$(BIN)/python benchmarks/harness.py --grid

# The browsable report of what has been run (same targets and --configfile as the run: CONFIG=...).
report: setup
	$(BIN)/snakemake --report report.html $(TARGETS) $(if $(CONFIG),--configfile $(CONFIG))

clean:
	rm -rf results .snakemake
