"""The load benchmark's tables, as Markdown for README: each row's requests per second,
its ratio to the hello world's measured in the same run, percentiles and errors."""

from __future__ import annotations

from dataclasses import dataclass

from locust.stats import StatsEntry


@dataclass(frozen=True)
class Row:
    name: str
    requests: int
    per_second: float
    p50: int
    p95: int
    p99: int
    errors: int


def row_of(entry: StatsEntry, seconds: float) -> Row:
    return Row(
        name=entry.name,
        requests=entry.num_requests,
        per_second=entry.num_requests / seconds,
        p50=round(entry.median_response_time),
        p95=entry.get_response_time_percentile(0.95),
        p99=entry.get_response_time_percentile(0.99),
        errors=entry.num_failures,
    )


def _cells(row: Row, ceiling: float) -> str:
    return (
        f"{row.per_second:.1f} | {row.per_second / ceiling:.2f} | {row.p50} | {row.p95} "
        f"| {row.errors}"
    )


def print_ceiling(title: str, rows: list[Row], ceiling: float) -> None:
    print(f"\n{title}\n")
    print("| Run | Req/s | × ceiling | p50 ms | p95 ms | Errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row.name} | {_cells(row, ceiling)} |")


def print_side_by_side(title: str, cold: list[Row], warm: list[Row], ceiling: float) -> None:
    """Cold and warm rows of the same pages, side by side; `ceiling`: the hello world's
    requests per second, which the ratios divide by."""
    print(f"\n{title}\n")
    print(
        "| Endpoint | Cold req/s | × ceiling | p50 ms | p95 ms | Errors "
        "| Warm req/s | × ceiling | p50 ms | p95 ms | Errors |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    warm_by_name = {row.name: row for row in warm}
    for row in cold:
        other = warm_by_name.get(row.name)
        warm_cells = _cells(other, ceiling) if other else "| | | |"
        print(f"| {row.name} | {_cells(row, ceiling)} | {warm_cells} |")


P95_TARGET_MS = 100
SHARE_TARGET = 0.25


def print_targets(alone: list[Row], ceiling: float) -> None:
    """Issue 23's targets, page by page, cold: no errors, p95 under 100 ms and a quarter
    of the ceiling's requests per second or more."""
    print()
    for row in alone:
        share = row.per_second / ceiling
        met = row.errors == 0 and row.p95 < P95_TARGET_MS and share >= SHARE_TARGET
        print(f"{'met    ' if met else 'MISSED '} {row.name}: p95 {row.p95} ms, {share:.2f}×")
