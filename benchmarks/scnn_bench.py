"""The scnn contender of benchmarks/certify.py (``--scnn``): binary program (5), c = 1, certified by the project.

    python benchmarks/certify.py --scnn --n 1000 10000 --beta 1e-3 --budget 300 --out docs/certify/scnn.csv
    python benchmarks/certify.py --scnn --dataset fashion_mnist --n 2000 --P-hat 100 --beta 1e-2 --budget 300

Two spiral arms (P-hat = 100) or Fashion-MNIST T-shirt against shirt (:mod:`bmconvex.certify.scnn_contender`:
objectives matched exactly), the same program for every contender, one thread each:

- BM_CERTIFIED: the project's default settings, ``max_seconds`` = budget;
- scnn R-FISTA, its best settings: no own stopping rule, no metrics, its iterates certified every 25
  iterations by the project's certificate (time left out) and stopped at a certified 1e-6;
- scnn R-FISTA, its defaults: RFISTA(model) stops on its own rule; the certificate only watches;
- scnn through CVXPY + ECOS (its CVXPYSolver, optimize_model): in a child process so that the budget
  holds (and a memory limit, ``ECOS_MEMORY``), certified after.

A row: seconds to a certified relative gap <= 1e-6 (status certified), else the best certified gap
reached within the budget (status budget / own rule / failed) and when; for scnn's answers,
objective_mismatch = |scnn's objective - (5)'s| / (5)'s at the answer. Runs under 10 s are
repeated, best of ``repeats`` (the machine is shared).
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import subprocess
import sys
from functools import partial

import cvxpy
import numpy as np

from bmconvex.certify import scnn_contender as sc
from bmconvex.solvers.bm_certified import BMSettings
from bmconvex.solvers.certified import solve_certified

ECOS_MEMORY = 8 * 2**30  # bytes of address space for the ECOS child
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def case(dataset: str, n: int, beta: float, P_hat: int):
    if dataset == "spiral":
        return sc.binary_spiral(n, beta)
    return sc.binary_fashion(dict(np.load("results/certify/data/fashion_mnist.npz")), n, beta, P_hat)


def row(name: str, bracket, seconds: float, iterations, status: str) -> dict:
    return {"contender": name, "status": status, "seconds": seconds, "iterations": iterations,
            "p_upper": bracket.p_upper, "p_lower": bracket.p_lower, "certified_gap": bracket.certified_gap}  # fmt: skip


def mismatch(program, H, Z: np.ndarray, p_upper: float) -> float:
    """|scnn's objective - (5)'s| / (5)'s at scnn's answer Z: the two programs checked at the same point."""
    return abs(sc.scnn_objective(program, H, Z) - p_upper) / p_upper


def bm(program, H, budget: float) -> dict:
    r = solve_certified(program, "BM", BMSettings(max_seconds=budget))
    return row("BM_CERTIFIED", r.bracket, r.seconds, r.iterations, r.status)


def rfista(program, H, budget: float, own_rule: bool = False) -> dict:
    """Best settings: the best certified iterate within the budget (and when it was reached); defaults: its answer."""
    r = sc.solve_rfista(program, H, max_seconds=budget, own_rule=own_rule)
    check = {"objective_mismatch": mismatch(program, H, r["Z"], r["bracket"].p_upper)}
    if own_rule:
        return {
            **row("scnn R-FISTA defaults (own stop)", r["bracket"], r["seconds"], r["iteration"], r["stop"]),
            **check,
        }
    best = min(r["history"], key=lambda h: h["bracket"].certified_gap)
    result = row("scnn R-FISTA (certified every 25)", best["bracket"], r["seconds"], r["iteration"], r["stop"])
    return {**result, "best_at_seconds": best["seconds"], "best_at_iteration": best["iteration"], **check}


def ecos_child(dataset: str, n: int, beta: float, P_hat: int) -> None:
    """Run in a child: scnn + ECOS on the case, printed as JSON."""
    program, H = case(dataset, n, beta, P_hat)
    resource.setrlimit(resource.RLIMIT_AS, (ECOS_MEMORY, ECOS_MEMORY))
    r = sc.solve_cvxpy(program, H, "ecos")
    result = row("scnn CVXPY + ECOS", r["bracket"], r["seconds"], None, "")
    print(json.dumps({**result, "objective_mismatch": mismatch(program, H, r["Z"], r["bracket"].p_upper)}))


def ecos(dataset: str, n: int, beta: float, P_hat: int, budget: float) -> dict:
    """In a child with one thread, given the budget plus 30 s for its set-up (data, imports)."""
    cmd = [sys.executable, __file__, dataset, str(n), str(beta), str(P_hat)]
    name, env = "scnn CVXPY + ECOS", {**os.environ, **dict.fromkeys(THREAD_VARIABLES, "1")}
    if "ECOS" not in cvxpy.installed_solvers():
        return {"contender": name, "status": "skipped", "error": "ECOS is not installed (envs/scnn.txt)"}
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=budget + 30, check=True, env=env)
    except subprocess.TimeoutExpired:
        return {"contender": name, "status": "budget", "seconds": budget, "error": "stopped without an answer"}
    except subprocess.CalledProcessError as err:
        return {"contender": name, "status": "failed", "error": err.stderr.strip().splitlines()[-1][-200:]}
    result = json.loads(run.stdout.strip().splitlines()[-1])
    return {**result, "status": "certified" if result["certified_gap"] <= 1e-6 else "not certified"}


def scnn_rows(dataset: str, ns: list[int], beta: float, P_hat: int, budget: float, repeats: int, only=()) -> list:
    """Each contender (``only``: those whose names start so) on each n, the same program; the best of
    ``repeats`` runs where a run takes < 10 s."""
    if importlib.util.find_spec("scnn") is None:
        print("the scnn contender is skipped: pyscnn is not installed (pip install --no-deps -r envs/scnn.txt)")
        return []
    rows = []
    for n in ns:
        program, H = case(dataset, n, beta, P_hat)
        contenders = {
            "BM_CERTIFIED": partial(bm, program, H, budget),
            "scnn R-FISTA": partial(rfista, program, H, budget),
            "scnn defaults": partial(rfista, program, H, budget, own_rule=True),
            "scnn ECOS": partial(ecos, dataset, n, beta, P_hat, budget),
        }
        for name, run in contenders.items():
            if only and not any(name.startswith(v) for v in only):
                continue
            results = [run()]
            while len(results) < repeats and results[-1].get("seconds", np.inf) < 10:
                results.append(run())
            best = min(results, key=lambda r: r.get("seconds", np.inf))
            rows.append({"case": dataset, "n": n, "P": program.D.shape[0], "beta": beta, **best, "runs": len(results)})
            print(rows[-1], flush=True)
    return rows


if __name__ == "__main__":
    ecos_child(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))
