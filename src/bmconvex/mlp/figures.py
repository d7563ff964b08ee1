"""Fig. 3 of the paper: the spiral data (Sec. 4.1, App. C.1); Fig. 2 and 4 are :mod:`bmconvex.core.gap_figure`."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

from bmconvex.mlp.spiral import Dataset  # noqa: E402


def data_figure(datasets: dict[int, Dataset]) -> plt.Figure:
    """Fig. 3: the three-class spiral for each n."""
    fig, axes = plt.subplots(1, len(datasets), figsize=(3 * len(datasets), 3), squeeze=False)
    for ax, (n, ds) in zip(axes[0], sorted(datasets.items()), strict=False):
        sns.scatterplot(x=ds.X[:, 0], y=ds.X[:, 1], hue=ds.y, palette="deep", ax=ax, legend=False, s=18)
        ax.set(title=f"n = {n}", xlim=(-1.1, 1.1), ylim=(-1.1, 1.1), aspect="equal", xlabel="$x_1$", ylabel="$x_2$")
    fig.tight_layout()
    return fig
