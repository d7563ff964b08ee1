"""Units of work of the self-attention experiment and the table they feed."""

import numpy as np
import pytest

from bmconvex.attention import experiment
from bmconvex.attention.table import COLUMNS, check_invariants, heads_table
from bmconvex.core.certificate import InvariantError
from bmconvex.core.gd import GDSettings


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("attention") / "data.npz")
    experiment.make_data(path, n=12, s=3, d=2, c=3, teacher_heads=2, noise=0.1, seed=0)
    bm, convex = [], []
    for beta in (0.05, 0.2):
        problem = experiment.make_problem(path, beta)
        convex.append({"beta": beta, **experiment.run_convex(problem, "CLARABEL", 1e-10)[1]})
        for m in (1, 4):
            for seed in (0, 1):
                _, record = experiment.run_bm(
                    problem, m, seed, 0.1, GDSettings(epochs=6000, lr=0.05, plateau_threshold=0.0)
                )
                bm.append({"beta": beta, "seed": seed, **record})
    return bm, convex


def test_table_joins_every_run_with_its_optimum(records):
    table = heads_table(*records, saddle_rtol=1e-3)
    assert list(table.columns) == COLUMNS and len(table) == 8
    check_invariants(table, 1e-6)
    assert (table["rel_gap"] <= table["rel_gap_bound"] + 1e-9).all()  # Thm 3.4 at near-stationary points
    one_head = table[table["m"] == 1]
    assert (one_head["rel_gap"] > 1e-3).all() and (one_head["rank_Z_star"] > 1).all()
    enough = table[table["m"] >= table["rank_Z_star"]]
    assert len(enough) and (enough["rel_gap"].abs() < 1e-7).all()
    assert not enough["strict_saddle"].any()  # global minima: no negative curvature


def test_an_inaccurate_p_star_is_caught(records):
    bm, convex = records
    table = heads_table(bm, [{**c, "p_star": 1.5 * c["p_star"]} for c in convex], saddle_rtol=1e-3)
    with pytest.raises(InvariantError, match="violate d_hat <= p\\* <= p_hat"):
        check_invariants(table, 1e-6)


def test_a_run_without_its_optimum_is_named(records):
    bm, convex = records
    with pytest.raises(ValueError, match="no optimum of \\(104\\)"):
        heads_table(bm, convex[:1], saddle_rtol=1e-3)


def test_runs_are_reproducible(tmp_path):
    path = str(tmp_path / "data.npz")
    experiment.make_data(path, n=6, s=3, d=2, c=2, teacher_heads=1, noise=0.1, seed=3)
    problem = experiment.make_problem(path, 0.1)
    runs = [experiment.run_bm(problem, 2, 4, 0.1, GDSettings(epochs=200, lr=0.01)) for _ in range(2)]
    np.testing.assert_array_equal(runs[0][0].U, runs[1][0].U)
    assert {k: v for k, v in runs[0][1].items() if k != "seconds"} == {
        k: v for k, v in runs[1][1].items() if k != "seconds"
    }
