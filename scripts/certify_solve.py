"""One solve of program (5) of the scaling experiment, under the job's time and memory caps."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

import numpy as np  # noqa: E402

from bmconvex.certify import data, jobs  # noqa: E402
from bmconvex.certify.config import CertifyJob  # noqa: E402
from bmconvex.certify.solve import conic_size  # noqa: E402
from bmconvex.core.records import write_json  # noqa: E402
from bmconvex.core.specs import build  # noqa: E402

job = build(CertifyJob, snakemake.params.job)
threads = snakemake.threads


def make_case():
    """Built inside the solver's process, so that its memory counts against the cap."""
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(threads)
    threadpool_limits(threads)
    if job.dataset == "spiral":
        return data.spiral_case(job.n, job.P_hat, job.beta, job.spiral_noise, job.spiral_data_seed, job.seed)
    with np.load(snakemake.input.data) as images:
        return data.fashion_case(dict(images), job.n, job.P_hat, job.beta, job.seed)


record = jobs.run_job(job, make_case)
case = make_case()  # the sizes of the program, for the table
program = case.program
sizes = {"d": program.X.shape[1], "c": program.Y.shape[1], "P": program.D.shape[0], **conic_size(case)}
write_json(snakemake.output.record, {**vars(job), "threads": threads, **sizes, **record})
