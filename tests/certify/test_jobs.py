"""The job runner of the scaling experiment: its caps are recorded, never silently exceeded."""

import pytest

from bmconvex.certify import data
from bmconvex.certify.config import CertifyJob
from bmconvex.certify.jobs import cap_memory, run_job


def job(**changes) -> CertifyJob:
    values = dict(
        dataset="spiral",
        n=150,
        P_hat=20,
        solver="BM_CERTIFIED",
        beta=1e-2,
        tolerance=1e-6,
        time_limit_s=60.0,
        memory_limit_mb=4000,
        device="cpu",
        seed=0,
        spiral_noise=0.2,
        spiral_data_seed=0,
    )
    return CertifyJob(**{**values, **changes})


def spiral(j: CertifyJob):
    return lambda: data.spiral_case(j.n, j.P_hat, j.beta, j.spiral_noise, j.spiral_data_seed, j.seed)


@pytest.mark.parametrize("solver", ["BM_CERTIFIED", "CLARABEL_DIRECT"])
def test_a_job_certifies_and_measures_its_peak_memory(solver):
    j = job(solver=solver)
    record = run_job(j, spiral(j))
    assert record["status"] == "certified" and record["certified_gap"] <= 1e-6
    assert record["p_lower"] <= record["p_upper"] and 50 < record["peak_mem_mb"] < 4000


@pytest.mark.parametrize("memory_limit_mb", [100, 250])
def test_the_memory_cap_is_recorded_as_out_of_memory(memory_limit_mb):
    """A cap below what the solve needs (about 350 MB here): out_of_memory, raised in the solve.

    The cap counts only what the job adds to the loaded libraries, so the data (a few MB) fits
    and an allocation of the solve fails: NumPy's MemoryError while the conic program is built, or
    Clarabel's allocator aborting (which one depends on the heap the child inherits).
    """
    j = job(n=30000, solver="CLARABEL_DIRECT", memory_limit_mb=memory_limit_mb)
    record = run_job(j, spiral(j))
    assert record["status"] == "out_of_memory", record.get("error")
    assert "clarabel_direct.py" in record["error"], record["error"]


def test_a_native_crash_is_failed_with_its_signal_and_stack():
    def crash():
        import ctypes

        return ctypes.string_at(0)  # reads address 0: SIGSEGV

    record = run_job(job(), crash)
    assert record["status"] == "failed"
    assert "signal SIGSEGV" in record["error"] and "in crash" in record["error"]


def test_the_time_cap_is_recorded_as_time_limit():
    j = job(n=30000, P_hat=100, solver="CLARABEL_DIRECT", time_limit_s=1.0)
    record = run_job(j, spiral(j))
    assert record["status"] == "time_limit" and 1.0 <= record["seconds"] < 10.0


@pytest.mark.parametrize(("memory_limit_mb", "fraction"), [(4000, 4000 / 81_920), (200_000, 1.0)])
def test_on_a_gpu_the_cap_is_the_allocator_share_of_the_card(monkeypatch, memory_limit_mb, fraction):
    """The same key as the CPU's RLIMIT_AS, as a share of an 80 GiB card; only the card's queries are stubbed."""
    import torch

    calls = []
    card = type("Properties", (), {"total_memory": 80 * 2**30})
    monkeypatch.setattr(torch.cuda, "get_device_properties", lambda device: card)
    monkeypatch.setattr(torch.cuda, "set_per_process_memory_fraction", lambda f, device: calls.append((f, device)))
    cuda = torch.device("cuda", 0)
    assert cap_memory(cuda, memory_limit_mb) == {"gpu_memory_limit_mb": fraction * 81_920}
    assert calls == [(pytest.approx(fraction, rel=1e-15), cuda)]
