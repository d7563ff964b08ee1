# What `snakemake --report` shows besides the figures: every table as an HTML page (the report
# shows images and HTML; CSV and Markdown files would only be downloads). Captions and the front
# page (workflow/report/) are Jinja templates that read the config and each job's params.


localrules:
    spiral_report_tables,
    cnn_report_tables,
    theory_report_tables,
    certify_report_tables,
    relu_report_tables,


rule spiral_report_tables:
    """The gap table (every run) and its summary (mean ± std over seeds) as HTML pages."""
    input:
        gaps=rules.spiral_gaps.output.table,
        summary=rules.spiral_table.output.markdown,
    output:
        gaps=report(
            "results/report/spiral/gaps.html",
            caption="../workflow/report/spiral_gaps.rst",
            category="Spiral",
        ),
        summary=report(
            "results/report/spiral/gap_summary.html",
            caption="../workflow/report/spiral_table.rst",
            category="Spiral",
        ),
    log:
        "results/logs/report/spiral_tables.log",
    benchmark:
        "results/benchmarks/report/spiral_tables.tsv"
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


rule cnn_report_tables:
    """The accuracy table beside the paper's and the per-stage metrics as HTML pages."""
    input:
        accuracy=rules.cnn_report.output.table,
        stages=rules.cnn_report.output.stages,
    output:
        accuracy=report(
            "results/report/cnn/accuracy.html",
            caption="../workflow/report/cnn_table.rst",
            category="CNN",
        ),
        stages=report(
            "results/report/cnn/stages.html",
            caption="../workflow/report/cnn_stages.rst",
            category="CNN",
        ),
    log:
        "results/logs/report/cnn_tables.log",
    benchmark:
        "results/benchmarks/report/cnn_tables.tsv"
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


rule theory_report_tables:
    """The self-attention heads table and the spiral m-sweep table as HTML pages."""
    input:
        attention=rules.theory_attention_table.output.table,
        sweep=rules.theory_spiral_sweep.output.table,
    output:
        attention=report(
            "results/report/theory/attention_heads.html",
            caption="../workflow/report/theory_attention_table.rst",
            category="Theory",
        ),
        sweep=report(
            "results/report/theory/spiral_m_sweep.html",
            caption="../workflow/report/theory_spiral_table.rst",
            category="Theory",
        ),
    log:
        "results/logs/report/theory_tables.log",
    benchmark:
        "results/benchmarks/report/theory_tables.tsv"
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


rule certify_report_tables:
    """The scaling table of the certified solvers and the agreement table as HTML pages."""
    input:
        scaling=rules.certify_report.output.table,
        agreement=rules.certify_agreement.output.table,
    output:
        scaling=report(
            "results/report/certify/scaling.html",
            caption="../workflow/report/certify_table.rst",
            category="Certified BM solver",
        ),
        agreement=report(
            "results/report/certify/agreement.html",
            caption="../workflow/report/certify_agreement.rst",
            category="Certified BM solver",
        ),
    log:
        "results/logs/report/certify_tables.log",
    benchmark:
        "results/benchmarks/report/certify_tables.tsv"
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


rule relu_report_tables:
    """The ReLU gap table (every run) and its summary (p*(3) / p*(5), medians per beta) as HTML pages."""
    input:
        gaps=rules.relu_gaps.output.table,
        summary=rules.relu_table.output.markdown,
    output:
        gaps=report(
            "results/report/relu/gaps.html",
            caption="../workflow/report/relu_gaps.rst",
            category="ReLU MLP",
        ),
        summary=report(
            "results/report/relu/summary.html",
            caption="../workflow/report/relu_table.rst",
            category="ReLU MLP",
        ),
    log:
        "results/logs/report/relu_tables.log",
    benchmark:
        "results/benchmarks/report/relu_tables.tsv"
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
