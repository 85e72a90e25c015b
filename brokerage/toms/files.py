"""Read a framework file (CSV or XLSX) into checked rows, with no database.

The format is one measure a row under the header
`framework,theme,outcome,measure_code,measure,unit,proxy_value_gbp,source`. Every row is
checked before anything is imported, and every problem is reported with its line number,
so a file loads whole or not at all.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ..errors import BrokerageError

COLUMNS = (
    "framework",
    "theme",
    "outcome",
    "measure_code",
    "measure",
    "unit",
    "proxy_value_gbp",
    "source",
)
REQUIRED = ("framework", "theme", "outcome", "measure_code", "measure", "unit")
# The proxy value's own rule (pence_from_proxy_value) bounds it.
MAX_LENGTHS = {
    "framework": 120,
    "theme": 160,
    "outcome": 300,
    "measure_code": 40,
    "measure": 2_000,
    "unit": 60,
    "source": 2_000,
}
ONE_LINE = ("framework", "theme", "outcome", "measure_code", "unit")
# A proxy value is the £ value of one unit; more than a million is a typing slip.
MAX_PROXY_VALUE_PENCE = 100_000_000
# Codes are written into spreadsheets as `CODE:QUANTITY;CODE:QUANTITY`, so no : ; or spaces.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_POUNDS = re.compile(r"^\d+(\.\d+)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_YEAR = re.compile(r"(\d{4}(?:[/-]\d{2,4})?)\s*$")
UNSTATED_VERSION = "unstated"
EXTRA_CELLS = "\x00extra"  # cells beyond the header, kept aside to be reported


class CatalogueFileInvalid(BrokerageError):
    """The file cannot be loaded; `problems` says where and why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"The catalogue file has {count}; nothing was imported.")


@dataclass(frozen=True)
class MeasureRow:
    line: int
    framework: str
    theme: str
    outcome: str
    code: str
    description: str
    unit: str
    proxy_value_pence: int | None
    source: str


def _quoted(text: str, limit: int = 20) -> str:
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


def pence_from_proxy_value(text: str) -> int | None:
    """Pence from a proxy value in pounds ("14.50"); empty means none. ValueError says why."""
    text = text.strip()
    if not text:
        return None
    if text.startswith("£"):
        raise ValueError(f"{_quoted(text)} must be written without the £ sign, like 14.50")
    if text.startswith("-"):
        raise ValueError(f"{_quoted(text)} cannot be negative")
    if not _POUNDS.match(text):
        raise ValueError(f"{_quoted(text)} is not an amount in pounds, like 14.50")
    pounds = Decimal(text)
    if pounds * 100 > MAX_PROXY_VALUE_PENCE:
        raise ValueError(f"{_quoted(text)} is more than £{MAX_PROXY_VALUE_PENCE // 100:,}")
    if pounds != pounds.quantize(Decimal("0.01")):
        raise ValueError(f"{_quoted(text)} has more than two decimal places")
    return int(pounds * 100)


def default_version(framework: str) -> str:
    """The year a framework's name ends with ("... 2023/24" -> "2023/24"), else "unstated"."""
    match = _YEAR.search(framework)
    return match.group(1) if match else UNSTATED_VERSION


def version_problem(version: str) -> str | None:
    if not version.strip():
        return "the version is empty"
    if len(version) > 40 or _CONTROL.search(version) or "\n" in version:
        return f"the version '{version[:40]}' must be one line of at most 40 characters"
    return None


