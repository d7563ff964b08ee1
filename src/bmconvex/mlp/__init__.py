"""The gated-ReLU two-layer MLP (paper Sec. 2.1, 3.1, 4.1): programs (5) and (18) on the spiral.

spiral (data) -> arrangements (D_j) -> problem (5)/(18) -> training (GD on (18)) and
:mod:`bmconvex.solvers` (p* of (5)) -> certificate (Thm 3.4) -> gaps (table, invariants) -> figures.
"""
