"""The paper's remaining theorems checked numerically (beyond its experiments).

- :mod:`~bmconvex.theory.spiral`: curvature of the spiral BM runs (are they local minima?) and
  the m-sweep table of Thm 3.3 / Thm 3.5 on the gated-ReLU MLP;
- :mod:`~bmconvex.theory.figures`: gap against m with the rank conditions marked, for the spiral
  and for linear self-attention (:mod:`bmconvex.attention`, Lemma 3.9 / Cor. 3.10).
"""
