"""A results page is ordered by sorting only the rows that may reach it: the same rows in
the same order as sorting every result."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from brokerage.directory.service import _first_in_order


@st.composite
def keyed_rows(draw: st.DrawFn) -> tuple[list[np.ndarray], int]:
    """Scores and distances with many ties (NaN-free, inf for no place), then unique name
    ranks; and how many rows a page reaches to."""
    size = draw(st.integers(0, 60))
    tied = st.lists(
        st.sampled_from([-1.0, -0.8, -0.64, 0.0, 3.5, np.inf]), min_size=size, max_size=size
    )
    keys = [np.array(draw(tied)), np.array(draw(tied))]
    keys.append(np.array(draw(st.permutations(range(size))), dtype=np.int64))
    return keys, draw(st.integers(1, 80))


@settings(max_examples=400, deadline=None)
@given(keyed_rows(), st.integers(1, 3))
def test_the_first_rows_are_those_a_full_sort_puts_first(rows, used):
    keys, count = rows
    keys = keys[-used:]
    expected = np.lexsort(list(reversed(keys)))[:count]
    assert _first_in_order(keys, count).tolist() == expected.tolist()
