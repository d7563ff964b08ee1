"""The ReLU two-layer MLP (paper Sec. 2.1, 3.1): program (3) and its BM factorisation (19) on the spiral.

Beside the gated program of :mod:`bmconvex.mlp`, on its data, arrangements, seeds and GD:
cones (wedges C_j at d = 2) -> sigma (Thm 3.4's cone-constrained PCA) -> problem (3)/(19) ->
training (projected GD on (19)) and optimum (certified p* of (3): SDP, feasible network, Fenchel
dual; sdp: the SDP at d = 2 and the SOCP at c = 1) -> certificate (eps, d_hat) -> gaps (table,
invariants) -> figures. relaxation: an upper bound on sigma_j in any d (the general-d eps).
"""
