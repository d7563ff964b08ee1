"""What every architecture shares: the certificate of Thm 3.4, result records, job logs, figures."""
