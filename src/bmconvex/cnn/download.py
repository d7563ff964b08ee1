"""Resumable, md5-checked download of the published dataset files (Sec. 4.2), with urllib.

The URLs and md5 sums are torchvision's (``datasets/mnist.py`` FashionMNIST, ``datasets/cifar.py``
CIFAR10). The standard library's urllib, not torchvision or a new dependency: torchvision's PyPI
wheels do not import against a CPU-only torch and its downloader does not resume; one GET with a
``Range`` header per file is all it takes, and urllib honours the usual proxy variables
(``http_proxy``, ``https_proxy``, ``no_proxy``). A file is written to ``<name>.part`` and renamed
to ``<name>`` only when it is complete and its md5 matches. A transfer that breaks off is resumed
from the bytes already in ``<name>.part`` (HTTP Range: ``bytes=<size>-``; a server that ignores
Range sends the whole file again, which then replaces them), within one call and across calls (a
killed job). A file whose md5 is wrong is deleted, never kept as valid.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import logging
import shutil
import tarfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("bmconvex")

CHUNK = 1 << 20
ATTEMPTS = 5  # transfers per call (each resumes where the one before broke off)
TIMEOUT_S = 60.0  # per connect and per read


@dataclass(frozen=True)
class Remote:
    """A published file: where it is and the md5 of its bytes."""

    url: str
    md5: str

    @property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[-1]


FASHION_MNIST_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
FASHION_MNIST = (  # the gzip files as published (Debian's repacked .gz files differ)
    Remote(FASHION_MNIST_URL + "train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
    Remote(FASHION_MNIST_URL + "train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
    Remote(FASHION_MNIST_URL + "t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
    Remote(FASHION_MNIST_URL + "t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
)
CIFAR10 = Remote("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz", "c58f30108f718f92721af3b95e74349a")


class DownloadFailed(OSError):
    """The server could not be reached, every transfer broke off, or the file's md5 was wrong."""


def file_md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _transfer(url: str, part: Path, timeout: float) -> bool:
    """Append the rest of ``url`` to ``part`` (from its current size); True when the file is whole."""
    have = _size(part)
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as err:
        if have and err.code == 416:  # nothing after byte `have`: the file is all there
            return True
        raise
    with response:
        if have and response.status != 206:  # the server ignored Range: it sends the whole file
            have = 0
        length = response.headers.get("Content-Length")
        with open(part, "ab" if have else "wb") as out:
            shutil.copyfileobj(response, out, CHUNK)
    # urllib returns a short body without an error when the connection closes early: count it
    return length is None or _size(part) == have + int(length)


def fetch(remote: Remote, target: Path, attempts: int = ATTEMPTS, timeout: float = TIMEOUT_S) -> Path:
    """``remote`` at ``target``, verified by md5; resumed from ``target``.part where one was left."""
    if target.is_file() and file_md5(target) == remote.md5:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    for attempt in range(1, attempts + 1):
        try:
            if _transfer(remote.url, part, timeout):
                break
            error = "the connection closed before the end of the file"
        except (OSError, http.client.HTTPException) as err:  # URLError, timeouts, resets, IncompleteRead
            error = f"{type(err).__name__}: {err}"
        log.info("%s: attempt %d/%d: %s (%d bytes so far)", remote.url, attempt, attempts, error, _size(part))
    else:
        kept = f"{part} keeps the {_size(part)} bytes received: run again to resume" if _size(part) else "nothing kept"
        raise DownloadFailed(f"{remote.url}: {error} ({attempts} attempts; {kept})")
    if (got := file_md5(part)) != remote.md5:
        part.unlink()
        raise DownloadFailed(f"{remote.url}: md5 {got}, expected {remote.md5}: the file was deleted; run again")
    part.replace(target)
    log.info("downloaded %s to %s (%d bytes, md5 %s)", remote.url, target, _size(target), remote.md5)
    return target


def gunzip(archive: Path, target: Path) -> None:
    with gzip.open(archive) as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst, CHUNK)


def untar(archive: Path, root: Path, folder: str) -> None:
    """The members of ``archive`` under ``folder``/, extracted into ``root`` (no links, no absolute paths)."""
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith(f"{folder}/")]
        tar.extractall(root, members=members, filter="data")
    log.info("extracted %d files of %s into %s", len(members), archive, root / folder)
