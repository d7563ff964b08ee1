"""Dataset files that do not fit their format are named, also with verify: false (no md5)."""

import pickle

import numpy as np
import pytest
from image_files import write_cifar10, write_fashion_mnist, write_idx

from bmconvex.cnn import files, formats


def corrupt_fashion_mnist(tmp_path, name: str, damage) -> str:
    folder = write_fashion_mnist(tmp_path, n_train=30, n_test=10)
    damage(folder / name)
    return str(folder / name)


@pytest.mark.parametrize(
    ("name", "damage", "problem"),
    [
        (
            "train-images-idx3-ubyte",
            lambda p: p.write_bytes(p.read_bytes()[:-16]),
            "23520 bytes, but its header (30, 28, 28) needs 23536",
        ),
        ("t10k-labels-idx1-ubyte", lambda p: p.write_bytes(p.read_bytes()[:6]), "shorter than its 8-byte header"),
        ("train-labels-idx1-ubyte", lambda p: p.write_bytes(b"\x00\x00\x0d" + p.read_bytes()[3:]), "magic number"),
        ("train-labels-idx1-ubyte", lambda p: write_idx(p, np.full(30, 99)), "labels range over 99 .. 99"),
        ("t10k-labels-idx1-ubyte", lambda p: write_idx(p, np.zeros(9)), "labels of shape (9,) for 10 images"),
        ("t10k-images-idx3-ubyte", lambda p: write_idx(p, np.zeros((10, 27, 28))), "not (N, 28, 28)"),
    ],
)
def test_corrupt_fashion_mnist_file_is_named(tmp_path, name, damage, problem):
    path = corrupt_fashion_mnist(tmp_path, name, damage)
    with pytest.raises(formats.DatasetCorrupt) as err:
        files.prepare("fashion_mnist", tmp_path, verify=False)
    message = str(err.value)
    assert message.startswith(f"{path}: ") and problem in message and "delete it" in message


def rewrite_batch(path, change) -> None:
    with open(path, "rb") as f:
        batch = pickle.load(f, encoding="latin1")
    change(batch)
    with open(path, "wb") as f:
        pickle.dump(batch, f)


@pytest.mark.parametrize(
    ("name", "damage", "problem"),
    [
        ("data_batch_3", lambda p: p.write_bytes(p.read_bytes()[:100]), "not a CIFAR-10 batch"),
        ("test_batch", lambda p: rewrite_batch(p, lambda b: b.pop("labels")), "not a CIFAR-10 batch (KeyError"),
        ("data_batch_1", lambda p: rewrite_batch(p, lambda b: b.update(data=b["data"][:, :-1])), "not (N, 3072)"),
        ("data_batch_5", lambda p: rewrite_batch(p, lambda b: b["labels"].__setitem__(0, 10)), "labels range over"),
    ],
)
def test_corrupt_cifar10_batch_is_named(tmp_path, name, damage, problem):
    folder = write_cifar10(tmp_path, per_batch=8)
    damage(folder / name)
    with pytest.raises(formats.DatasetCorrupt) as err:
        files.prepare("cifar10", tmp_path, verify=False)
    assert str(err.value).startswith(f"{folder / name}: ") and problem in str(err.value)
