"""A CNN stage whose training loss becomes non-finite fails, saying so (no NaN reaches a record)."""

import pytest
import torch
from image_files import labelled_images

from bmconvex.cnn.formats import ImageSet
from bmconvex.cnn.loader import DeviceData
from bmconvex.cnn.model import BMStage, FrozenChain
from bmconvex.cnn.training import StageSettings, train_stage
from bmconvex.core.finite import NonFiniteError


def test_a_non_finite_loss_fails_the_stage():
    x, y = labelled_images(128, (1, 28, 28), 0)
    data = DeviceData(ImageSet(x, y, x[:32], y[:32]), "fashion_mnist", torch.device("cpu"))
    torch.manual_seed(0)
    stage, chain = BMStage(1, 4, 1, 10, bias=True), FrozenChain([], (False,))
    settings = StageSettings(
        epochs=2, lr=1e30, momentum=0.9, weight_decay=5e-4, batch_size=32, lr_step=1, lr_gamma=0.5,
        augment=False, precision="fp32",
    )  # fmt: skip
    with pytest.raises(NonFiniteError, match="training diverged in epoch 1: mean training loss nan"):
        train_stage(stage, chain, data, settings, seed=0)
