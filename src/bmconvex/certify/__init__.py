"""Beyond the paper: BM as a certified solver of (5), its scaling against interior-point solvers."""
