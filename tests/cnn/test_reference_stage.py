"""The plain PyTorch stage the GPU benchmark compares against computes the project's stage (126)."""

import torch
from reference_cnn import PlainStage, plain_chain_input, plain_epoch

from bmconvex.cnn.model import BMStage, FrozenChain


def test_the_plain_stage_and_chain_compute_the_projects():
    torch.manual_seed(0)
    first = BMStage(in_channels=1, P=3, m=2, num_classes=10, bias=True).double()
    second = BMStage(in_channels=4 * 6, P=2, m=2, num_classes=10).double()
    x = torch.randn(5, 1, 8, 8, dtype=torch.float64)
    s2d = (False, True)
    chain = FrozenChain([first], s2d)
    plain_first, plain_second = PlainStage(first), PlainStage(second)
    torch.testing.assert_close(plain_chain_input([plain_first], s2d, x), chain(x), rtol=0, atol=0)
    torch.testing.assert_close(plain_second(chain(x)), second(chain(x)), rtol=1e-12, atol=1e-12)


def test_a_plain_epoch_trains_only_the_stage():
    torch.manual_seed(1)
    stage = PlainStage(BMStage(in_channels=1, P=2, m=1, num_classes=10, bias=True))
    gates, U = stage.gate_weight.clone(), stage.U.weight.detach().clone()
    x, y = torch.randn(40, 1, 6, 6), torch.randint(0, 10, (40,))
    seconds, peak = plain_epoch(stage, [], (False,), x, y, 16, 0.1, torch.device("cpu"))
    assert seconds > 0 and peak != peak  # NaN: no GPU memory on the CPU
    assert torch.equal(stage.gate_weight, gates) and not torch.equal(stage.U.weight, U)
