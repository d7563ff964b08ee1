# Shared by every experiment: the configuration read once into typed specs, wildcard
# constraints, input functions and the params each job receives.
from dataclasses import asdict
from pathlib import Path

from bmconvex.config import parse as parse_config
from bmconvex.core import gpu_slots
from bmconvex.core.provenance import code_digest
from bmconvex.core.records import check_records
from bmconvex.mlp.config import beta_label

CFG = parse_config(config, Path(workflow.basedir) / "workflow" / "schemas")
SPIRAL = CFG.spiral
CNN = CFG.cnn


wildcard_constraints:
    n=r"\d+",
    m=r"\d+",
    seed=r"\d+",
    beta=r"\d[0-9.e+-]*",
    stage=r"\d+",
    dataset="|".join(CNN.datasets),


def code(script):
    """Digest of the package code a script runs (a param: editing that code re-runs its jobs)."""
    return code_digest(Path(workflow.basedir) / "scripts" / script)


def spiral_bm_records(wildcards):
    return expand(
        "results/spiral/bm/n{n}_beta{beta}_m{m}_seed{seed}.json",
        n=SPIRAL.n,
        beta=map(beta_label, SPIRAL.beta),
        m=SPIRAL.m,
        seed=SPIRAL.seeds,
    )


def spiral_convex_records(wildcards):
    return expand(
        "results/spiral/convex/n{n}_beta{beta}_seed{seed}.json",
        n=SPIRAL.n,
        beta=map(beta_label, SPIRAL.beta),
        seed=SPIRAL.seeds,
    )


def spiral_targets():
    targets = [
        f"results/figures/fig2_spiral_gap_n{SPIRAL.fig2_n}.pdf",
        "results/figures/fig3_spiral_data.pdf",
        "results/tables/spiral_gaps.md",
        "results/report/spiral/gaps.html",
        "results/report/spiral/gap_summary.html",
    ]
    if SPIRAL.fig4_ns:
        targets.append("results/figures/fig4_spiral_gap_small_n.pdf")
    return targets


def cnn_previous_stages(wildcards):
    """Checkpoints of stages 1 .. s - 1 of the same (dataset, m) chain."""
    return [
        f"results/cnn/{wildcards.dataset}/m{wildcards.m}/stage{s}.pt"
        for s in range(1, int(wildcards.stage))
    ]


def cnn_convex_previous_stages(wildcards):
    """Checkpoints of convex stages 1 .. s - 1: the convex chain reads its own latents."""
    return [
        f"results/cnn/{wildcards.dataset}/convex/stage{s}.pt"
        for s in range(1, int(wildcards.stage))
    ]


def cnn_stage_job(wildcards):
    """What a BM stage job uses, as plain values (so that Snakemake tracks their changes)."""
    return asdict(
        CNN.stage_job(wildcards.dataset, int(wildcards.stage), int(wildcards.m))
    )


def cnn_convex_job(wildcards):
    return asdict(CNN.convex_job(wildcards.dataset, int(wildcards.stage)))


