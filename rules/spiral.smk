# Spiral relative-optimality-gap experiment: paper Sec. 4.1, Fig. 2-4, App. C.1.
# data -> arrangements -> BM training per (n, beta, m, seed) and p* of (5) per (n, beta, seed)
# -> gap table -> figures and table.


# Seconds of work on small files: on a cluster they run where snakemake runs, not as cluster jobs.
localrules:
    spiral_data,
    spiral_arrangement,
    spiral_gaps,
    spiral_fig2,
    spiral_fig3,
    spiral_fig4,
    spiral_table,


rule spiral:
    """Figures 2-4 and the gap table of the spiral experiment."""
    input:
        spiral_targets(),
    localrule: True


rule spiral_data:
    """Three-class spiral with n points, d = 2 (Sec. 4.1, Fig. 3)."""
    output:
        data="results/spiral/data/n{n}.npz",
    log:
        "results/logs/spiral/data/n{n}.log",
    benchmark:
        "results/benchmarks/spiral/data/n{n}.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        noise=SPIRAL.data.noise,
        seed=SPIRAL.data.seed,
        code=code("spiral_data.py"),
    script:
        "../scripts/spiral_data.py"


rule spiral_arrangement:
    """P-hat Gaussian gates and their distinct non-empty patterns D_j (Sec. 2.1)."""
    input:
        data=rules.spiral_data.output.data,
    output:
        arrangement="results/spiral/arrangements/n{n}_seed{seed}.npz",
    log:
        "results/logs/spiral/arrangements/n{n}_seed{seed}.log",
    benchmark:
        "results/benchmarks/spiral/arrangements/n{n}_seed{seed}.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        P_hat=SPIRAL.P_hat,
        code=code("spiral_arrangement.py"),
    script:
        "../scripts/spiral_arrangement.py"


rule spiral_bm:
    """GD on the BM factorisation (18); p_hat, Thm 3.4 bound (20) and d_hat of its last iterate."""
    input:
        data=rules.spiral_data.output.data,
        arrangement=rules.spiral_arrangement.output.arrangement,
    output:
        factors="results/spiral/bm/n{n}_beta{beta}_m{m}_seed{seed}.npz",
        record="results/spiral/bm/n{n}_beta{beta}_m{m}_seed{seed}.json",
    log:
        "results/logs/spiral/bm/n{n}_beta{beta}_m{m}_seed{seed}.log",
    benchmark:
        "results/benchmarks/spiral/bm/n{n}_beta{beta}_m{m}_seed{seed}.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        gd=asdict(SPIRAL.gd),
        divergence=asdict(SPIRAL.divergence),
        init_std=SPIRAL.init_std,
        loss_scaling=SPIRAL.loss_scaling,
        code=code("spiral_bm.py"),
    script:
        "../scripts/spiral_bm.py"


rule spiral_convex:
    """Global optimum p* of the convex program (5) (MOSEK when licensed, else Clarabel)."""
    input:
        data=rules.spiral_data.output.data,
        arrangement=rules.spiral_arrangement.output.arrangement,
    output:
        solution="results/spiral/convex/n{n}_beta{beta}_seed{seed}.npz",
        record="results/spiral/convex/n{n}_beta{beta}_seed{seed}.json",
    log:
        "results/logs/spiral/convex/n{n}_beta{beta}_seed{seed}.log",
    benchmark:
        "results/benchmarks/spiral/convex/n{n}_beta{beta}_seed{seed}.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        solver=SPIRAL.convex.solver,
        tolerance=SPIRAL.convex.tolerance,
        loss_scaling=SPIRAL.loss_scaling,
        code=code("spiral_convex.py"),
    script:
        "../scripts/spiral_convex.py"


rule spiral_gaps:
    """Relative gap per run in one table; fails if any run breaks d_hat <= p* <= p_hat."""
    input:
        bm=spiral_bm_records,
        convex=spiral_convex_records,
    output:
        table="results/spiral/gaps.csv",
        violations="results/spiral/bound_violations.csv",
    log:
        "results/logs/spiral/gaps.log",
    benchmark:
        "results/benchmarks/spiral/gaps.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        tolerance=SPIRAL.check_tolerance,
        code=code("spiral_gaps.py"),
    script:
        "../scripts/spiral_gaps.py"


rule spiral_fig2:
    """Fig. 2: gap and bounds against beta at the largest n, one panel per m."""
    input:
        table=rules.spiral_gaps.output.table,
    output:
        pdf=f"results/figures/fig2_spiral_gap_n{SPIRAL.fig2_n}.pdf",
        png=report(
            f"results/figures/fig2_spiral_gap_n{SPIRAL.fig2_n}.png",
            caption="../workflow/report/fig2.rst",
            category="Spiral",
        ),
    log:
        "results/logs/spiral/fig2.log",
    benchmark:
        "results/benchmarks/spiral/fig2.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        ns=[SPIRAL.fig2_n],
        code=code("spiral_gap_figure.py"),
    script:
        "../scripts/spiral_gap_figure.py"


rule spiral_fig3:
    """Fig. 3: the spiral data for each n."""
    input:
        data=expand(rules.spiral_data.output.data, n=sorted(SPIRAL.n)),
    output:
        pdf="results/figures/fig3_spiral_data.pdf",
        png=report(
            "results/figures/fig3_spiral_data.png",
            caption="../workflow/report/fig3.rst",
            category="Spiral",
        ),
    log:
        "results/logs/spiral/fig3.log",
    benchmark:
        "results/benchmarks/spiral/fig3.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        ns=sorted(SPIRAL.n),
        code=code("spiral_data_figure.py"),
    script:
        "../scripts/spiral_data_figure.py"


rule spiral_fig4:
    """Fig. 4: gap and bounds against beta at the smaller n, one panel per (n, m)."""
    input:
        table=rules.spiral_gaps.output.table,
    output:
        pdf="results/figures/fig4_spiral_gap_small_n.pdf",
        png=report(
            "results/figures/fig4_spiral_gap_small_n.png",
            caption="../workflow/report/fig4.rst",
            category="Spiral",
        ),
    log:
        "results/logs/spiral/fig4.log",
    benchmark:
        "results/benchmarks/spiral/fig4.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        ns=SPIRAL.fig4_ns,
        code=code("spiral_gap_figure.py"),
    script:
        "../scripts/spiral_gap_figure.py"


rule spiral_table:
    """Mean ± std over seeds of the gaps per (n, beta, m), as Markdown."""
    input:
        table=rules.spiral_gaps.output.table,
    output:
        markdown="results/tables/spiral_gaps.md",
    log:
        "results/logs/spiral/table.log",
    benchmark:
        "results/benchmarks/spiral/table.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        code=code("spiral_table.py"),
    script:
        "../scripts/spiral_table.py"
