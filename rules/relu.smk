# Beyond the paper: the ReLU MLP's BM factorisation (19) against the exact optimum of (3) at d = 2.
# The spiral rules' data and arrangements -> projected GD per (n, beta, m, seed) and the certified
# p* of (3) per (n, beta, seed), with the gated p* of (5) of rule spiral_convex -> gap table -> figures.


localrules:
    relu_gaps,
    relu_fig2,
    relu_fig4,
    relu_ratio_figure,
    relu_table,


rule relu:
    """Gap table, figures (Fig. 2 / 4 for (19), p*(3) / p*(5)) and summary of the ReLU experiment."""
    input:
        relu_targets(),
    localrule: True


rule relu_bm:
    """Projected GD on (19); p_hat, Thm 3.4's eps with the exact sigma_j and d_hat of its last iterate."""
    input:
        data=rules.spiral_data.output.data,
        arrangement=rules.spiral_arrangement.output.arrangement,
    output:
        factors="results/relu/bm/n{n}_beta{beta}_m{m}_seed{seed}.npz",
        record="results/relu/bm/n{n}_beta{beta}_m{m}_seed{seed}.json",
    log:
        "results/logs/relu/bm/n{n}_beta{beta}_m{m}_seed{seed}.log",
    benchmark:
        "results/benchmarks/relu/bm/n{n}_beta{beta}_m{m}_seed{seed}.tsv"
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
        code=code("relu_bm.py"),
    script:
        "../scripts/relu_bm.py"


rule relu_convex:
    """p* of (3), certified: SDP, a feasible network (upper) and the Fenchel dual (lower)."""
    input:
        data=rules.spiral_data.output.data,
        arrangement=rules.spiral_arrangement.output.arrangement,
    output:
        record="results/relu/convex/n{n}_beta{beta}_seed{seed}.json",
    log:
        "results/logs/relu/convex/n{n}_beta{beta}_seed{seed}.log",
    benchmark:
        "results/benchmarks/relu/convex/n{n}_beta{beta}_seed{seed}.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        tolerance=RELU.convex.tolerance,
        solver_tolerance=RELU.convex.solver_tolerance,
        max_rounds=RELU.convex.max_rounds,
        loss_scaling=SPIRAL.loss_scaling,
        code=code("relu_convex.py"),
    script:
        "../scripts/relu_convex.py"


rule relu_gaps:
    """Gap per run in one table; fails if any run breaks d_hat <= p* <= p_hat or p*(5) <= p*(3)."""
    input:
        bm=relu_bm_records,
        relu=relu_convex_records,
        gated=relu_gated_records,
    output:
        table="results/relu/gaps.csv",
        violations="results/relu/bound_violations.csv",
    log:
        "results/logs/relu/gaps.log",
    benchmark:
        "results/benchmarks/relu/gaps.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        tolerance=RELU.check_tolerance,
        code=code("relu_gaps.py"),
    script:
        "../scripts/relu_gaps.py"


rule relu_fig2:
    """Fig. 2 for (19): gap and bounds against beta at the largest n, one panel per m."""
    input:
        table=rules.relu_gaps.output.table,
    output:
        pdf=f"results/figures/relu_fig2_gap_n{RELU.fig2_n}.pdf",
        png=report(
            f"results/figures/relu_fig2_gap_n{RELU.fig2_n}.png",
            caption="../workflow/report/relu_fig2.rst",
            category="ReLU MLP",
        ),
    log:
        "results/logs/relu/fig2.log",
    benchmark:
        "results/benchmarks/relu/fig2.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        ns=[RELU.fig2_n],
        code=code("relu_gap_figure.py"),
    script:
        "../scripts/relu_gap_figure.py"


rule relu_fig4:
    """Fig. 4 for (19): gap and bounds against beta at the smaller n, one panel per (n, m)."""
    input:
        table=rules.relu_gaps.output.table,
    output:
        pdf="results/figures/relu_fig4_gap_small_n.pdf",
        png=report(
            "results/figures/relu_fig4_gap_small_n.png",
            caption="../workflow/report/relu_fig4.rst",
            category="ReLU MLP",
        ),
    log:
        "results/logs/relu/fig4.log",
    benchmark:
        "results/benchmarks/relu/fig4.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        ns=RELU.fig4_ns,
        code=code("relu_gap_figure.py"),
    script:
        "../scripts/relu_gap_figure.py"


rule relu_ratio_figure:
    """p*(3) / p*(5) against beta, one line per n: what the ReLU constraint costs."""
    input:
        table=rules.relu_gaps.output.table,
    output:
        pdf="results/figures/relu_pstar_ratio.pdf",
        png=report(
            "results/figures/relu_pstar_ratio.png",
            caption="../workflow/report/relu_ratio.rst",
            category="ReLU MLP",
        ),
    log:
        "results/logs/relu/ratio_figure.log",
    benchmark:
        "results/benchmarks/relu/ratio_figure.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        code=code("relu_ratio_figure.py"),
    script:
        "../scripts/relu_ratio_figure.py"


rule relu_table:
    """p*(3) / p*(5) per (n, beta) and the medians of gap and bound per beta, as Markdown."""
    input:
        table=rules.relu_gaps.output.table,
    output:
        markdown="results/tables/relu_summary.md",
    log:
        "results/logs/relu/table.log",
    benchmark:
        "results/benchmarks/relu/table.tsv"
    conda:
        "../envs/spiral.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        code=code("relu_table.py"),
    script:
        "../scripts/relu_table.py"
