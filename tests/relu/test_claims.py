"""The ReLU experiment's findings (beyond the paper), asserted on its committed results: docs/relu/gaps.csv
is the default grid of `snakemake relu`, docs/relu/relu_costs.csv its same-process cost benchmark."""

import pandas as pd
import pytest
from workflow_helpers import ROOT

GAPS = ROOT / "docs" / "spiral" / "gaps.csv"


@pytest.fixture(scope="module")
def gaps():
    return pd.read_csv(GAPS)


RELU_GAPS = ROOT / "docs" / "relu" / "gaps.csv"


@pytest.fixture(scope="module")
def relu_gaps():
    return pd.read_csv(RELU_GAPS)


def test_relu_every_p_star_is_certified_and_between_the_bounds(relu_gaps):
    """144 runs on the paper's grid; every p* of (3) bracketed to 1e-7; d_hat <= p* <= p_hat; p*(5) <= p*(3)."""
    assert len(relu_gaps) == 144 and relu_gaps.drop_duplicates(["n", "beta", "seed"]).shape[0] == 48
    assert ((relu_gaps["p_star"] - relu_gaps["p_star_lower"]) / relu_gaps["p_star_lower"]).max() <= 1e-7
    assert (relu_gaps["d_hat"] <= relu_gaps["p_star"] * (1 + 1e-6)).all()
    assert (relu_gaps["p_star"] <= relu_gaps["p_hat"] * (1 + 1e-6)).all()
    assert (relu_gaps["p_star_gated"] <= relu_gaps["p_star"] * (1 + 1e-6)).all()


def test_relu_constraint_costs_most_at_small_beta(relu_gaps):
    """p*(3) / p*(5) at n = 45: 1.89, 1.49, 1.06, 1.00 for beta = 1e-4 ... 1e-1 (docs/relu)."""
    n45 = relu_gaps[relu_gaps["n"] == 45].drop_duplicates(["beta", "seed"])
    ratio = (n45["p_star"] / n45["p_star_gated"]).groupby(n45["beta"]).mean().sort_index()
    assert ratio.round(2).tolist() == [1.89, 1.49, 1.06, 1.0]


def test_relu_gap_is_of_the_gated_order_and_under_the_bound_in_all_but_one_run(relu_gaps, gaps):
    """Median gaps per beta within a factor 3 of the gated ones; the bound covers all but one run."""
    ratio = relu_gaps.groupby("beta")["rel_gap"].median() / gaps.groupby("beta")["rel_gap"].median()
    assert ratio.between(1 / 3, 3).all()
    assert (relu_gaps["rel_gap"] > relu_gaps["rel_gap_bound"]).sum() == 1


def test_relu_brackets_closed_in_one_round_and_sub_bracket_gaps_are_marked(relu_gaps):
    """Every p* of (3) certified in the first round; at_p_star marks exactly the runs with |p_hat - p*| within
    p*'s bracket (4, at n = 3, beta = 0.1), which include every negative gap (docs/relu)."""
    assert (relu_gaps["rounds"] == 1).all()
    width = relu_gaps["p_star"] - relu_gaps["p_star_lower"]
    assert (relu_gaps["at_p_star"] == ((relu_gaps["p_hat"] - relu_gaps["p_star"]).abs() <= width)).all()
    marked = relu_gaps[relu_gaps["at_p_star"]]
    assert len(marked) == 4 and (marked["n"] == 3).all() and (marked["beta"] == 0.1).all()
    assert relu_gaps.loc[relu_gaps["rel_gap"] < 0, "at_p_star"].all()


def test_relu_costs_measured_in_one_process():
    """docs/relu/relu_costs.csv: projected GD on (19) 1.0 to 3.0 times GD on (18) per epoch; NNLS projection
    at least 18 times the closed form (measured with other jobs running)."""
    costs = pd.read_csv(RELU_GAPS.parent / "relu_costs.csv")
    assert len(costs) == 4 and costs["ratio"].between(1.0, 3.0).all()
    assert (costs["projection_nnls_us"] / costs["projection_closed_form_us"]).min() >= 18
