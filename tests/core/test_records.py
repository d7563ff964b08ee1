"""Records: only finite numbers are written, null stands for an absent value, a corrupt file is named."""

import math

import pytest

from bmconvex.core.finite import NonFiniteError
from bmconvex.core.records import CorruptRecord, check_records, read_json, write_json


@pytest.mark.parametrize(
    ("record", "named"),
    [
        ({"p_hat": math.inf, "d_hat": 1.0}, "p_hat = inf"),
        ({"d_hat": math.nan}, "d_hat = nan"),
        ({"epochs": [{"train_loss": 0.5}, {"train_loss": -math.inf}]}, "epochs[1].train_loss = -inf"),
    ],
)
def test_a_non_finite_number_is_never_written(tmp_path, record, named):
    path = tmp_path / "r.json"
    with pytest.raises(NonFiniteError, match=named.replace("[", r"\[")):
        write_json(path, record)
    assert not path.exists() and not list(tmp_path.iterdir())


def test_absent_values_are_null_and_read_back_as_none(tmp_path):
    path = tmp_path / "r.json"
    write_json(path, {"peak_mem_gb": None, "epochs": [{"seconds": 1.5}]})
    assert '"peak_mem_gb": null' in path.read_text()
    record = read_json(path)
    assert record["peak_mem_gb"] is None and record["epochs"] == [{"seconds": 1.5}]
    assert "numpy" in record["provenance"]


@pytest.mark.parametrize("text", ["", '{"p_hat": 1.0', "[1, 2]", '{"p_hat": NaN}', "\xff\xfe"])
def test_a_corrupt_record_is_named_with_the_fix(tmp_path, text):
    path = tmp_path / "n6_beta0.1_m1_seed0.json"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(CorruptRecord, match=f"{path} is not a valid result record") as err:
        read_json(path)
    assert f"--forcerun {path}" in str(err.value)


def test_check_records_reads_the_records_that_exist(tmp_path):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    write_json(good, {"p": 1})
    check_records([good, tmp_path / "not_yet_computed.json"])
    bad.write_text("")
    with pytest.raises(CorruptRecord, match="bad.json"):
        check_records([good, bad])
