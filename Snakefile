# Reproduces "Scaling Convex Neural Networks with Burer-Monteiro Factorization"
# (Sahiner, Ergen, Ozturkler, Pauly, Mardani, Pilanci; ICLR 2024).
#
#   snakemake --profile workflow/profiles/default          # everything
#   snakemake --profile workflow/profiles/default spiral   # one experiment
#   snakemake --profile workflow/profiles/default cnn      # the CNN experiment (GPU)
#   snakemake --profile workflow/profiles/default certify  # BM as a certified solver (not in all)
from pathlib import Path

from snakemake.utils import min_version

min_version("9.0")


# The default config sits beside this file, wherever snakemake is started from (-s path/Snakefile).
configfile: Path(workflow.basedir) / "config.yaml"


report: "workflow/report/workflow.rst"


include: "rules/common.smk"
include: "rules/spiral.smk"
include: "rules/cnn.smk"
include: "rules/certify.smk"


rule all:
    default_target: True
    input:
        rules.spiral.input,