def gpu_jobs_per_card():
    """CNN stage jobs sharing a card at once: the profile's `gpu_job` (1 when unset) over the
    machine's cards (bmconvex.core.gpu_slots puts each job on a card)."""
    slots = workflow.global_resources.get("gpu_job").value
    return max(1, (1 if slots is None else slots) // max(1, gpu_slots.card_count()))


def cnn_stage_metrics(wildcards):
    return [
        f"results/cnn/{dataset}/m{m}/stage{s}.json"
        for dataset in CNN.datasets
        for m in CNN.m
        for s in CNN.architecture[dataset].stages
    ]


def cnn_convex_metrics(wildcards):
    return [
        f"results/cnn/{dataset}/convex/stage{s}.json"
        for dataset in CNN.datasets
        for s in CNN.architecture[dataset].stages
    ]


def cnn_targets():
    return [
        "results/figures/fig1_cnn_test_accuracy.pdf",
        "results/figures/fig5_cnn_train_accuracy.pdf",
        "results/figures/fig6_cnn_time_memory.pdf",
        "results/tables/cnn_accuracy.md",
        "results/report/cnn/accuracy.html",
        "results/report/cnn/stages.html",
    ]


# --- theory: the paper's remaining theorems (rules/theory.smk) ---------------------------
ATTENTION = CFG.theory.attention
SWEEP = CFG.theory.spiral_m_sweep


def attention_bm_records(wildcards):
    return expand(
        "results/theory/attention/bm/beta{beta}_m{m}_seed{seed}.json",
        beta=map(beta_label, ATTENTION.beta),
        m=ATTENTION.m,
        seed=ATTENTION.seeds,
    )


def attention_convex_records(wildcards):
    return expand(
        "results/theory/attention/convex/beta{beta}.json",
        beta=map(beta_label, ATTENTION.beta),
    )


def sweep_bm_records(wildcards):
    """The spiral runs of the m sweep: made by rule spiral_bm, shared with the paper's grid."""
    return expand(
        "results/spiral/bm/n{n}_beta{beta}_m{m}_seed{seed}.json",
        n=SWEEP.n,
        beta=map(beta_label, SWEEP.beta),
        m=SWEEP.m,
        seed=SWEEP.seeds,
    )


def sweep_convex_records(wildcards):
    return expand(
        "results/spiral/convex/n{n}_beta{beta}_seed{seed}.json",
        n=SWEEP.n,
        beta=map(beta_label, SWEEP.beta),
        seed=SWEEP.seeds,
    )


def sweep_curvature_records(wildcards):
    return expand(
        "results/theory/spiral/curvature/n{n}_beta{beta}_seed{seed}.json",
        n=SWEEP.n,
        beta=map(beta_label, SWEEP.beta),
        seed=SWEEP.seeds,
    )


def sweep_factors(wildcards):
    """The factors of every m of one (n, beta, seed) of the sweep, in the order of SWEEP.m."""
    return [
        f"results/spiral/bm/n{wildcards.n}_beta{wildcards.beta}_m{m}_seed{wildcards.seed}.npz"
        for m in SWEEP.m
    ]


def theory_targets():
    return [
        "results/theory/attention_heads.csv",
        "results/figures/theory_attention_heads.pdf",
        "results/theory/spiral_m_sweep.csv",
        "results/figures/theory_spiral_m_sweep.pdf",
        "results/report/theory/attention_heads.html",
        "results/report/theory/spiral_m_sweep.html",
    ]


# --- certify: BM as a certified solver of (5) (rules/certify.smk) ------------------------
CERTIFY = CFG.certify


def certify_records():
    return [
        f"results/certify/runs/{dataset}/n{n}_P{P_hat}_{solver}.json"
        for dataset, n, P_hat, solver in CERTIFY.runs()
    ]


def certify_targets():
    return [
        "results/certify/scaling.csv",
        "results/figures/certify_scaling.pdf",
        "results/tables/certify_scaling.md",
        "results/tables/certify_agreement.md",
        "results/report/certify/scaling.html",
        "results/report/certify/agreement.html",
    ]


def certify_job(wildcards):
    """What one solve uses, as plain values."""
    return asdict(
        CERTIFY.job(
            wildcards.dataset, int(wildcards.n), int(wildcards.P_hat), wildcards.solver
        )
    )


def certify_data(wildcards):
    """Fashion-MNIST jobs read the verified images; spiral jobs generate their data."""
    if wildcards.dataset == "fashion_mnist":
        return "results/certify/data/fashion_mnist.npz"
    return []


def certify_gpu(wildcards):
    """A GPU for BM_CERTIFIED / FISTA on Fashion-MNIST unless the config says cpu.

    profiles/slurm asks SLURM for a GPU for the same (dataset, solver) jobs (certify_solve's `gpu`).
    """
    solver_on_device = wildcards.solver in ("BM_CERTIFIED", "FISTA")
    gpu = wildcards.dataset == "fashion_mnist" and solver_on_device
    return int(gpu and CERTIFY.device != "cpu")


def certify_mem_mb(wildcards):
    return CERTIFY.datasets[wildcards.dataset].memory_limit_mb + 2000


def certify_runtime(wildcards):
    """Minutes: the job's time cap, its grace period and the setup."""
    return int(CERTIFY.datasets[wildcards.dataset].time_limit_s * 1.25 / 60) + 10


# Every record an aggregating job reads is read here, when Snakemake reads the workflow (dry runs
# too): a corrupt one stops it, naming the file, before any job starts and so before Snakemake
# removes the outputs built from it (gaps.csv). Not in an input function: Snakemake ignores an
# input function's error when the output it would rebuild exists.
check_records(
    spiral_bm_records(None)
    + spiral_convex_records(None)
    + cnn_stage_metrics(None)
    + cnn_convex_metrics(None)
    + attention_bm_records(None)
    + attention_convex_records(None)
    + sweep_bm_records(None)
    + sweep_convex_records(None)
    + sweep_curvature_records(None)
    + certify_records()
)


# --- relu: the ReLU MLP (3)/(19) on the spiral's data and arrangements (rules/relu.smk) ---
RELU = CFG.relu


def relu_bm_records(wildcards):
    return expand(
        "results/relu/bm/n{n}_beta{beta}_m{m}_seed{seed}.json",
        n=RELU.n,
        beta=map(beta_label, RELU.beta),
        m=RELU.m,
        seed=RELU.seeds,
    )


def relu_convex_records(wildcards):
    return expand(
        "results/relu/convex/n{n}_beta{beta}_seed{seed}.json",
        n=RELU.n,
        beta=map(beta_label, RELU.beta),
        seed=RELU.seeds,
    )


def relu_gated_records(wildcards):
    """p* of the gated program (5) on the same (n, beta, seed): made by rule spiral_convex."""
    return expand(
        "results/spiral/convex/n{n}_beta{beta}_seed{seed}.json",
        n=RELU.n,
        beta=map(beta_label, RELU.beta),
        seed=RELU.seeds,
    )


def relu_targets():
    targets = [
        f"results/figures/relu_fig2_gap_n{RELU.fig2_n}.pdf",
        "results/figures/relu_pstar_ratio.pdf",
        "results/tables/relu_summary.md",
        "results/report/relu/gaps.html",
        "results/report/relu/summary.html",
    ]
    if RELU.fig4_ns:
        targets.append("results/figures/relu_fig4_gap_small_n.pdf")
    return targets


check_records(relu_bm_records(None) + relu_convex_records(None))


# --- optimizers: optimizers of (18) on the spiral grid (rules/optimizers.smk) -------------
OPTIM = CFG.optimizers


def optimizer_records(wildcards):
    return expand(
        "results/optimizers/runs/{optimizer}/n{n}_beta{beta}_m{m}_seed{seed}.json",
        optimizer=OPTIM.run,
        n=SPIRAL.n,
        beta=map(beta_label, SPIRAL.beta),
        m=SPIRAL.m,
        seed=SPIRAL.seeds,
    )


def optimizer_settings(wildcards):
    """The settings of one optimizer, as plain values."""
    return asdict(OPTIM.settings(wildcards.optimizer, SPIRAL.gd))


def optimizers_targets():
    return [
        "results/optimizers/gaps.csv",
        "results/optimizers/summary.csv",
        "results/figures/optimizers_fig2.pdf",
        "results/figures/optimizers_fraction.pdf",
        "results/report/optimizers/summary.html",
    ]


check_records(optimizer_records(None))