@dataclass
class _Checker:
    problems: list[str] = field(default_factory=list)
    codes: dict[str, int] = field(default_factory=dict)

    def problem(self, line: int, message: str) -> None:
        self.problems.append(f"line {line}: {message}")

    def header(self, names: list[str]) -> bool:
        before = len(self.problems)
        for name in COLUMNS:
            if name not in names:
                self.problem(1, f"missing column '{name}'")
        for name in dict.fromkeys(names):
            if name not in COLUMNS:
                self.problem(1, f"unknown column '{name or '(blank)'}'")
            elif names.count(name) > 1:
                self.problem(1, f"column '{name}' appears more than once")
        if len(self.problems) > before:
            self.problems.append(f"The header must be: {','.join(COLUMNS)}")
            return False
        return True

    def row(self, line: int, cells: Mapping[str, str]) -> MeasureRow | None:
        before = len(self.problems)
        if cells.get(EXTRA_CELLS):
            self.problem(line, "has more cells than the header")
        for name in COLUMNS:
            self._cell(line, name, cells.get(name, ""))
        code = cells.get("measure_code", "")
        if code and not CODE_PATTERN.match(code):
            self.problem(
                line,
                f"measure code {_quoted(code, 40)} may use only letters, digits, '-', '.' and '_'",
            )
        if code and code.upper() in self.codes:
            self.problem(
                line,
                f"measure code {_quoted(code, 40)} is already on line {self.codes[code.upper()]}",
            )
        self.codes.setdefault(code.upper(), line)
        try:
            proxy = pence_from_proxy_value(cells.get("proxy_value_gbp", ""))
        except ValueError as error:
            self.problem(line, f"proxy value {error}")
            proxy = None
        if len(self.problems) > before:
            return None
        return MeasureRow(
            line=line,
            framework=cells["framework"],
            theme=cells["theme"],
            outcome=cells["outcome"],
            code=code,
            description=cells["measure"],
            unit=cells["unit"],
            proxy_value_pence=proxy,
            source=cells.get("source", ""),
        )

    def _cell(self, line: int, name: str, value: str) -> None:
        if name in REQUIRED and not value:
            self.problem(line, f"'{name}' is empty")
        elif name in MAX_LENGTHS and len(value) > MAX_LENGTHS[name]:
            self.problem(line, f"'{name}' is longer than {MAX_LENGTHS[name]} characters")
        elif _CONTROL.search(value):
            self.problem(line, f"'{name}' contains control characters")
        elif name in ONE_LINE and ("\n" in value or "\r" in value):
            self.problem(line, f"'{name}' must fit on one line")


Record = tuple[int, dict[str, str]]


def read_rows(source: Path | str | Iterable[Mapping[str, Any]]) -> list[MeasureRow]:
    """The checked rows of a file (by path, .csv or .xlsx) or of header-keyed records.

    Raises CatalogueFileInvalid listing every problem; records count from line 2.
    """
    checker = _Checker()
    rows: list[MeasureRow] = []
    try:
        header, records = _records(source)
        if checker.header(header):
            rows = [row for line, cells in records if (row := checker.row(line, cells))]
            if not rows and not checker.problems:
                checker.problems.append("the file has no measures")
    except _Unreadable as error:
        checker.problems.append(str(error))
    if checker.problems:
        raise CatalogueFileInvalid(checker.problems)
    return rows


class _Unreadable(Exception):
    pass


def _records(source: Path | str | Iterable[Mapping[str, Any]]) -> tuple[list[str], list[Record]]:
    if not isinstance(source, str | Path):
        return _mapping_records(source)
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_records(path)
    if suffix == ".xlsx":
        return _xlsx_records(path)
    raise _Unreadable(f"{path.name}: is not a .csv or .xlsx file")


def _text(value: Any) -> str:
    """A cell as text: spreadsheets store 12 as 12.0, which is still 12."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _mapping_records(rows: Iterable[Mapping[str, Any]]) -> tuple[list[str], list[Record]]:
    records = [
        (line, {str(k): _text(v) for k, v in row.items()}) for line, row in enumerate(rows, 2)
    ]
    header = list(records[0][1]) if records else list(COLUMNS)
    return header, records


def _cells(header: list[str], values: list[Any]) -> dict[str, str]:
    cells = {name: _text(value) for name, value in zip(header, values, strict=False)}
    if any(_text(value) for value in values[len(header) :]):
        cells[EXTRA_CELLS] = "yes"
    return cells


def _csv_records(path: Path) -> tuple[list[str], list[Record]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return _rows_to_records(_csv_lines(csv.reader(handle)))
    except UnicodeDecodeError as error:
        raise _Unreadable(f"{path.name}: is not UTF-8 text") from error
    except csv.Error as error:
        raise _Unreadable(f"{path.name}: is not a readable CSV file ({error})") from error


def _csv_lines(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted cell may span lines)."""
    line = 1
    for values in reader:
        yield line, values
        line = reader.line_num + 1


def _xlsx_records(path: Path) -> tuple[list[str], list[Record]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError) as error:
        raise _Unreadable(f"{path.name}: is not an Excel workbook (.xlsx)") from error
    try:
        sheet = workbook.worksheets[0]
        rows = enumerate(sheet.iter_rows(values_only=True), 1)
        return _rows_to_records((line, list(values)) for line, values in rows)
    finally:
        workbook.close()


def _rows_to_records(lines: Iterable[tuple[int, list[Any]]]) -> tuple[list[str], list[Record]]:
    lines = iter(lines)
    first = next(lines, None)
    if first is None:
        raise _Unreadable(f"the file is empty: its first line must be {','.join(COLUMNS)}")
    header = [_text(name).lower() for name in first[1]]
    while header and not header[-1]:
        header.pop()
    records = [
        (line, _cells(header, values))
        for line, values in lines
        if any(_text(value) for value in values)  # spreadsheets end in blank rows
    ]
    return header, records
