"""Read an import file as rows, one at a time, never the whole file at once.

The file is read as bytes and decoded line by line, so a line that is not UTF-8 is
reported with its number (and the rest of the file is still checked) instead of one
decoding error for the whole file. A byte order mark (Excel's "CSV UTF-8") is allowed.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from .formats import restore

MAX_CELL = 20_000  # longer than any column allows; csv's own limit is 128 KiB


class FileProblem(ValueError):
    """A file that cannot be read as rows at all (empty, or not the right header)."""


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts in the file, counting the header as line 1
    cells: dict[str, str]
    problem: str = ""  # set when the row cannot be read (bad bytes, wrong cell count)


class _Lines:
    """Decoded lines of a byte stream, remembering which physical lines were not UTF-8."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.number = 0
        self.bad: dict[int, str] = {}

    def __iter__(self) -> Iterator[str]:
        for raw in self.stream:
            self.number += 1
            if self.number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as error:
                self.bad[self.number] = (
                    f"line {self.number} is not UTF-8 text (byte 0x{raw[error.start]:02X} at "
                    f"character {error.start + 1}): save the file as “CSV UTF-8”."
                )
                yield raw.decode("utf-8", errors="replace")


def read_rows(stream: BinaryIO, columns: tuple[str, ...]) -> Iterator[Row]:
    """The rows after the header, as {column: cell}; raises FileProblem for a file with no
    header or the wrong one. Blank lines are skipped."""
    lines = _Lines(stream)
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise FileProblem(f"The header row cannot be read: {error}.") from error
    if lines.bad:
        raise FileProblem(f"The header row cannot be read: {next(iter(lines.bad.values()))}")
    if header is None or not any(cell.strip() for cell in header):
        raise FileProblem(
            f"The file is empty: it needs a header row ({','.join(columns)}) and a row for "
            "each record."
        )
    _check_header([cell.strip().lower() for cell in header], columns)
    order = [cell.strip().lower() for cell in header]
    while True:
        start = lines.number + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Row(start, {}, f"the row cannot be read as CSV: {error}.")
            continue
        if not any(cell.strip() for cell in cells):
            continue
        yield _row(start, lines, cells, order)


def _row(start: int, lines: _Lines, cells: list[str], order: list[str]) -> Row:
    bad = [lines.bad.pop(n) for n in range(start, lines.number + 1) if n in lines.bad]
    if bad:
        return Row(start, {}, bad[0])
    if len(cells) != len(order):
        return Row(start, {}, f"It has {len(cells)} cells; the header has {len(order)}.")
    if any(len(cell) > MAX_CELL for cell in cells):
        return Row(start, {}, f"A cell is longer than {MAX_CELL:,} characters.")
    return Row(start, dict(zip(order, map(restore, cells), strict=True)))


def _check_header(found: list[str], columns: tuple[str, ...]) -> None:
    """In time linear in the header's length: a file may carry 100,000 columns."""
    expected = set(columns)
    present = set(found)
    missing = [column for column in columns if column not in present]
    extra = [column for column in found if column not in expected]
    repeated = sorted(column for column, times in Counter(found).items() if times > 1)
    if missing or extra or repeated:
        parts = [f"missing {', '.join(missing)}" if missing else ""]
        parts.append(f"not expected: {_some(c[:30] or '(blank)' for c in extra)}" if extra else "")
        parts.append(f"named twice: {_some(repeated)}" if repeated else "")
        raise FileProblem(
            f"The header row must name the columns {','.join(columns)} "
            f"({'; '.join(p for p in parts if p)})."
        )


def _some(names: Iterable[str], shown: int = 10) -> str:
    """The first few names, and how many more: a message stays readable."""
    names = list(names)
    more = f" and {len(names) - shown:,} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more
