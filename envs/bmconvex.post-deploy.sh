#!/usr/bin/env bash
# Runs inside the new conda environment, in Snakemake's working directory (the checkout).
set -euo pipefail
python -m pip install --no-deps --no-build-isolation -e .
