"""Exports in the import's columns: they import again unchanged, and no cell is ever
written out as a live spreadsheet formula."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from brokerage.bulk import export
from brokerage.bulk.formats import KINDS, neutralise, restore
from tests.helpers.bulk import KIND_ORDER, ORGANISATION_HEADER


def _export_csv(app, kind: str) -> str:
    with app.app_context():
        return "".join(export.csv_lines(KINDS[kind]))


@pytest.mark.parametrize("kind", KIND_ORDER)
def test_an_export_imports_again_unchanged(app, examples_imported, import_bytes, kind):
    exported = _export_csv(app, kind)
    report = import_bytes(kind, exported)
    assert report.applied and report.bad_rows == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, report.rows)
    assert report.rows == examples_imported[kind].rows


def test_every_cell_is_quoted_so_a_semicolon_never_starts_a_formula_cell(app, import_bytes):
    """Excel where `;` separates cells would split an unquoted `a;=1+1` into `a` and a
    formula (issue 17)."""
    import_bytes(
        "suppliers", f"{ORGANISATION_HEADER}\nS-1,Semi;=1+1 Ltd,OX4 2JY,,small,no,no,x;=2+2,\n"
    )

    line = _export_csv(app, "suppliers").splitlines()[1]

    assert '"Semi;=1+1 Ltd"' in line and '"x;=2+2"' in line
    assert line == ",".join(f'"{cell}"' for cell in next(csv.reader([line])))


def test_an_export_carries_the_changes_an_import_made(app, examples_imported, import_bytes):
    header, *rows = _export_csv(app, "needs").lstrip("\ufeff").splitlines()
    assert next(csv.reader([header])) == list(KINDS["needs"].all_columns)
    edited = "\n".join([header, *rows]).replace("OIEP-S4:6", "OIEP-S4:8")
    assert import_bytes("needs", edited).updated == 1
    assert "OIEP-S4:8" in _export_csv(app, "needs")


HOSTILE = {
    "S-1": ('=HYPERLINK("http://evil.example","x")', "=cmd|' /C calc'!A0"),
    "S-2": ("+44 Catering", "+1+1"),
    "S-3": ("-Minus Ltd", "-2+3"),
    "S-4": ("@SUM Services", "@SUM(A1:A2)"),
}


@pytest.fixture
def hostile_suppliers(import_bytes):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ORGANISATION_HEADER.split(","))
    for ref, (name, description) in HOSTILE.items():
        writer.writerow([ref, name, "OX4 1RF", "catering", "micro", "no", "no", description, ""])
    report = import_bytes("suppliers", buffer.getvalue())
    assert report.applied, report.bad_rows


def test_formula_cells_are_written_as_text_in_csv(app, hostile_suppliers, import_bytes):
    exported = _export_csv(app, "suppliers")
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    assert {row["ref"]: (row["name"], row["description"]) for row in rows} == {
        ref: ("'" + name, "'" + description) for ref, (name, description) in HOSTILE.items()
    }
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row.values())
    # ...and the importer takes the apostrophe off again.
    assert import_bytes("suppliers", exported).unchanged == len(HOSTILE)


def test_formula_cells_are_typed_as_text_in_xlsx(app, hostile_suppliers, tmp_path):
    path = tmp_path / "suppliers.xlsx"
    with app.app_context(), path.open("wb") as handle:
        assert export.write_xlsx(KINDS["suppliers"], handle) == len(HOSTILE)
    sheet = load_workbook(path).active
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    for ref, (name, description) in HOSTILE.items():
        assert (cells[ref][1].value, cells[ref][7].value) == (name, description)
        assert cells[ref][1].data_type == "s" and cells[ref][7].data_type == "s"


@pytest.mark.parametrize(
    "cell", ["=1+1", "+1", "-1", "@A1", "\t=1", "plain", "'quoted", "'=1", "", "Dr. -1"]
)
def test_neutralise_never_leaves_a_formula_and_restore_undoes_it(cell):
    written = neutralise(cell)
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert restore(written) == cell
