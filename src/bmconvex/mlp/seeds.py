"""Random streams of the spiral experiment.

A run's ``seed`` drives two independent streams, as the paper uses one seed for both: stream 0
for the arrangement sample (shared by every beta and m) and stream 1 for the Gaussian init of
U, V (shared by every beta).
"""

from __future__ import annotations

import numpy as np

ARRANGEMENT_STREAM, INIT_STREAM = 0, 1


def rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([stream, seed])
