"""Dataset files: the real Fashion-MNIST (Debian) by checksum, CIFAR-10 in its real format."""

import numpy as np
import pytest
from image_files import write_cifar10, write_fashion_mnist

from bmconvex.cnn import download, files, formats

# The official archive's name and md5 on a port nothing listens on: offline, whatever the machine.
OFFLINE = download.Remote("http://127.0.0.1:1/cifar-10-python.tar.gz", download.CIFAR10.md5)


@pytest.mark.skipif(
    not (files.FASHION_MNIST_DEBIAN / "train-images-idx3-ubyte.gz").is_file(),
    reason="Debian's dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)",
)
def test_real_fashion_mnist_from_debian_matches_its_checksums(tmp_path):
    images = files.prepare("fashion_mnist", tmp_path, verify=True)
    assert images.train_x.shape == (60000, 1, 28, 28) and images.test_x.shape == (10000, 1, 28, 28)
    assert np.bincount(images.train_y).tolist() == [6000] * 10
    folder = tmp_path / files.FASHION_MNIST_DIR
    assert {p.name: download.file_md5(p) for p in folder.iterdir()} == files.FASHION_MNIST_MD5


def test_cifar10_loader_reads_the_real_format(tmp_path):
    write_cifar10(tmp_path, per_batch=20)
    images = files.prepare("cifar10", tmp_path, verify=False)
    assert images.train_x.shape == (100, 3, 32, 32) and images.test_x.shape == (20, 3, 32, 32)
    assert images.train_x.dtype == np.uint8 and images.train_y.max() <= 9
    # channel-major rows: the first 1024 bytes of a row are the red plane
    with open(tmp_path / "cifar-10-batches-py" / "data_batch_1", "rb") as f:
        import pickle

        row = pickle.load(f, encoding="latin1")["data"][0]
    np.testing.assert_array_equal(images.train_x[0, 0].ravel(), row[:1024])


def test_generated_cifar10_fails_the_real_checksums(tmp_path):
    write_cifar10(tmp_path)
    with pytest.raises(files.DatasetUnavailable, match="missing or corrupt: data_batch_1"):
        files.ensure_cifar10(tmp_path, verify=True, remote=OFFLINE)


def test_missing_cifar10_names_the_file_to_download_and_where(tmp_path):
    with pytest.raises(files.DatasetUnavailable) as err:
        files.ensure_cifar10(tmp_path, verify=True, remote=OFFLINE)
    message = str(err.value)
    assert "cifar-10-python.tar.gz" in message and str(tmp_path) in message


def test_fashion_mnist_idx_reader(tmp_path):
    folder = write_fashion_mnist(tmp_path, n_train=30, n_test=10)
    images = formats.load_fashion_mnist(folder)
    assert images.train_x.shape == (30, 1, 28, 28) and images.test_y.shape == (10,)
