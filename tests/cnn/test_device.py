"""The device of a CNN job: a GPU this torch cannot drive is named, and no silent fall back to the CPU.

Only the device-bound queries are stubbed: the GPUs the machine shows, the driver, and (for a
CUDA build) availability, capability and the build's architectures.
"""

import dataclasses

import pytest
import torch
from workflow_helpers import ROOT

from bmconvex.cnn import device as devices
from bmconvex.cnn.config import CNNSpec
from bmconvex.config import parse
from bmconvex.core import gpu_slots

PASCAL = "NVIDIA GeForce GTX 1080 Ti"  # the paper's GPU, compute capability 6.1
CUDA13_ARCHS = ["sm_75", "sm_80", "sm_86", "sm_90", "sm_100", "sm_120", "compute_120"]


@pytest.fixture
def paper_spec(config) -> CNNSpec:
    return parse(config, ROOT / "workflow" / "schemas").cnn


@pytest.fixture
def shows(monkeypatch):
    """Make the machine show these GPUs (the driver's /proc entries or nvidia-smi)."""
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)

    def show(*gpus):
        monkeypatch.setattr(gpu_slots, "nvidia_gpus", lambda: list(gpus))

    return show


def test_auto_refuses_the_cpu_at_the_papers_settings_and_takes_it_for_a_small_job(paper_spec, shows):
    shows()  # no GPU
    stage, convex = paper_spec.stage_job("fashion_mnist", 3, 1), paper_spec.convex_job("fashion_mnist", 1)
    assert (devices.work(stage), devices.work(convex)) == (60_000 * 50 * 256, 60_000 * 1 * 256 * 40)
    for job in (stage, convex):
        with pytest.raises(devices.DeviceError) as err:
            devices.pick_device("auto", devices.work(job))
        assert str(err.value).startswith("cnn.device: auto found no GPU, and this job is GPU-sized")
        assert "set cnn.device: cpu to train on the CPU anyway" in str(err.value)
    small = dataclasses.replace(stage, train_samples=2000, settings=dataclasses.replace(stage.settings, epochs=2))
    assert devices.work(small) <= devices.CPU_WORK
    assert devices.pick_device("auto", devices.work(small)) == torch.device("cpu")
    assert devices.pick_device("cpu", devices.work(stage)) == torch.device("cpu")  # asked for: no refusal


@pytest.mark.skipif(torch.version.cuda is not None, reason="the CPU-only build of CI")
def test_a_cpu_only_build_on_a_gpu_machine_is_named(shows):
    shows(PASCAL)
    with pytest.raises(devices.DeviceError, match=f"shows {PASCAL}, but torch .* is a CPU-only build"):
        devices.pick_device("auto", 1)
    assert devices.pick_device("cpu", 1) == torch.device("cpu")
    # the certify jobs take the same check, named by their own key (a solve is CPU-sized: no size rule)
    with pytest.raises(
        devices.DeviceError, match="^certify.device: auto: this machine shows .*set certify.device: cpu"
    ):
        devices.usable_device("auto", "certify.device")


def test_a_driver_too_old_for_the_build_is_named(shows, monkeypatch):
    shows(PASCAL)
    monkeypatch.setattr(torch.version, "cuda", "13.0")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(devices, "driver_version", lambda: "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05")
    with pytest.raises(devices.DeviceError) as err:
        devices.pick_device("auto", 1)  # even a small job: the user has a GPU and expects it used
    message = str(err.value)
    assert "torch.cuda.is_available() is False, usually a driver older than CUDA 13.0 needs" in message
    assert "535.104.05" in message and "update the driver or install a PyTorch build" in message


@pytest.fixture
def cuda13_with(shows, monkeypatch):
    """A CUDA 13 build (torch 2.13's wheel: sm_75 .. sm_120) on a machine with one GPU of ``capability``."""

    def card(name, capability):
        shows(name)
        monkeypatch.setattr(torch.version, "cuda", "13.0")
        monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
        monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
        monkeypatch.setattr(torch.cuda, "get_device_capability", lambda index=None: capability)
        monkeypatch.setattr(torch.cuda, "get_device_name", lambda index=None: name)
        monkeypatch.setattr(torch.cuda, "get_arch_list", lambda: CUDA13_ARCHS)

    return card


@pytest.mark.parametrize("name, capability", [(PASCAL, (6, 1)), ("Tesla V100-SXM2-16GB", (7, 0))])
def test_a_gpu_the_build_has_no_kernels_for_is_named_with_the_build_that_has(cuda13_with, name, capability):
    """The paper's GTX 1080 Ti and a V100: only torch's CUDA 12.6 build (sm_50 .. sm_90) has their kernels."""
    cuda13_with(name, capability)
    with pytest.raises(devices.DeviceError) as err:
        devices.pick_device("cuda", 1)
    message = str(err.value)
    assert message.startswith(f"cnn.device: cuda: torch {torch.__version__} (CUDA 13.0) has no kernels for this GPU")
    assert f"Found GPU0 {name} which is of compute capability (CC) {capability[0]}.{capability[1]}" in message
    base = torch.__version__.split("+")[0]
    assert f"pip install torch=={base} --index-url https://download.pytorch.org/whl/cu126" in message
    assert "cu130" not in message and message.endswith("or set cnn.device: cpu to run on the CPU")


@pytest.mark.parametrize("capability", [(7, 5), (8, 9), (9, 0), (12, 0)])
def test_a_gpu_the_build_has_kernels_for_passes(cuda13_with, capability):
    cuda13_with("a GPU", capability)
    assert devices.cuda_problem() is None


@pytest.mark.parametrize("requested", ["cuda", "auto"])
def test_a_usable_gpu_comes_with_its_index_as_the_memory_caps_need(cuda13_with, monkeypatch, requested):
    """torch.cuda.set_per_process_memory_fraction (cnn.gpu_memory_gib, certify's memory cap) refuses a bare
    "cuda": the first GPU run of certify failed so on an H200. torch's own index check is run here."""
    from torch.cuda._utils import _get_device_index

    cuda13_with("NVIDIA H200", (9, 0))
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)
    with pytest.raises(ValueError, match="specified index"):
        _get_device_index(torch.device("cuda"))
    device = devices.usable_device(requested, "certify.device")
    assert device == torch.device("cuda", 0) and _get_device_index(device) == 0
