#!/usr/bin/env bash
# Runs once in each new conda environment (snakemake --sdm conda), in Snakemake's working directory,
# which need not be the checkout. Snakemake runs this file from where it lies in the workflow, so
# the checkout is the folder above it; the package is installed from there (editable, so that the
# environment follows edits of the code), with the environment's own setuptools (envs/*.yaml list it).
set -euo pipefail
checkout=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$checkout/pyproject.toml" ]; then
    echo "post-deploy: no pyproject.toml in $checkout: install bmconvex into ${CONDA_PREFIX:-this environment} by hand" >&2
    exit 1
fi
python -m pip install --no-deps --no-build-isolation -e "$checkout"
