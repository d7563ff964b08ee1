"""Obtain, verify and pack Fashion-MNIST for the scaling experiment."""

from bmconvex.core.logs import start_log

log = start_log(snakemake.log[0])

from pathlib import Path  # noqa: E402

from bmconvex.cnn import files, formats  # noqa: E402

images = files.prepare("fashion_mnist", Path(snakemake.params.root), snakemake.params.verify)
formats.save(images, snakemake.output.data)
log.info("train %s, test %s", images.train_x.shape, images.test_x.shape)
