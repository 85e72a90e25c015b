"""`flask import KIND FILE [--skip-invalid]` and `flask export KIND FILE`."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from brokerage.accounts.models import Organisation
from brokerage.listings.models import Offer
from tests.helpers.bulk import EXAMPLES, KIND_ORDER, ORGANISATION_HEADER
from tests.helpers.pages import count


def test_import_prints_a_summary_for_each_example_file(flask_cli, in_app):
    for kind in KIND_ORDER:
        result = flask_cli("import", kind, str(EXAMPLES / f"{kind}.csv"))
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"{kind}: ")
        assert " created, 0 updated, 0 unchanged." in result.output
    assert in_app(lambda: count(Offer)) == 3
    again = flask_cli("import", "offers", str(EXAMPLES / "offers.csv"))
    assert again.output == "offers: 3 rows read, 0 created, 0 updated, 3 unchanged.\n"


def test_a_bad_file_exits_non_zero_lists_the_bad_rows_and_imports_nothing(
    flask_cli, in_app, tmp_path: Path
):
    path = tmp_path / "suppliers.csv"
    path.write_text(
        f"{ORGANISATION_HEADER}\n"
        "S-1,Kidlington Kitchens,OX5 1AB,catering,micro,no,yes,,\n"
        "S-2,Banbury Bakes,OX99 9ZZ,catering,micro,no,no,,\n"
    )
    result = flask_cli("import", "suppliers", str(path))
    assert result.exit_code == 1
    assert "Nothing imported: 1 of 2 rows are bad." in result.output
    assert "  line 3 (S-2): postcode: We could not find OX99 9ZZ." in result.output
    assert in_app(lambda: count(Organisation)) == 0

    skipped = flask_cli("import", "suppliers", str(path), "--skip-invalid")
    assert skipped.exit_code == 0
    assert "1 created" in skipped.output and "1 bad rows skipped" in skipped.output
    assert "line 3 (S-2)" in skipped.output
    assert in_app(lambda: count(Organisation)) == 1


def test_an_empty_file_and_an_unknown_kind_are_refused(flask_cli, tmp_path: Path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = flask_cli("import", "suppliers", str(path))
    assert result.exit_code == 1 and "The file is empty" in result.output
    wrong = flask_cli("import", "volunteers", str(path))
    assert wrong.exit_code == 2 and "'volunteers' is not one of" in wrong.output


def test_export_writes_csv_and_xlsx_that_the_import_reads(flask_cli, tmp_path: Path):
    for kind in ("suppliers", "offers"):
        flask_cli("import", kind, str(EXAMPLES / f"{kind}.csv"))
    out = tmp_path / "offers.csv"
    result = flask_cli("export", "offers", str(out))
    assert result.output == f"3 offers written to {out}.\n"
    assert out.read_bytes().startswith(
        b'\xef\xbb\xbf"ref","supplier_ref","title","description","measures","available_from",'
        b'"available_to"\r\n'
    )
    again = flask_cli("import", "offers", str(out))
    assert "0 created, 0 updated, 3 unchanged" in again.output

    workbook = tmp_path / "suppliers.xlsx"
    assert flask_cli("export", "suppliers", str(workbook)).exit_code == 0
    rows = list(load_workbook(workbook).active.values)
    assert rows[0] == (
        *ORGANISATION_HEADER.split(","),
        "trades",
        "company_number",
        "charity_number",
    )
    assert len(rows) == 6
