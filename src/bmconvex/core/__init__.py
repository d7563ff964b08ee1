"""What every architecture shares: the certificate of Thm 3.4, ranks and curvature of BM points,
result records, job logs, figures."""
