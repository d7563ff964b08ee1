# Beyond the paper: its remaining theorems checked numerically (docs/theory/README.md).
# Linear self-attention (Lemma 3.9, Cor. 3.10): data -> p* of (104) per beta and GD on (26) per
# (beta, m, seed) -> table -> figure. Spiral m sweep (Thm 3.3, 3.5): the spiral rules' runs over
# the sweep's grid -> Hessian curvature of their last iterates -> table -> figure.


# Data, tables and figures: on a cluster they run where snakemake runs.
localrules:
    theory_attention_data,
    theory_attention_table,
    theory_attention_figure,
    theory_spiral_sweep,
    theory_spiral_figure,


rule theory:
    """The self-attention table and figure, and the spiral m-sweep table and figure."""
    input:
        theory_targets(),
    localrule: True


rule theory_attention_data:
    """n sequences of s tokens from a planted linear-attention teacher plus noise."""
    output:
        data="results/theory/attention/data.npz",
    log:
        "results/logs/theory/attention/data.log",
    benchmark:
        "results/benchmarks/theory/attention/data.tsv"
    conda:
        "../envs/bmconvex.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        data=asdict(ATTENTION.data),
        code=code("theory_attention_data.py"),
    script:
        "../scripts/theory_attention_data.py"


rule theory_attention_convex:
    """Global optimum p* of the convex program (104) and the rank of Z*."""
    input:
        data=rules.theory_attention_data.output.data,
    output:
        solution="results/theory/attention/convex/beta{beta}.npz",
        record="results/theory/attention/convex/beta{beta}.json",
    log:
        "results/logs/theory/attention/convex/beta{beta}.log",
    benchmark:
        "results/benchmarks/theory/attention/convex/beta{beta}.tsv"
    conda:
        "../envs/bmconvex.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        solver=ATTENTION.convex.solver,
        tolerance=ATTENTION.convex.tolerance,
        code=code("theory_attention_convex.py"),
    script:
        "../scripts/theory_attention_convex.py"


rule theory_attention_bm:
    """GD on the m-head network (26); Thm 3.4 bound, d_hat, ranks and curvature of its last iterate."""
    input:
        data=rules.theory_attention_data.output.data,
    output:
        factors="results/theory/attention/bm/beta{beta}_m{m}_seed{seed}.npz",
        record="results/theory/attention/bm/beta{beta}_m{m}_seed{seed}.json",
    log:
        "results/logs/theory/attention/bm/beta{beta}_m{m}_seed{seed}.log",
    benchmark:
        "results/benchmarks/theory/attention/bm/beta{beta}_m{m}_seed{seed}.tsv"
    conda:
        "../envs/bmconvex.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    params:
        gd=asdict(ATTENTION.gd),
        init_std=ATTENTION.init_std,
        code=code("theory_attention_bm.py"),
    script:
        "../scripts/theory_attention_bm.py"


rule theory_attention_table:
    """One row per run: gaps, Thm 3.4 bound, d_hat, rank of R-hat (27) and of Z*; checks d_hat <= p* <= p_hat."""
    input:
        bm=attention_bm_records,
        convex=attention_convex_records,
    output:
        table="results/theory/attention_heads.csv",
    log:
        "results/logs/theory/attention/table.log",
    benchmark:
        "results/benchmarks/theory/attention/table.tsv"
    conda:
        "../envs/bmconvex.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        tolerance=ATTENTION.check_tolerance,
        saddle_rtol=CFG.theory.saddle_rtol,
        code=code("theory_attention_table.py"),
    script:
        "../scripts/theory_attention_table.py"


rule theory_attention_figure:
    """Relative gap against the heads m per beta, rank conditions and rank Z* marked."""
    input:
        table=rules.theory_attention_table.output.table,
    output:
        pdf="results/figures/theory_attention_heads.pdf",
        png=report(
            "results/figures/theory_attention_heads.png",
            caption="../workflow/report/theory_attention_figure.rst",
            category="Theory",
        ),
    log:
        "results/logs/theory/attention/figure.log",
    benchmark:
        "results/benchmarks/theory/attention/figure.tsv"
    conda:
        "../envs/bmconvex.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        d=ATTENTION.data.d,
        c=ATTENTION.data.c,
        code=code("theory_attention_figure.py"),
    script:
        "../scripts/theory_attention_figure.py"


rule theory_spiral_curvature:
    """Smallest Hessian eigenvalue of (18) at the last iterate of every m of one (n, beta, seed)."""
    input:
        data=rules.spiral_data.output.data,
        arrangement=rules.spiral_arrangement.output.arrangement,
        factors=sweep_factors,
    output:
        record="results/theory/spiral/curvature/n{n}_beta{beta}_seed{seed}.json",
    log:
        "results/logs/theory/spiral/curvature/n{n}_beta{beta}_seed{seed}.log",
    benchmark:
        "results/benchmarks/theory/spiral/curvature/n{n}_beta{beta}_seed{seed}.tsv"
    conda:
        "../envs/bmconvex.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        m=list(SWEEP.m),
        loss_scaling=SPIRAL.loss_scaling,
        code=code("theory_spiral_curvature.py"),
    script:
        "../scripts/theory_spiral_curvature.py"


rule theory_spiral_sweep:
    """One row per spiral run of the m sweep: gap, bound, rank conditions, curvature."""
    input:
        bm=sweep_bm_records,
        convex=sweep_convex_records,
        curvature=sweep_curvature_records,
    output:
        table="results/theory/spiral_m_sweep.csv",
    log:
        "results/logs/theory/spiral/sweep.log",
    benchmark:
        "results/benchmarks/theory/spiral/sweep.tsv"
    conda:
        "../envs/bmconvex.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        saddle_rtol=CFG.theory.saddle_rtol,
        code=code("theory_spiral_sweep.py"),
    script:
        "../scripts/theory_spiral_sweep.py"


rule theory_spiral_figure:
    """Relative gap against m per (n, beta), rank conditions, strict saddles and d + c marked."""
    input:
        table=rules.theory_spiral_sweep.output.table,
    output:
        pdf="results/figures/theory_spiral_m_sweep.pdf",
        png=report(
            "results/figures/theory_spiral_m_sweep.png",
            caption="../workflow/report/theory_spiral_figure.rst",
            category="Theory",
        ),
    log:
        "results/logs/theory/spiral/figure.log",
    benchmark:
        "results/benchmarks/theory/spiral/figure.tsv"
    conda:
        "../envs/bmconvex.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        code=code("theory_spiral_figure.py"),
    script:
        "../scripts/theory_spiral_figure.py"
