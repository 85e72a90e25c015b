"""The index's coded label columns (sector, size): a filter compares codes, not strings."""

from __future__ import annotations

from brokerage.directory.index import Coded


def test_a_coded_column_finds_each_label_and_nothing_for_an_unknown_one():
    column = Coded.of(["micro", "", "large", "micro"])

    assert column.equal_to("micro").tolist() == [True, False, False, True]
    assert column.equal_to("").tolist() == [False, True, False, False]
    assert column.equal_to("medium").tolist() == [False, False, False, False]
    assert Coded.of([]).equal_to("micro").size == 0
