"""The paper's findings, asserted on the committed results (docs/), so a change that breaks one fails CI.

docs/spiral/gaps.csv is the default grid (Sec. 4.1) as `make reproduce` writes it; the CNN
reference is the Fashion-MNIST run committed under docs/reference/cnn_fashion_mnist/ (Sec. 4.2);
docs/certify/ holds the certified-solver experiment (beyond the paper): its scaling run, the
paper-grid agreement and the same-process speed ratios.
"""

import json

import pandas as pd
import pytest
from workflow_helpers import ROOT

from bmconvex.cnn.results import PAPER

GAPS = ROOT / "docs" / "spiral" / "gaps.csv"
CNN_STAGES = ROOT / "docs" / "reference" / "cnn_fashion_mnist" / "stages.csv"


@pytest.fixture(scope="module")
def gaps():
    return pd.read_csv(GAPS)


def test_the_committed_grid_is_the_papers(gaps):
    """144 runs: n in {3, 45, 75, 150}, beta in {1e-4 .. 1e-1}, m in {1, 2, 5}, 3 seeds."""
    assert len(gaps) == 4 * 4 * 3 * 3
    assert sorted(gaps["n"].unique()) == [3, 45, 75, 150]
    assert sorted(gaps["m"].unique()) == [1, 2, 5]


def test_every_optimum_lies_between_the_certified_bounds(gaps):
    """d_hat <= p* <= p_hat in every run (App. A.7), p* certified by its solver to 1e-8."""
    assert (gaps["d_hat"] <= gaps["p_star"] * (1 + 1e-6)).all()
    assert (gaps["p_star"] <= gaps["p_hat"] * (1 + 1e-6)).all()
    assert (gaps["solver_certified_gap"] < 1e-8).all()


def test_the_thm34_bound_lies_above_the_actual_gap_in_every_run(gaps):
    """Fig. 2 and 4: 'the bound is always >= the actual gap'."""
    assert (gaps["rel_gap"] <= gaps["rel_gap_bound"] + 1e-9).all()


def test_the_gap_falls_as_beta_grows(gaps):
    """Sec. 4.1: larger beta makes it much easier for GD to reach the optimum."""
    mean_gap = gaps.groupby("beta")["rel_gap"].mean().sort_index()
    assert mean_gap.is_monotonic_decreasing
    assert mean_gap.iloc[0] > 100 * mean_gap.iloc[-1]


def test_gd_almost_never_reaches_the_optimum_exactly(gaps):
    """Sec. 4.1: 'GD almost never reaches' p*: most runs keep a gap above 1e-6."""
    assert (gaps["rel_gap"] > 1e-6).mean() > 0.9


def test_fashion_mnist_accuracy_is_within_half_a_point_of_the_papers():
    """Sec. 4.2: final test accuracy per m (91.5 / 91.4 / 91.6 %) for every chain that finished."""
    stages = pd.read_csv(CNN_STAGES)
    final = stages[stages["stage"] == 3]
    assert len(final) >= 2, "the committed reference must hold at least two complete chains"
    for _, row in final.iterrows():
        paper = PAPER["fashion_mnist"]["bm"][row["m"]]
        assert abs(100 * row["test_acc"] - paper) <= 0.5, f"m = {row['m']}: {100 * row['test_acc']:.2f} % vs {paper} %"


CERTIFY = ROOT / "docs" / "certify"
STATUSES = {"certified", "budget", "out_of_memory", "time_limit", "failed"}


def test_every_certified_solve_of_the_scaling_run_holds_its_bracket():
    """scaling.csv: p_lower <= p_upper where a bracket exists, certified means a gap <= 1e-6."""
    runs = pd.read_csv(CERTIFY / "scaling.csv")
    assert set(runs["status"]) <= STATUSES
    bracketed = runs.dropna(subset=["p_lower", "p_upper"])
    assert (bracketed["p_lower"] <= bracketed["p_upper"]).all()
    assert (runs.loc[runs["status"] == "certified", "certified_gap"] <= 1e-6).all()
    spiral = runs[runs["dataset"] == "spiral"]
    assert (spiral.loc[spiral["solver"] == "BM_CERTIFIED", "status"] == "certified").all()


def test_bm_and_the_interior_point_solvers_bracket_the_same_optimum():
    """Where BM_CERTIFIED and Clarabel both certified a case, each interval holds the other's value."""
    runs = pd.read_csv(CERTIFY / "scaling.csv")
    certified = runs[runs["status"] == "certified"]
    bm = certified[certified["solver"] == "BM_CERTIFIED"].set_index(["dataset", "n", "P_hat"])
    for solver in ("CLARABEL_DIRECT", "CLARABEL"):
        other = certified[certified["solver"] == solver].set_index(["dataset", "n", "P_hat"])
        both = bm.merge(other, left_index=True, right_index=True, suffixes=("", "_other"))
        assert len(both) >= 5, solver
        assert (both["p_lower"] <= both["p_upper_other"] * (1 + 1e-9)).all()
        assert (both["p_lower_other"] <= both["p_upper"] * (1 + 1e-9)).all()


