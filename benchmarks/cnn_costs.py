"""What the CNN target costs at the default config (P-hat = 256 at every stage), counted on the CPU.

    python benchmarks/cnn_costs.py [--reference docs/reference/cnn_fashion_mnist]

Nothing here runs on a GPU, and nothing is timed. Counted exactly, with PyTorch's FlopCounterMode and
parameter counts on meta tensors, per dataset, chain (BM with m = 1, 2, 4, and the convex chain of
(23)) and stage: the FLOPs of a training epoch (frozen chain forward, stage forward, gradients), of a
test evaluation and of the stage bound (the convex form's forward and gradient over the training set,
BM chains only), the checkpoint size, and the lower bound of a training step's GPU memory
(bmconvex.cnn.memory.step_bytes; batch 128, bf16). Then the throughput the committed reference run
reached per stage on one H100 (its FLOPs counted the same way, at the widths it ran), from which
docs/cnn/README.md scales the seconds of the stages it did not run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
import torch
from torch.utils.flop_counter import FlopCounterMode

from bmconvex.cnn import memory
from bmconvex.cnn.model import BMStage, ConvexStage, FrozenChain

ROOT = Path(__file__).resolve().parents[1]
DATASETS = {  # image channels, side, train images, test images, space-to-depth before (config.yaml), stages
    "fashion_mnist": (1, 28, 60000, 10000, (3,), 3),
    "cifar10": (3, 32, 50000, 10000, (3, 4), 5),
}
BATCH = 128


def flops(fn) -> int:
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops()


def chain_costs(dataset: str, m: int | None, P: tuple[int, ...]) -> list[dict]:
    """Per stage of a BM chain of rank m (or the convex chain, m None): FLOPs, bytes, step memory."""
    channels, side, n_train, n_test, s2d_before, _ = DATASETS[dataset]
    rows, frozen = [], []
    with torch.device("meta"):
        resident = [torch.empty(n_train + n_test, channels, side, side, dtype=torch.uint8)]
        for s in range(1, len(P) + 1):
            s2d = tuple(i in s2d_before for i in range(1, s + 1))
            chain = FrozenChain(frozen, s2d)
            c_in = chain.out_channels(channels)
            stage = ConvexStage(c_in, P[s - 1], 10, s == 1) if m is None else BMStage(c_in, P[s - 1], m, 10, s == 1)
            x = torch.empty(1, channels, side, side)
            side_s = side >> sum(s2d)
            row = {
                "dataset": dataset,
                "chain": "convex" if m is None else f"m = {m}",
                "stage": s,
                "in_channels": c_in,
                "train_PFLOP_per_epoch": flops(lambda: stage(chain(x)).sum().backward()) * n_train / 1e15,  # noqa: B023
                "eval_PFLOP_per_epoch": flops(lambda: stage(chain(x))) * n_test / 1e15,  # noqa: B023
                "checkpoint_MB": sum(p.numel() * p.element_size() for p in stage.parameters()) / 1e6,
                "step_GiB_at_least": memory.step_bytes(stage, chain, resident, (BATCH, c_in, side_s, side_s), 2)
                / memory.GiB,
            }
            if m is not None:
                convex = ConvexStage(c_in, P[s - 1], 10, s == 1)
                bound = flops(lambda: convex(chain(x)).sum().backward())  # noqa: B023
                row["bound_PFLOP"] = bound * n_train / 1e15
            rows.append(row)
            frozen.append(stage)
    return rows


def reference_throughput(reference: Path) -> pd.DataFrame:
    """TFLOP/s of each stage of the committed reference run (widths 256, 256, 512; its README)."""
    measured = pd.read_csv(reference / "stages.csv")
    rows = []
    for m in sorted(measured["m"].unique()):
        costs = chain_costs("fashion_mnist", int(m), (256, 256, 512))
        for _, row in measured[measured["m"] == m].iterrows():
            train = costs[row["stage"] - 1]["train_PFLOP_per_epoch"]
            rows.append(
                {"m": m, "stage": row["stage"], "s_per_epoch": row["seconds_per_epoch"], "train_PFLOP": train}
                | {"TFLOP_per_s": 1e3 * train / row["seconds_per_epoch"]}
            )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", type=Path, default=ROOT / "docs" / "reference" / "cnn_fashion_mnist")
    args = parser.parse_args()
    rows = []
    for dataset, (*_, n_stages) in DATASETS.items():
        for m in (1, 2, 4, None):
            rows += chain_costs(dataset, m, (256,) * n_stages)
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", "{:.3g}".format):
        print(pd.DataFrame(rows).to_string(index=False))
        print("\nthe committed reference run (one H100, P-hat 256, 256, 512):")
        print(reference_throughput(args.reference).to_string(index=False))


if __name__ == "__main__":
    main()
