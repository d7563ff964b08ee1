"""Dataset downloads over real HTTP from a local server: complete, resumed, md5-rejected, offline.

The server (http.server on 127.0.0.1, a free port) serves generated files, answers Range requests
with 206, and can break the connection off half-way through a file's first transfer.
"""

import gzip
import hashlib
import io
import re
import socket
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from image_files import write_cifar10, write_fashion_mnist

from bmconvex.cnn import download, files, formats


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        server = self.server
        server.requests.append((self.path, self.headers.get("Range")))
        body = server.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        start = 0
        if (asked := self.headers.get("Range")) and not server.ignore_range:
            start = int(re.fullmatch(r"bytes=(\d+)-", asked)[1])
            if start >= len(body):
                self.send_error(416)
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        rest = body[start:]
        if self.path in server.break_off:  # half the body, then the connection closes
            server.break_off.discard(self.path)
            rest = rest[: len(rest) // 2]
            self.close_connection = True
        self.wfile.write(rest)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.files, httpd.requests, httpd.break_off, httpd.ignore_range = {}, [], set(), False
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def serve(server, path: str, body: bytes) -> download.Remote:
    server.files[path] = body
    return download.Remote(server.url + path, hashlib.md5(body).hexdigest())


def closed_port_url(name: str) -> str:
    """A URL on a port nothing listens on: the connection is refused, as offline."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/{name}"


BODY = np.random.default_rng(0).integers(0, 256, 300_000, dtype=np.uint8).tobytes()


def test_a_transfer_that_breaks_off_is_resumed_with_a_range_request(server, tmp_path):
    remote = serve(server, "/data.bin", BODY)
    server.break_off.add("/data.bin")
    target = download.fetch(remote, tmp_path / "data.bin")
    assert target.read_bytes() == BODY and not (tmp_path / "data.bin.part").exists()
    assert server.requests == [("/data.bin", None), ("/data.bin", "bytes=150000-")]


def test_a_part_left_by_a_killed_job_is_resumed_and_a_whole_file_not_fetched_again(server, tmp_path):
    remote = serve(server, "/data.bin", BODY)
    (tmp_path / "data.bin.part").write_bytes(BODY[:100_000])
    assert download.fetch(remote, tmp_path / "data.bin").read_bytes() == BODY
    download.fetch(remote, tmp_path / "data.bin")  # verified on disk: no request
    assert server.requests == [("/data.bin", "bytes=100000-")]


def test_a_server_that_ignores_range_sends_the_whole_file_again(server, tmp_path):
    remote = serve(server, "/data.bin", BODY)
    server.ignore_range = True
    (tmp_path / "data.bin.part").write_bytes(b"x" * 1000)  # not a prefix of the file: replaced
    assert download.fetch(remote, tmp_path / "data.bin").read_bytes() == BODY


def test_a_wrong_md5_is_rejected_and_nothing_is_kept(server, tmp_path):
    good = serve(server, "/data.bin", BODY)
    bad = download.Remote(good.url, hashlib.md5(b"another file").hexdigest())
    with pytest.raises(download.DownloadFailed, match=f"md5 {good.md5}, expected {bad.md5}: the file was deleted"):
        download.fetch(bad, tmp_path / "data.bin")
    assert list(tmp_path.iterdir()) == []


def test_offline_names_the_file_to_fetch_by_hand_and_where(tmp_path):
    offline = download.Remote(closed_port_url("cifar-10-python.tar.gz"), download.CIFAR10.md5)
    with pytest.raises(files.DatasetUnavailable) as err:
        files.ensure_cifar10(tmp_path, verify=True, remote=offline)
    message = str(err.value)
    assert message.startswith("cifar10 files missing or corrupt: data_batch_1, data_batch_2")
    assert "the download failed" in message and "Connection refused" in message and "nothing kept" in message
    assert f"Download {download.CIFAR10.url} (md5 c58f30108f718f92721af3b95e74349a)" in message
    assert f"tar -xzf cifar-10-python.tar.gz -C {tmp_path}" in message
    assert list(tmp_path.iterdir()) == []


def gzipped(path) -> bytes:
    return gzip.compress(path.read_bytes(), mtime=0)


def test_fashion_mnist_is_downloaded_decompressed_and_read(server, tmp_path, monkeypatch):
    monkeypatch.setattr(files, "FASHION_MNIST_DEBIAN", tmp_path / "no-debian-package")  # the download route
    source = write_fashion_mnist(tmp_path / "source", n_train=40, n_test=10)
    names = list(files.FASHION_MNIST_MD5)
    remotes = tuple(serve(server, f"/fashion/{name}.gz", gzipped(source / name)) for name in names)
    server.break_off.add(f"/fashion/{names[0]}.gz")
    folder = files.ensure_fashion_mnist(tmp_path / "root", verify=False, remotes=remotes)
    assert {name: download.file_md5(folder / name) for name in names} == {
        name: download.file_md5(source / name) for name in names
    }
    images = formats.load_fashion_mnist(folder)
    assert images.train_x.shape == (40, 1, 28, 28) and images.test_y.shape == (10,)
    assert len(server.requests) == 5  # four files, one of them resumed


def test_cifar10_archive_is_downloaded_and_extracted(server, tmp_path):
    source = write_cifar10(tmp_path / "source", per_batch=8)
    packed = io.BytesIO()
    with tarfile.open(fileobj=packed, mode="w:gz") as tar:
        tar.add(source, arcname=files.CIFAR10_DIR)
    remote = serve(server, "/cifar-10-python.tar.gz", packed.getvalue())
    folder = files.ensure_cifar10(tmp_path / "root", verify=False, remote=remote)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in source.iterdir())
    images = formats.load_cifar10(folder)
    assert images.train_x.shape == (40, 3, 32, 32) and images.test_x.shape == (8, 3, 32, 32)
    assert (tmp_path / "root" / "cifar-10-python.tar.gz").is_file()  # kept: a re-extract needs no download
