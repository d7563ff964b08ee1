# Shared by every experiment: config validation, wildcard constraints, input functions.
from snakemake.utils import validate

validate(config, schema="../workflow/schemas/config.schema.yaml")

SPIRAL = config["spiral"]
# Fig. 2 is drawn at the largest n (150 in the paper), Fig. 4 at the others.
SPIRAL_FIG2_N = max(SPIRAL["n"])
SPIRAL_FIG4_NS = sorted(n for n in SPIRAL["n"] if n != SPIRAL_FIG2_N)


wildcard_constraints:
    n=r"\d+",
    m=r"\d+",
    seed=r"\d+",
    beta=r"\d[0-9.e+-]*",
    stage=r"\d+",
    dataset="|".join(config["cnn"]["datasets"]),


def beta_label(beta):
    """The file-name form of a beta value (1e-04 -> '0.0001')."""
    return f"{beta:g}"


def spiral_bm_records(wildcards):
    return expand(
        "results/spiral/bm/n{n}_beta{beta}_m{m}_seed{seed}.json",
        n=SPIRAL["n"],
        beta=map(beta_label, SPIRAL["beta"]),
        m=SPIRAL["m"],
        seed=SPIRAL["seeds"],
    )


def spiral_convex_records(wildcards):
    return expand(
        "results/spiral/convex/n{n}_beta{beta}_seed{seed}.json",
        n=SPIRAL["n"],
        beta=map(beta_label, SPIRAL["beta"]),
        seed=SPIRAL["seeds"],
    )


def spiral_targets():
    targets = [
        f"results/figures/fig2_spiral_gap_n{SPIRAL_FIG2_N}.pdf",
        "results/figures/fig3_spiral_data.pdf",
        "results/tables/spiral_gaps.md",
    ]
    if SPIRAL_FIG4_NS:
        targets.append("results/figures/fig4_spiral_gap_small_n.pdf")
    return targets


CNN = config["cnn"]


def cnn_stages(dataset):
    return range(1, len(CNN["architecture"][dataset]["P_hat"]) + 1)


def cnn_previous_stages(wildcards):
    """Checkpoints of stages 1 .. s - 1 of the same (dataset, m) chain."""
    return [
        f"results/cnn/{wildcards.dataset}/m{wildcards.m}/stage{s}.pt"
        for s in range(1, int(wildcards.stage))
    ]


def cnn_convex_previous_stages(wildcards):
    """The convex form of stage s reads the inputs that the chosen BM chain feeds it."""
    m = CNN["convex"]["m_chain"]
    return [
        f"results/cnn/{wildcards.dataset}/m{m}/stage{s}.pt"
        for s in range(1, int(wildcards.stage))
    ]


def cnn_stage_metrics():
    return [
        f"results/cnn/{dataset}/m{m}/stage{s}.json"
        for dataset in CNN["datasets"]
        for m in CNN["m"]
        for s in cnn_stages(dataset)
    ]


def cnn_convex_metrics():
    return [
        f"results/cnn/{dataset}/convex/stage{s}.json"
        for dataset in CNN["datasets"]
        for s in cnn_stages(dataset)
    ]


def cnn_targets():
    return [
        "results/figures/fig1_cnn_test_accuracy.pdf",
        "results/figures/fig5_cnn_train_accuracy.pdf",
        "results/figures/fig6_cnn_time_memory.pdf",
        "results/tables/cnn_accuracy.md",
    ]
