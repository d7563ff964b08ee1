# Beyond the paper: BM as a certified solver of (5) (issue 12). One solve per
# (dataset, n, P_hat, solver) under its own time and memory caps -> scaling table, figure and
# Markdown table; the paper's spiral grid solved by BM_CERTIFIED and Clarabel -> agreement table.


# Data and the report: on a cluster they run where snakemake runs.
localrules:
    certify_fashion_data,
    certify_report,


rule certify:
    """The scaling table and figure of the certified solvers, and the agreement table."""
    input:
        certify_targets(),
    localrule: True


rule certify_fashion_data:
    """Fashion-MNIST, obtained under the configured root and verified by md5."""
    output:
        data="results/certify/data/fashion_mnist.npz",
    log:
        "results/logs/certify/data/fashion_mnist.log",
    benchmark:
        "results/benchmarks/certify/data/fashion_mnist.tsv"
    conda:
        "../envs/bmconvex.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        root=CERTIFY.fashion_mnist.root,
        verify=CERTIFY.fashion_mnist.verify,
        code=code("certify_fashion_data.py"),
    script:
        "../scripts/certify_fashion_data.py"


rule certify_solve:
    """One solve of (5) under the job's caps: time, peak memory and certified bracket, or how it ended."""
    input:
        data=certify_data,
    output:
        record="results/certify/runs/{dataset}/n{n}_P{P_hat}_{solver}.json",
    log:
        "results/logs/certify/{dataset}/n{n}_P{P_hat}_{solver}.log",
    benchmark:
        "results/benchmarks/certify/{dataset}/n{n}_P{P_hat}_{solver}.tsv"
    wildcard_constraints:
        dataset="spiral|fashion_mnist",
        P_hat=r"\d+",
        solver="BM_CERTIFIED|FISTA|CLARABEL_DIRECT|CLARABEL|MOSEK",
    conda:
        "../envs/bmconvex.yaml"
    threads: 1
    resources:
        gpu_job=certify_gpu,  # see profiles/slurm: a GPU for the Fashion-MNIST BM and FISTA solves
        mem_mb=certify_mem_mb,
        runtime=certify_runtime,
    params:
        job=certify_job,
        code=code("certify_solve.py"),
    script:
        "../scripts/certify_solve.py"


rule certify_agreement:
    """The paper's 48 spiral solves by BM_CERTIFIED and Clarabel: brackets and agreement."""
    output:
        table="results/certify/agreement.csv",
        markdown="results/tables/certify_agreement.md",
    log:
        "results/logs/certify/agreement.log",
    benchmark:
        "results/benchmarks/certify/agreement.tsv"
    conda:
        "../envs/bmconvex.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        grid=asdict(CERTIFY.agreement),
        data=asdict(CERTIFY.spiral_data),
        code=code("certify_agreement.py"),
    script:
        "../scripts/certify_agreement.py"


rule certify_report:
    """results/certify/scaling.csv, the log-log figure of time to certificate and the Markdown table."""
    input:
        records=certify_records(),
    output:
        table="results/certify/scaling.csv",
        pdf="results/figures/certify_scaling.pdf",
        png=report(
            "results/figures/certify_scaling.png",
            caption="../workflow/report/certify_scaling.rst",
            category="Certified BM solver",
        ),
        markdown="results/tables/certify_scaling.md",
    log:
        "results/logs/certify/report.log",
    benchmark:
        "results/benchmarks/certify/report.tsv"
    conda:
        "../envs/bmconvex.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        tolerance=CERTIFY.tolerance,
        code=code("certify_report.py"),
    script:
        "../scripts/certify_report.py"