def test_the_paper_grid_brackets_hold_each_other():
    """agreement.csv: the 48 spiral solves, each solver's interval holds the other's value."""
    agreement = pd.read_csv(CERTIFY / "agreement.csv")
    assert len(agreement) == 48
    assert agreement["bm_holds_clarabel"].all() and agreement["clarabel_holds_bm"].all()


def test_every_paper_grid_answer_is_certified():
    """agreement.csv: the answer of each of the 48 solves (the certified solvers' auto: Clarabel for
    these tiny programs, certified by the project's bracket) has a certified gap <= 1e-6, and the
    record says which solver gave it and why."""
    agreement = pd.read_csv(CERTIFY / "agreement.csv")
    assert len(agreement) == 48 and (agreement["status"] == "certified").all()
    assert (agreement["certified_gap"] <= 1e-6).all()
    assert set(agreement["solver"]) <= {"CLARABEL_DIRECT", "BM_CERTIFIED"} and agreement["why"].str.len().gt(0).all()
    for solver, prefix in (("CLARABEL_DIRECT", "clarabel"), ("BM_CERTIFIED", "bm")):  # the answer is that solver's
        picked = agreement[agreement["solver"] == solver]
        assert (picked["certified_gap"] == picked[f"{prefix}_certified_gap"]).all()


def test_bm_certified_beats_clarabel_by_the_issues_factors():
    """ratio.csv (one process, same data): >= 30x Clarabel direct at n = 3000, >= 100x at the largest n."""
    ratio = pd.read_csv(CERTIFY / "ratio.csv")
    ours = ratio[ratio["solver"].str.startswith("BM_CERTIFIED") & (ratio["status"] == "certified")]
    clarabel = ratio[(ratio["solver"] == "CLARABEL_DIRECT") & (ratio["status"] == "certified")]
    speedup = clarabel.set_index("n")["seconds"] / ours.set_index("n")["seconds"]
    assert (ours["certified_gap"] <= 1e-6).all()
    assert speedup.loc[3000] >= 30
    assert speedup.loc[speedup.index.max()] >= 100 and speedup.index.max() >= 99999


def test_fashion_mnist_at_n_10000_is_certified_on_a_cpu():
    """The uncapped run (docs/certify/long.yaml): d = 784, c = 10, n = 10 000, P-hat = 100, one CPU core."""
    record = json.loads((CERTIFY / "fashion_mnist_n10000_uncapped.json").read_text())
    assert (record["dataset"], record["n"], record["d"], record["c"]) == ("fashion_mnist", 10000, 784, 10)
    assert record["status"] == "certified" and record["device"] == "cpu"
    assert record["p_lower"] <= record["p_upper"]
    assert record["certified_gap"] == pytest.approx((record["p_upper"] - record["p_lower"]) / record["p_lower"])
    assert record["certified_gap"] <= 1e-6


def test_the_fashion_mnist_levers_are_side_by_side_on_the_same_program():
    """fashion_levers*.csv (benchmarks/certify.py --dataset fashion_mnist, two runs): every lever on the same
    program, each bracket holding the same optimum; float32 evaluations need more evaluations per iteration,
    and no lever needs fewer evaluations than the default."""
    for name in ("fashion_levers.csv", "fashion_levers_loaded.csv"):
        levers = pd.read_csv(CERTIFY / name).set_index("solver")
        assert levers[["n", "P"]].drop_duplicates().shape[0] == 1 and len(levers) == 4
        assert (levers["p_lower"] <= levers["p_upper"]).all()
        assert levers["p_lower"].max() <= levers["p_upper"].min()  # one p* inside every bracket
        assert (levers.loc[levers["status"] == "certified", "certified_gap"] <= 1e-6).all()
        baseline, fp32 = levers.loc["BM_CERTIFIED (float64, 1 thread)"], levers.loc["BM float32 evaluations"]
        assert baseline["status"] == "certified"
        assert fp32["evaluations"] / fp32["iterations"] > 3 * baseline["evaluations"] / baseline["iterations"]
        assert (levers.loc[levers["status"] == "certified", "evaluations"] >= baseline["evaluations"]).all()
    assert (pd.read_csv(CERTIFY / "fashion_levers.csv")["status"] == "certified").all()


# --- The ReLU MLP (beyond the paper): docs/relu/gaps.csv, the default grid of `snakemake relu` ---
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


def test_scnn_contender_is_certified_slower_or_uncertified():
    """docs/certify/scnn_*.csv (benchmarks/certify.py --scnn): scnn's objective = (5)'s at every answer; in every case
    BM_CERTIFIED is certified <= 1e-6 before any scnn answer is; scnn's default stop leaves certified gaps above 1 %."""
    rows = pd.concat(pd.read_csv(p) for p in sorted((ROOT / "docs" / "certify").glob("scnn_*.csv")))
    assert (rows["objective_mismatch"].dropna() <= 1e-12).all()
    for _, case in rows.groupby(["case", "n"]):
        bm = case[case["contender"] == "BM_CERTIFIED"].iloc[0]
        scnn = case[(case["contender"] != "BM_CERTIFIED") & (case["status"] != "failed")]
        later = (scnn["certified_gap"] > 1e-6) | (scnn["seconds"] > bm["seconds"])
        assert bm["certified_gap"] <= 1e-6 and later.all()
    assert (rows.loc[rows["status"] == "own rule", "certified_gap"] > 0.01).all()
