"""A job of the scaling experiment: one solve in a child process, under a time and a memory cap.

The child caps the memory of the solve at ``memory_limit_mb`` (CPU runs: the address space it may
add to what the interpreter and its libraries already map, ``RLIMIT_AS`` = the child's size before
the solve + ``memory_limit_mb``; GPU runs: the share of the card PyTorch's allocator may take,
``torch.cuda.set_per_process_memory_fraction``, recorded as ``gpu_memory_limit_mb``) and
solves; the parent waits at most the time cap plus a grace period for BM_CERTIFIED / FISTA
(which stop themselves at the cap and still certify their last point), or the cap itself for the
interior-point solvers, and kills the child past it. The record says how the job ended:

    certified      certified relative gap <= tolerance
    budget         BM_CERTIFIED / FISTA stopped at the cap (or could make no more progress):
                   their bracket [p_lower, p_upper] still holds
    time_limit     stopped from outside at the cap
    out_of_memory  the allocation failed under the memory cap (or the GPU's memory)
    failed         anything else, with the error message (a native crash: its signal and the
                   Python stack at the crash, from :mod:`faulthandler`)

Peak memory is the child's maximum resident set (and the GPU's peak allocation on a GPU).
"""

from __future__ import annotations

import faulthandler
import logging
import multiprocessing
import os
import resource
import signal
import tempfile
import time
import traceback

from bmconvex.certify.config import CertifyJob

log = logging.getLogger("bmconvex")

GRACE_S = 60.0  # for the final certificate of a budget stop
MEMORY_ERRORS = (
    "out of memory",
    "can't allocate memory",
    "cannot allocate memory",
    "memoryerror",
    "bad_alloc",
    "memory allocation of",  # Rust's message before it aborts (Clarabel)
)


def mapped_bytes() -> int:
    """The calling process's address space now (``VmSize`` of /proc/self/status), in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise OSError("/proc/self/status has no VmSize")


def cap_memory(device, limit_mb: int) -> dict:
    """The job's memory cap on its device; what the record states of it (nothing more on the CPU).

    CPU: ``RLIMIT_AS`` on top of what is mapped now. GPU: the fraction ``limit_mb`` / the card's
    memory (at most 1) for PyTorch's caching allocator, so an allocation beyond it raises
    ``torch.OutOfMemoryError`` (recorded as out_of_memory); no ``RLIMIT_AS`` there, because the
    CUDA runtime maps far more address space than it uses (the host memory is the scheduler's
    ``mem_mb``).
    """
    if device.type == "cuda":
        import torch

        total = torch.cuda.get_device_properties(device).total_memory
        fraction = min(1.0, limit_mb * 2**20 / total)
        torch.cuda.set_per_process_memory_fraction(fraction, device)
        return {"gpu_memory_limit_mb": fraction * total / 2**20}
    limit = mapped_bytes() + limit_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return {}


def child(job: CertifyJob, make_case, connection, stderr) -> None:
    """Solve in the child; send (record, error); the memory cap covers what the job adds.

    The cap is relative to the address space mapped once the solver's libraries are loaded (torch
    alone maps far more than it uses), so ``memory_limit_mb`` is the memory the data and the solve
    may take, whatever the libraries. The child's file descriptor 2 goes to ``stderr``, so that
    what a native library prints before it aborts (e.g. a failed allocation in Clarabel) and the
    stack of a native crash reach the job's record and log.
    """
    os.dup2(stderr.fileno(), 2)
    faulthandler.enable(file=stderr, all_threads=False)
    try:
        import torch

        from bmconvex.certify.solve import load_libraries, solve
        from bmconvex.cnn.device import usable_device

        load_libraries(job.solver)
        device = usable_device(job.device, "certify.device")
        cap = cap_memory(device, job.memory_limit_mb)
        case = make_case()
        record = solve(job, case, str(device))
        record["device"] = str(device)
        record.update(cap)
        if device.type == "cuda":
            record["gpu_peak_mem_mb"] = torch.cuda.max_memory_allocated(device) / 2**20
        connection.send((record, None))
    except BaseException as err:  # noqa: BLE001 - every failure becomes the job's record
        connection.send((None, f"{type(err).__name__}: {err}\n{traceback.format_exc()[-2000:]}"))


def classify(error: str) -> str:
    return "out_of_memory" if any(key in error.lower() for key in MEMORY_ERRORS) else "failed"


def run_job(job: CertifyJob, make_case) -> dict:
    """The job's record: how it ended, its time, peak memory and (when it has one) its bracket."""
    from bmconvex.solvers import CERTIFIED

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    stderr = tempfile.TemporaryFile()
    process = context.Process(target=child, args=(job, make_case, send, stderr))
    start = time.perf_counter()
    process.start()
    send.close()
    wait = job.time_limit_s + (GRACE_S + 0.25 * job.time_limit_s if job.solver in CERTIFIED else 0.0)
    outcome, timed_out = None, not receive.poll(wait)
    if timed_out:
        process.kill()
    else:
        try:
            outcome = receive.recv()
        except EOFError:  # the child died without a word (e.g. aborted by a failed allocation)
            outcome = None
    process.join()
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if timed_out:
        record = {"status": "time_limit", "seconds": wall}
    elif outcome is None:
        stderr.seek(0)
        printed = stderr.read().decode(errors="replace").split("\nExtension modules:")[0][:2000]
        code = process.exitcode
        how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
        error = f"the solver process died ({how}): {printed}"
        record = {"status": classify(error), "seconds": wall, "error": error}
    else:
        result, error = outcome
        record = result if error is None else {"status": classify(error), "seconds": wall, "error": error}
    record["peak_mem_mb"] = peak_mb
    record["wall_seconds"] = wall
    log.info("job %s: %s", job, {k: v for k, v in record.items() if k != "error"})
    if "error" in record:
        log.error("%s", record["error"])
    return record
