"""Fig. 2 / Fig. 4 show every quantity they name, mark the plotting floor and give each n its own y-range."""

import numpy as np
import pandas as pd
import pytest
from workflow_helpers import ROOT

from bmconvex.core.gap_figure import FLOOR, STYLES, gap_figure

GAPS = ROOT / "docs" / "spiral" / "gaps.csv"  # the paper grid's committed gap table


@pytest.fixture(scope="module")
def table():
    return pd.read_csv(GAPS)


def _mean_markers(ax, color):
    """x, y of the marker-only lines of one quantity in one panel (the means)."""
    lines = [ln for ln in ax.get_lines() if ln.get_color() == color and ln.get_linestyle() == "None"]
    return [(ln.get_xdata(), ln.get_ydata(), ln.get_marker()) for ln in lines if len(ln.get_xdata())]


def test_bound_and_certified_gap_are_both_visible_where_they_coincide(table):
    fig = gap_figure(table, [150])
    ax = fig.axes[0]
    bound = _mean_markers(ax, STYLES["rel_gap_bound"]["color"])
    certified = _mean_markers(ax, STYLES["certified_gap"]["color"])
    assert bound and certified
    # the paper grid's bound and certified gap agree to a few percent: drawn at one x they would hide each other
    (xb, yb, _), (xc, yc, _) = bound[0], certified[0]
    assert np.allclose(yb, yc, rtol=0.5)
    assert (xc / xb > 1.4).all()  # dodged: the markers sit apart on the log beta axis
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels[:3] == [s["label"] for s in STYLES.values()]


def test_the_floor_is_marked_where_a_gap_is_clipped(table):
    fig = gap_figure(table, [3, 45, 75])
    n3 = fig.axes[0]
    assert table[table["n"] == 3].groupby(["m", "beta"])["rel_gap"].mean().min() <= FLOOR
    clipped = [m for m in _mean_markers(n3, STYLES["rel_gap"]["color"]) if m[2] == "v"]
    assert clipped and (clipped[0][1] == FLOOR).all()
    assert any(np.allclose(ln.get_ydata(), FLOOR) and ln.get_linestyle() == ":" for ln in n3.get_lines())
    assert "plotting floor" in fig.legends[0].get_texts()[-1].get_text()
    assert not any(ln.get_linestyle() == ":" for ln in fig.axes[3].get_lines())  # n = 45: nothing clipped


def test_each_row_has_its_own_y_range(table):
    fig = gap_figure(table, [3, 45, 75])
    lows = [fig.axes[3 * row].get_ylim()[0] for row in range(3)]
    assert lows[0] < FLOOR < lows[1]  # n = 3 reaches the floor, n = 45 and 75 stay near 1e-4
    assert all(fig.axes[3 * r].get_ylim() == fig.axes[3 * r + 2].get_ylim() for r in range(3))
