"""The paper's spiral grid solved by BM_CERTIFIED and Clarabel: brackets and agreement."""

from bmconvex.core.logs import start_log

log = start_log(snakemake.log[0])

from pathlib import Path  # noqa: E402

import torch  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from bmconvex.certify.agreement import agreement_table  # noqa: E402
from bmconvex.certify.config import Agreement, SpiralData  # noqa: E402
from bmconvex.certify.report import agreement_markdown  # noqa: E402
from bmconvex.core.specs import build  # noqa: E402

torch.set_num_threads(snakemake.threads)
with threadpool_limits(snakemake.threads):
    table = agreement_table(build(Agreement, snakemake.params.grid), build(SpiralData, snakemake.params.data))
table.to_csv(snakemake.output.table, index=False)
Path(snakemake.output.markdown).write_text(agreement_markdown(table))
log.info(
    "%d solves: %d answers certified (auto), %d by BM within its budget",
    len(table),
    int((table["status"] == "certified").sum()),
    int((table["bm_status"] == "certified").sum()),
)
