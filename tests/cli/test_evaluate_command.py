"""`portcullis evaluate`: the offline experiment, on the KCS data in ../shared, as a user runs
it."""

import json

import pytest

from tests.builders import KCS_2020, KCS_2021Q1, kcs_row, write_kcs


@pytest.mark.slow
def test_it_meets_the_precision_goal_on_kcs_and_ends_with_json(portcullis):
    result = portcullis(
        "evaluate", "--train", str(KCS_2020), "--test", str(KCS_2021Q1), "--format", "kcs", "--json"
    )
    assert result.code == 0, result.text
    assert "inspected  precision  recall" in result.out
    figures = json.loads(result.out.strip().splitlines()[-1])
    assert set(figures["precision_at"]) == set(figures["recall_at"]) == {"1", "2", "5", "10"}
    assert figures["seeds"] == 3
    # The goal set for train 2020 -> test 2021-Q1 (mean of three seeds).
    assert figures["precision_at"]["5"] >= 0.93
    assert figures["precision_at"]["10"] >= 0.84
    assert 0.5 < figures["roc_auc"] <= 1


def test_it_reports_files_it_cannot_use(portcullis, tmp_path):
    missing = portcullis("evaluate", "--train", str(tmp_path / "nope.csv"), "--test", str(KCS_2020))
    assert missing.code == 1
    assert "nope.csv: no such file" in missing.err
    assert "Traceback" not in missing.text

    small = write_kcs(tmp_path / "small.csv", [kcs_row(f"E-{i}") for i in range(30)])
    other = write_kcs(tmp_path / "other.csv", [kcs_row(f"O-{i}") for i in range(30)])
    too_few = portcullis("evaluate", "--train", str(small), "--test", str(other), "--format", "kcs")
    assert too_few.code == 1
    assert "only 30 inspected items; at least 200 are needed" in too_few.err
    assert "Traceback" not in too_few.text

    seen = portcullis("evaluate", "--train", str(small), "--test", str(small), "--format", "kcs")
    assert seen.code == 1
    assert "30 declarations of the test file are also in the training files" in seen.err


def test_it_counts_records_it_had_to_leave_out(portcullis, tmp_path):
    def rows(prefix: str) -> list[dict[str, str]]:
        good = [
            kcs_row(f"{prefix}-{i}", Fraud=str(i % 2), Item_Price=str(100 + i)) for i in range(300)
        ]
        return [*good, kcs_row(f"{prefix}-bad", Date="not a date")]

    train = write_kcs(tmp_path / "train.csv", rows("T"))
    test = write_kcs(tmp_path / "test.csv", rows("S"))
    result = portcullis(
        "evaluate", "--train", str(train), "--test", str(test), "--format", "kcs", "--seeds", "1"
    )
    assert result.code == 0, result.text
    assert "train.csv: 1 records rejected, e.g. row 302 (declaration T-bad): Date" in result.err
    assert "2 records were rejected while reading and left out." in result.out
