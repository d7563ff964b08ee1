"""The fast paths compute what the reference paths compute (issue: performance).

The closed-form trainer against PyTorch autograd on eq. (18) (tests/reference_autograd.py, also
the harness's baselines), from the same init for the same number of steps; the direct conic path
of (5) is checked against CVXPY in tests/solvers/test_solvers.py.
"""

import numpy as np
import pytest
from reference_autograd import autograd_gd

from bmconvex.core.gd import GDSettings
from bmconvex.core.pattern_fit import init_factors
from bmconvex.mlp.training import train_gd


@pytest.mark.parametrize("variant", ["literal", "vectorised"])
@pytest.mark.parametrize("m", [1, 3])
def test_closed_form_trainer_equals_autograd(spiral_problem, variant, m):
    pr = spiral_problem
    U0, V0 = init_factors(pr.P, pr.d, pr.c, m, 0.1, np.random.default_rng(m))
    settings = GDSettings(epochs=400)
    U_ref, V_ref, reference = autograd_gd(pr, U0, V0, settings, variant)
    ours = train_gd(pr, U0, V0, settings)
    assert reference[-1] < 0.9 * reference[0], "the runs must move for the comparison to mean anything"
    np.testing.assert_allclose(ours.objective, reference, rtol=1e-10)
    np.testing.assert_allclose(ours.U, U_ref, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(ours.V, V_ref, rtol=1e-8, atol=1e-12)
    assert ours.lr[-1] < settings.lr, "the plateau rule must have fired in both"
