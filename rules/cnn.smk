# Layerwise BM convex CNNs: paper Sec. 4.2, Fig. 1, 5, 6, App. B.2 eq. (126), C.2-C.3.
# data -> stage 1 -> stage 2 -> ... per (dataset, m), each stage a GPU job on the frozen
# checkpoints of the earlier ones (a killed chain resumes from its last finished stage);
# the convex chain (23), each convex stage on the convex stages before it, for the time/memory
# comparison of Fig. 6 (an out-of-memory is a result); figures and table.
# GPU jobs: `gpu_job` is neutral; the SLURM profile maps it to a card per job (--gpus or --gres),
# the local profile's `gpu_job` says how many stage jobs share the one card (a convex stage takes all).


# Download and figures: on a cluster they run where snakemake runs (compute nodes may be offline).
localrules:
    cnn_data,
    cnn_report,


rule cnn:
    """Figures 1, 5, 6 and the accuracy table of the CNN experiment."""
    input:
        cnn_targets(),
    localrule: True


rule cnn_data:
    """Fashion-MNIST or CIFAR-10, obtained under resources/ and verified by md5."""
    output:
        data="results/cnn/data/{dataset}.npz",
    log:
        "results/logs/cnn/data/{dataset}.log",
    benchmark:
        "results/benchmarks/cnn/data/{dataset}.tsv"
    conda:
        "../envs/bmconvex.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        root=CNN.data.root,
        verify=CNN.data.verify,
        code=code("cnn_data.py"),
    script:
        "../scripts/cnn_data.py"


rule cnn_stage:
    """Train BM stage s (eq. 126) for one (dataset, m); writes its checkpoint, metrics and bound."""
    input:
        data=rules.cnn_data.output.data,
        previous=cnn_previous_stages,
    output:
        checkpoint="results/cnn/{dataset}/m{m}/stage{stage}.pt",
        metrics="results/cnn/{dataset}/m{m}/stage{stage}.json",
    log:
        job="results/logs/cnn/{dataset}/m{m}/stage{stage}.log",
        # one row per epoch, appended as the stage trains (kept when the job fails)
        epochs="results/cnn/{dataset}/m{m}/stage{stage}.epochs.csv",
    benchmark:
        "results/benchmarks/cnn/{dataset}/m{m}/stage{stage}.tsv"
    conda:
        "../envs/bmconvex.yaml"
    threads: 4
    resources:
        gpu_job=1,
        mem_mb=16000,
        runtime=240,
    params:
        job=cnn_stage_job,
        code=code("cnn_stage.py"),
    script:
        "../scripts/cnn_stage.py"


rule cnn_convex_stage:
    """Convex stage s of (23) on convex stages 1 .. s-1: time and memory (Fig. 6); an OOM is a result."""
    input:
        data=rules.cnn_data.output.data,
        previous=cnn_convex_previous_stages,
    output:
        checkpoint="results/cnn/{dataset}/convex/stage{stage}.pt",
        metrics="results/cnn/{dataset}/convex/stage{stage}.json",
    log:
        job="results/logs/cnn/{dataset}/convex/stage{stage}.log",
        epochs="results/cnn/{dataset}/convex/stage{stage}.epochs.csv",
    benchmark:
        "results/benchmarks/cnn/{dataset}/convex/stage{stage}.tsv"
    conda:
        "../envs/bmconvex.yaml"
    threads: 4
    resources:
        gpu_job=gpu_jobs_per_card(),  # alone on the card: its time per epoch is Fig. 6's
        mem_mb=16000,
        runtime=120,
    params:
        job=cnn_convex_job,
        code=code("cnn_convex_stage.py"),
    script:
        "../scripts/cnn_convex_stage.py"


rule cnn_report:
    """Fig. 1 (test accuracy per stage), Fig. 5 (train accuracy), Fig. 6 (time, memory), table."""
    input:
        stages=cnn_stage_metrics,
        convex=cnn_convex_metrics,
    output:
        epochs="results/cnn/epochs.csv",
        stages="results/cnn/stages.csv",
        convex="results/cnn/convex.csv",
        fig1_pdf="results/figures/fig1_cnn_test_accuracy.pdf",
        fig1_png=report(
            "results/figures/fig1_cnn_test_accuracy.png",
            caption="../workflow/report/fig1.rst",
            category="CNN",
        ),
        fig5_pdf="results/figures/fig5_cnn_train_accuracy.pdf",
        fig5_png=report(
            "results/figures/fig5_cnn_train_accuracy.png",
            caption="../workflow/report/fig5.rst",
            category="CNN",
        ),
        fig6_pdf="results/figures/fig6_cnn_time_memory.pdf",
        fig6_png=report(
            "results/figures/fig6_cnn_time_memory.png",
            caption="../workflow/report/fig6.rst",
            category="CNN",
        ),
        table="results/tables/cnn_accuracy.md",
    log:
        "results/logs/cnn/report.log",
    benchmark:
        "results/benchmarks/cnn/report.tsv"
    conda:
        "../envs/bmconvex.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        code=code("cnn_report.py"),
    script:
        "../scripts/cnn_report.py"
