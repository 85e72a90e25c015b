"""The supplier-level full rebuild (supplier_store.supplier_row_batches) stores what the per-pair
reference defines: each opportunity's top N suppliers and each supplier's top N
opportunities, with the reference's scores, reasons and offers, on generated counties."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brokerage.matches import supplier_store
from brokerage.matches.supplier_store import supplier_row_batches
from tests.helpers.bulk_rows import rows_of
from tests.helpers.supplier_rebuild import GivenSupplierScene, reference_supplier_rows
from tests.matching.strategies import CATALOGUE, opportunities, supplier_lists


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(opportunities(), max_size=6), supplier_lists(), st.data())
def test_a_rebuild_stores_each_sides_top_pairs_scored_and_explained_as_the_reference(
    queries, candidates, data
):
    owners = [data.draw(st.sampled_from([-1, *range(len(candidates))])) for _ in queries]
    found = GivenSupplierScene(candidates, queries, CATALOGUE, owners)
    rows = rows_of(supplier_row_batches(found))
    stored = {(r["opportunity_id"], r["organisation_id"]): r for r in rows}
    expected = reference_supplier_rows(found)
    assert stored.keys() == expected.keys()
    for pair, row in expected.items():
        numbers = {key: value for key, value in row.items() if isinstance(value, float)}
        assert {key: stored[pair][key] for key in numbers} == pytest.approx(numbers, abs=1e-9)
        others = {key: value for key, value in row.items() if key not in numbers}
        assert {key: stored[pair][key] for key in others} == others


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(opportunities(), min_size=1, max_size=4), supplier_lists(), st.integers(1, 3))
def test_rows_split_into_small_batches_are_the_rows_of_one_batch(queries, candidates, batch):
    found = GivenSupplierScene(candidates, queries, CATALOGUE, [-1] * len(queries))
    whole = rows_of(supplier_row_batches(found))
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(supplier_store, "BATCH", batch)
        again = GivenSupplierScene(candidates, queries, CATALOGUE, [-1] * len(queries))
        batches = list(supplier_row_batches(again))
    assert all(len(column) <= batch for columns in batches for column in columns.values())
    assert len(batches) == -(-len(whole) // batch)
    without_time = [{k: v for k, v in row.items() if k != "computed_at"} for row in whole]
    split = [{k: v for k, v in row.items() if k != "computed_at"} for row in rows_of(batches)]
    assert split == without_time
