"""Rows as dicts and as the batches of columns `brokerage.bulk_rows.insert_columns` takes,
each turned into the other (tests compare rows one by one)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from brokerage.bulk_rows import Columns


def rows_of(batches: Iterable[Columns]) -> list[dict[str, Any]]:
    """Every row of `batches`, in order, as a dict keyed by column name."""
    rows: list[dict[str, Any]] = []
    for batch in batches:
        names = list(batch)
        rows.extend(
            dict(zip(names, values, strict=True))
            for values in zip(*(batch[name] for name in names), strict=True)
        )
    return rows


def columns_of(rows: Sequence[Mapping[str, Any]], batch: int) -> list[Columns]:
    """`rows` (dicts naming the same columns) as batches of `batch` rows' columns."""
    return [
        {name: [row[name] for row in rows[start : start + batch]] for name in rows[0]}
        for start in range(0, len(rows), batch)
    ]
