"""The certify section's spec and the programs (5) its jobs solve."""

import copy

import numpy as np
import pytest
import yaml
from image_files import labelled_images
from workflow_helpers import ROOT, SCHEMAS

from bmconvex.certify.config import CertifySpec
from bmconvex.certify.data import fashion_case, spiral_case
from bmconvex.certify.solve import conic_size
from bmconvex.config import parse
from bmconvex.core.specs import ConfigError, build


def test_default_config_has_the_issues_sizes(config):
    spec = parse(config, SCHEMAS).certify
    assert max(spec.datasets["spiral"].n) >= 99_999 and spec.datasets["spiral"].P_hat == (100,)
    assert spec.datasets["fashion_mnist"].n == (1000, 10000, 60000)
    assert spec.datasets["fashion_mnist"].P_hat == (100, 1000) and spec.tolerance == 1e-6
    assert len(spec.runs()) == len(spec.solvers) * (7 + 3 * 2)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (("datasets", "spiral", "n"), [150, 100], "certify.datasets.spiral.n: 100 is not a multiple of 3"),
        (("datasets", "fashion_mnist", "n"), [70000], "at most 60000"),
        (("solvers",), ["auto"], "certify.solvers"),
    ],
)
def test_bad_values_name_the_key(config, key, value, message):
    bad = copy.deepcopy(config)
    section = bad["certify"]
    for part in key[:-1]:
        section = section[part]
    section[key[-1]] = value
    with pytest.raises(ConfigError, match=message):
        parse(bad, SCHEMAS)


def test_spiral_case_is_the_paper_arrangement():
    case = spiral_case(150, 100, 1e-3, 0.2, 0, 0)
    program = case.program
    assert program.X.shape == (150, 2) and program.Y.shape == (150, 3) and program.s == 1 / 150
    assert program.D.shape[0] <= 100 and case.X_test is None
    assert conic_size(case)["psd_order"] == 5


def test_fashion_case_is_centred_and_gates_the_test_images_alike():
    x, y = labelled_images(300, (28, 28), 0)
    images = {"train_x": x[:, None], "train_y": y, "test_x": x[:50, None], "test_y": y[:50]}
    case = fashion_case(images, 200, 8, 0.1, seed=0)
    X = case.program.X
    assert X.shape == (200, 784) and np.allclose(X.mean(axis=0), 0.0) and np.isclose(X.std(), 1.0)
    assert case.program.Y.shape == (200, 10) and case.program.D.shape[1] == 200
    # the first 50 test images are training images: their gates match the training patterns
    np.testing.assert_array_equal(case.D_test, case.program.D[:, :50])
    assert conic_size(case)["psd_order"] == 794


def test_spec_builds_from_the_tiny_config():
    tiny = yaml.safe_load((ROOT / "tests" / "configs" / "certify_tiny.yaml").read_text())["certify"]
    spec = build(CertifySpec, tiny)
    spec.check()
    assert spec.job("fashion_mnist", 200, 5, "FISTA").time_limit_s == 5.0
