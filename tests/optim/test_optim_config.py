"""The optimizers section: bad values are refused naming the key; the schema knows every optimizer."""

import copy

import pytest
import yaml
from workflow_helpers import SCHEMAS

from bmconvex.config import parse
from bmconvex.core.gd import GDSettings
from bmconvex.core.specs import ConfigError
from bmconvex.optim import OPTIMIZERS
from bmconvex.optim.config import SETTINGS


@pytest.mark.parametrize(
    ("key", "value", "where"),
    [
        ("run", ["paper_gd", "adam"], "optimizers.run[1]"),
        ("budget", 0, "optimizers.budget"),
        ("budget", 2000.0, "optimizers.budget"),
        ("thresholds", [1e-3, 1.0], "optimizers.thresholds[1]"),
        ("precgd", {"lr": 0.5, "momentum": 0.9, "eta_floor": 0.0, "refresh": 10}, "optimizers.precgd.eta_floor"),
        ("precgd", {"lr": 0.5, "momentum": 0.9, "eta_floor": 1.0, "refresh": 0}, "optimizers.precgd.refresh"),
        ("lbfgs", {"memory": 10, "history": 3}, "optimizers.lbfgs.history"),
    ],
)
def test_bad_values_are_refused(config, key, value, where):
    bad = copy.deepcopy(config)
    bad["optimizers"][key] = value
    with pytest.raises(ConfigError) as err:
        parse(bad, SCHEMAS)
    assert str(err.value).startswith(where)


def test_schema_registry_and_settings_agree(config):
    schema = yaml.safe_load((SCHEMAS / "optimizers.schema.yaml").read_text())
    assert schema["properties"]["run"]["items"]["enum"] == list(OPTIMIZERS) == list(SETTINGS)
    spec = parse(config, SCHEMAS)
    gd = spec.spiral.gd
    assert spec.optimizers.settings("paper_gd", gd) == GDSettings(**{**vars(gd), "epochs": spec.optimizers.budget})
    no_decay = spec.optimizers.settings("gd", gd)
    assert no_decay.plateau_factor == 1.0 and no_decay.lr == gd.lr and no_decay.momentum == gd.momentum
