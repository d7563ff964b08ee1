"""Fashion-MNIST and CIFAR-10 in their published file formats, verified by checksum (Sec. 4.2).

Files live where torchvision's ``FashionMNIST(root)`` and ``CIFAR10(root)`` look for them:
``<root>/FashionMNIST/raw/*-ubyte`` and ``<root>/cifar-10-batches-py/*``; they are read by
:mod:`bmconvex.cnn.formats`. Debian's ``dataset-fashion-mnist`` package is used offline when installed;
files still missing are downloaded from the official URLs (:mod:`bmconvex.cnn.download`), and
where that fails the error says which file to put where by hand.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bmconvex.cnn import download
from bmconvex.cnn.formats import ImageSet, load_cifar10, load_fashion_mnist

log = logging.getLogger("bmconvex")

FASHION_MNIST_DIR = Path("FashionMNIST") / "raw"
FASHION_MNIST_DEBIAN = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_MD5 = {  # decompressed files (Debian strips gzip names, so .gz sums differ)
    "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
    "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
    "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
    "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
}
FASHION_MNIST_URL = download.FASHION_MNIST_URL
CIFAR10_DIR = Path("cifar-10-batches-py")
CIFAR10_MD5 = {
    "data_batch_1": "c99cafc152244af753f735de768cd75f",
    "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
    "data_batch_4": "634d18415352ddfa80567beed471001a",
    "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
    "test_batch": "40351d587109b95175f43aff81a1287e",
}
CIFAR10_URL = download.CIFAR10.url
DATASETS = ("fashion_mnist", "cifar10")


class DatasetUnavailable(FileNotFoundError):
    """A dataset file is missing or corrupt and could not be obtained."""


def _check(folder: Path, expected: dict[str, str], verify: bool) -> list[str]:
    """Names of files that are missing (or, with ``verify``, have the wrong md5)."""
    return [
        name
        for name, digest in expected.items()
        if not (folder / name).is_file() or (verify and download.file_md5(folder / name) != digest)
    ]


def _missing_or_fail(dataset: str, folder: Path, expected: dict, verify: bool, advice: str) -> Path:
    if bad := _check(folder, expected, verify):
        raise DatasetUnavailable(f"{dataset} files missing or corrupt: {', '.join(bad)}. {advice}")
    return folder


def _fetch(dataset: str, remote: download.Remote, target: Path, bad: list[str], advice: str) -> Path:
    try:
        return download.fetch(remote, target)
    except download.DownloadFailed as err:
        raise DatasetUnavailable(
            f"{dataset} files missing or corrupt: {', '.join(bad)}; the download failed: {err}. {advice}"
        ) from None


def ensure_fashion_mnist(
    root: Path, verify: bool = True, remotes: tuple[download.Remote, ...] = download.FASHION_MNIST
) -> Path:
    """The four decompressed Fashion-MNIST files under root/FashionMNIST/raw, verified.

    From Debian's package where installed, else downloaded (``remotes``: the official .gz files).
    """
    folder = root / FASHION_MNIST_DIR
    if _check(folder, FASHION_MNIST_MD5, verify) and (FASHION_MNIST_DEBIAN / "t10k-labels-idx1-ubyte.gz").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        for name in FASHION_MNIST_MD5:
            download.gunzip(FASHION_MNIST_DEBIAN / f"{name}.gz", folder / name)
        log.info("copied Fashion-MNIST from Debian's dataset-fashion-mnist (%s)", FASHION_MNIST_DEBIAN)
    advice = (
        f"Download the missing files (name.gz) from {FASHION_MNIST_URL}, decompress them into {folder}/ "
        "(or install Debian's dataset-fashion-mnist package) and run again."
    )
    bad = _check(folder, FASHION_MNIST_MD5, verify)
    for remote in remotes:
        if (name := remote.name.removesuffix(".gz")) in bad:
            download.gunzip(_fetch("fashion_mnist", remote, folder / remote.name, bad, advice), folder / name)
    return _missing_or_fail("fashion_mnist", folder, FASHION_MNIST_MD5, verify, advice)


def ensure_cifar10(root: Path, verify: bool = True, remote: download.Remote = download.CIFAR10) -> Path:
    """root/cifar-10-batches-py, verified; extracted from the official archive, downloaded if missing."""
    folder = root / CIFAR10_DIR
    advice = (
        f"Download {CIFAR10_URL} (md5 {download.CIFAR10.md5}) and extract it into {root}/ "
        f"(tar -xzf cifar-10-python.tar.gz -C {root}) so that {folder}/data_batch_1 ... test_batch exist, "
        "then run again."
    )
    if bad := _check(folder, CIFAR10_MD5, verify):
        download.untar(_fetch("cifar10", remote, root / remote.name, bad, advice), root, CIFAR10_DIR)
    return _missing_or_fail("cifar10", folder, CIFAR10_MD5, verify, advice)


def prepare(dataset: str, root: Path, verify: bool = True) -> ImageSet:
    """Obtain (from the official URLs where missing), verify and read a dataset by name."""
    if dataset == "fashion_mnist":
        return load_fashion_mnist(ensure_fashion_mnist(root, verify))
    if dataset == "cifar10":
        return load_cifar10(ensure_cifar10(root, verify))
    raise ValueError(f"unknown dataset {dataset!r}; choose one of {DATASETS}")
