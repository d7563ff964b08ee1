"""Burer-Monteiro factorisation of convex neural networks (Sahiner et al., ICLR 2024).

One module per concept of the paper:

- :mod:`bmconvex.spiral`: the three-class spiral data of Sec. 4.1 / App. C.1;
- :mod:`bmconvex.arrangements`: gate vectors h_j and activation patterns D_j;
- :mod:`bmconvex.problem`: the gated-ReLU programs (5) and (18) and their gradients;
- :mod:`bmconvex.bounds`: Thm 3.4's bound and certified lower bounds on p*;
- :mod:`bmconvex.training`: gradient descent on the BM factorisation (18);
- :mod:`bmconvex.convex`: the global optimum of (5) through CVXPY;
- :mod:`bmconvex.conic`: the same program handed to Clarabel directly;
- :mod:`bmconvex.gaps`: the tidy table of gaps and its invariants;
- :mod:`bmconvex.figures`: Figures 2-4 and the gap table;
- :mod:`bmconvex.image_data`: Fashion-MNIST and CIFAR-10 files, verified;
- :mod:`bmconvex.cnn`: the BM CNN stage (126) and its convex form (23);
- :mod:`bmconvex.cnn_training`: training a stage on the device, and its bound;
- :mod:`bmconvex.cnn_results`: Figures 1, 5, 6 and the accuracy table.
"""

__version__ = "0.1.0"
