"""Linear self-attention (Lemma 3.9, Cor. 3.10): the experiment the paper states but never runs.

- :mod:`~bmconvex.attention.data`: sequences from a planted linear-attention teacher;
- :mod:`~bmconvex.attention.problem`: the convex program (104) and its BM factorisation (26);
- :mod:`~bmconvex.attention.training`: the paper's GD on (26);
- :mod:`~bmconvex.attention.certificate`: Thm 3.4's bound, d_hat, the ranks of Thm 3.3/3.5 and (27);
- :mod:`~bmconvex.attention.convex`: p* of (104) through CVXPY, certified;
- :mod:`~bmconvex.attention.experiment`: one unit of work per (beta, m, seed);
- :mod:`~bmconvex.attention.table`: the table (its figure: :mod:`bmconvex.theory.figures`).
"""
