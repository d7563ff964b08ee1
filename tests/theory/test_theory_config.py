"""The ``theory`` section: the default grid goes past d^2 + dc and d + c; bad values name their key."""

import copy

import pytest
from workflow_helpers import SCHEMAS

from bmconvex.config import parse
from bmconvex.core.specs import ConfigError


def test_default_sweeps_go_past_the_bounds_of_the_theorems(config):
    theory = parse(config, SCHEMAS).theory
    attention = theory.attention
    assert max(attention.m) > attention.heads_bound == 10  # Cor. 3.10: d^2 + dc heads
    assert min(attention.m) == 1 and attention.convex.solver == "auto"
    assert max(theory.spiral_m_sweep.m) > 2 + 3  # Thm 3.3: d_c + d_r factors per arrangement


@pytest.mark.parametrize(
    ("path", "value", "key"),
    [
        (("attention", "convex", "solver"), "CLARABEL_DIRECT", "theory.attention.convex.solver"),
        (("attention", "m"), [0, 1], "theory.attention.m[0]"),
        (("attention", "data", "d"), 2.0, "theory.attention.data.d"),
        (("saddle_rtol",), -1.0, "theory.saddle_rtol"),
        (("spiral_m_sweep", "n"), [50], "theory.spiral_m_sweep.n[0]"),
    ],
)
def test_bad_values_name_their_key(config, path, value, key):
    bad = copy.deepcopy(config)
    section = bad["theory"]
    for part in path[:-1]:
        section = section[part]
    section[path[-1]] = value
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]")):
        parse(bad, SCHEMAS)


def test_unlicensed_mosek_is_refused_before_any_job(config):
    from bmconvex.solvers import mosek_license_error

    if mosek_license_error() is None:
        pytest.skip("a MOSEK license is installed here")
    bad = copy.deepcopy(config)
    bad["theory"]["attention"]["convex"]["solver"] = "MOSEK"
    with pytest.raises(ConfigError, match="theory.attention.convex.solver: solver MOSEK requested"):
        parse(bad, SCHEMAS)
