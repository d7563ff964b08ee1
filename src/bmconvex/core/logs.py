"""Job logs: everything a script prints, warns or raises goes to the rule's ``log:`` file."""

from __future__ import annotations

import logging
import sys


def start_log(path: str) -> logging.Logger:
    """Send stdout, stderr (tracebacks included) and ``logging`` to ``path``."""
    stream = open(path, "w", buffering=1)  # noqa: SIM115 - lives as long as the job
    sys.stdout = sys.stderr = stream
    logging.basicConfig(stream=stream, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", force=True)
    logging.captureWarnings(True)
    return logging.getLogger("bmconvex")
