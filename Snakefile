# Reproduces "Scaling Convex Neural Networks with Burer-Monteiro Factorization"
# (Sahiner, Ergen, Ozturkler, Pauly, Mardani, Pilanci; ICLR 2024).
#
#   snakemake            # the spiral experiment (profiles/default is found by itself: all cores, one GPU job at a time)
#   snakemake spiral     # one experiment
#   snakemake cnn        # the CNN experiment (GPU)
#   snakemake theory     # the remaining theorems (docs/theory)
#   snakemake certify    # BM as a certified solver (not in all; docs/certify)
#   snakemake relu       # the ReLU MLP (3)/(19) against its exact optimum (docs/relu)
#   snakemake optimizers # optimizers of (18) on the spiral grid (not in all; docs/optimizers)
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
include: "rules/theory.smk"
include: "rules/relu.smk"
include: "rules/optimizers.smk"
include: "rules/report.smk"


# The paper's CPU experiment. The theory checks (minutes), the CNN (GPU) and the certified-solver
# scaling (hours at its largest sizes) are their own targets; `make reproduce` builds all and theory.
rule all:
    default_target: True
    input:
        rules.spiral.input,
