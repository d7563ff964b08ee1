"""What every architecture shares: the certificate of Thm 3.4, the paper's GD on a BM factorisation,
ranks and curvature of BM points, result records, job logs, figures, typed config specs."""
