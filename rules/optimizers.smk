# Beyond the paper: optimizers of (18) on the spiral grid (docs/optimizers/README.md).
# The spiral rules' data, arrangements and p* -> one job per (optimizer, n, beta, seed), every m
# -> gap table and summary -> Fig. 2's layout with one line per optimizer, and the fraction of
# runs below each gap against the evaluations.


localrules:
    optimizers_gaps,
    optimizers_fig2,
    optimizers_fraction,
    optimizers_report_table,


rule optimizers:
    """The optimizer study's gap table, summary and figures."""
    input:
        optimizers_targets(),
    localrule: True


rule optimizers_run:
    """One optimizer from the spiral runs' init, every m, at the common budget of evaluations."""
    input:
        data=rules.spiral_data.output.data,
        arrangement=rules.spiral_arrangement.output.arrangement,
        convex=rules.spiral_convex.output.record,
    output:
        records=expand(
            "results/optimizers/runs/{{optimizer}}/n{{n}}_beta{{beta}}_m{m}_seed{{seed}}.json",
            m=SPIRAL.m,
        ),
    log:
        "results/logs/optimizers/runs/{optimizer}/n{n}_beta{beta}_seed{seed}.log",
    benchmark:
        "results/benchmarks/optimizers/runs/{optimizer}/n{n}_beta{beta}_seed{seed}.tsv"
    wildcard_constraints:
        optimizer="|".join(OPTIM.run),
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        m=list(SPIRAL.m),
        settings=optimizer_settings,
        init_std=SPIRAL.init_std,
        divergence=asdict(SPIRAL.divergence),
        loss_scaling=SPIRAL.loss_scaling,
        budget=OPTIM.budget,
        check_every=OPTIM.check_every,
        thresholds=list(OPTIM.thresholds),
        code=code("optimizers_run.py"),
    script:
        "../scripts/optimizers_run.py"


rule optimizers_gaps:
    """One row per run; fails if any run breaks d_hat <= p* <= p_hat; the summary per optimizer."""
    input:
        runs=optimizer_records,
        convex=spiral_convex_records,
    output:
        table="results/optimizers/gaps.csv",
        summary="results/optimizers/summary.csv",
    log:
        "results/logs/optimizers/gaps.log",
    benchmark:
        "results/benchmarks/optimizers/gaps.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        order=list(OPTIM.run),
        thresholds=list(OPTIM.thresholds),
        tolerance=SPIRAL.check_tolerance,
        code=code("optimizers_gaps.py"),
    script:
        "../scripts/optimizers_gaps.py"


rule optimizers_fig2:
    """Fig. 2's layout (gap against beta at the largest n, one panel per m), one line per optimizer."""
    input:
        table=rules.optimizers_gaps.output.table,
    output:
        pdf="results/figures/optimizers_fig2.pdf",
        png=report(
            "results/figures/optimizers_fig2.png",
            caption="../workflow/report/optimizers_fig2.rst",
            category="Optimizers",
        ),
    log:
        "results/logs/optimizers/fig2.log",
    benchmark:
        "results/benchmarks/optimizers/fig2.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        n=SPIRAL.fig2_n,
        order=list(OPTIM.run),
        code=code("optimizers_figures.py"),
    script:
        "../scripts/optimizers_figures.py"


rule optimizers_fraction:
    """Fraction of the runs whose gap (and certified gap) is below each threshold against evaluations."""
    input:
        table=rules.optimizers_gaps.output.table,
    output:
        pdf="results/figures/optimizers_fraction.pdf",
        png=report(
            "results/figures/optimizers_fraction.png",
            caption="../workflow/report/optimizers_fraction.rst",
            category="Optimizers",
        ),
    log:
        "results/logs/optimizers/fraction.log",
    benchmark:
        "results/benchmarks/optimizers/fraction.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        order=list(OPTIM.run),
        thresholds=list(OPTIM.thresholds),
        budget=OPTIM.budget,
        code=code("optimizers_figures.py"),
    script:
        "../scripts/optimizers_figures.py"


rule optimizers_report_table:
    """The summary per optimizer as an HTML page."""
    input:
        summary=rules.optimizers_gaps.output.summary,
    output:
        summary=report(
            "results/report/optimizers/summary.html",
            caption="../workflow/report/optimizers_summary.rst",
            category="Optimizers",
        ),
    log:
        "results/logs/optimizers/report_table.log",
    benchmark:
        "results/benchmarks/optimizers/report_table.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        code=code("report_tables.py"),
    script:
        "../scripts/report_tables.py"
