"""The relu section: the paper's grid by default, and a p* tolerance looser than 1e-6 refused."""

import pytest
from workflow_helpers import SCHEMAS

from bmconvex.config import parse
from bmconvex.core.specs import ConfigError


def test_default_relu_grid_is_the_gated_one(config):
    parsed = parse(config, SCHEMAS)
    r, s = parsed.relu, parsed.spiral
    assert (r.n, r.beta, r.m, r.seeds) == (s.n, s.beta, s.m, s.seeds)
    assert r.convex.tolerance <= 1e-6 and (r.fig2_n, r.fig4_ns) == (150, [3, 45, 75])


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("tolerance", 1.0e-5, "relu.convex.tolerance: 1e-05 is looser than the 1e-6"),
        ("solver_tolerance", 1.0e-6, "relu.convex.solver_tolerance: must not exceed"),
        ("max_rounds", 0, "relu.convex.max_rounds"),
    ],
)
def test_bad_certification_settings_are_refused_by_name(config, key, value, message):
    config["relu"]["convex"][key] = value
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("*", r"\*")):
        parse(config, SCHEMAS)


def test_n_must_be_a_multiple_of_three(config):
    config["relu"]["n"] = [3, 44]
    with pytest.raises(ConfigError, match=r"relu.n\[1\]"):
        parse(config, SCHEMAS)
