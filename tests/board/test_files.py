"""The board report as files: the PDF (from the page and the CLI), drawn without the
network, and the XLSX with a sheet per part holding the page's numbers."""

from __future__ import annotations

import io
import socket

import pytest
from openpyxl import load_workbook

from brokerage.board.pdf import StaticFilesOnly, render_pdf
from tests.helpers.board import ARCH_VOLUNTEERS, DECEMBER_NOTE, FEBRUARY_NOTE

SHEETS = [
    "Working groups",
    "Changes",
    "KPIs",
    "Funnel",
    "Value by theme",
    "Value by district",
    "Charter",
    "Pledges",
    "Funding",
]
STATIC_URL = "https://brokerage.example.org/static/"


def _rows(sheet) -> list[list]:
    """A sheet's rows under its title and column names."""
    return [list(row) for row in sheet.iter_rows(min_row=3, values_only=True)]


def test_the_workbook_has_a_sheet_per_part_with_the_pages_numbers(staff, recorded):
    response = staff.get("/plan/report.xlsx?quarter=2024Q1")
    assert response.status_code == 200
    assert 'filename="board-report-2024Q1.xlsx"' in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == SHEETS

    [kpi] = [row for row in _rows(book["KPIs"]) if row[2] == ARCH_VOLUNTEERS]
    assert kpi == ["Educational Attainment", 1, ARCH_VOLUNTEERS, 4, 6, 10, 20, 0.5]
    notes = [row[4] for row in _rows(book["Changes"])]
    assert notes == [FEBRUARY_NOTE]
    assert DECEMBER_NOTE not in notes
    groups = {row[0]: row for row in _rows(book["Working groups"])}
    assert groups["Educational Attainment"][3:5] == [10, 1]  # actions, done
    funding = {row[0]: row for row in _rows(book["Funding"])}
    arch = funding["Assisted Reading for Children (ARCh) expansion"]
    assert arch[2:] == [91120.0, 0.0, 0.0, 91120.0]
    assert [row[0] for row in _rows(book["Funnel"])][:1] == ["Suggested"]


def test_the_pdf_download_is_a_pdf(staff, recorded):
    response = staff.get("/plan/report.pdf?quarter=2024Q1")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


def test_the_cli_writes_the_pdf_and_the_workbook(app, recorded, tmp_path):
    pdf, xlsx = tmp_path / "board.pdf", tmp_path / "board.xlsx"
    result = app.test_cli_runner().invoke(
        args=["report", "board", "--quarter", "2024Q1", "--pdf", str(pdf), "--xlsx", str(xlsx)]
    )
    assert result.exit_code == 0, result.output
    assert "Board report 2024Q1 (January to March 2024): 5 working groups, 1 progress" in (
        result.output
    )
    pages = int(result.output.split(f"Wrote {pdf} (")[1].split(" page")[0])
    assert pages >= 1
    assert pdf.read_bytes().startswith(b"%PDF")
    assert load_workbook(xlsx).sheetnames == SHEETS


@pytest.mark.parametrize(
    ("quarter", "message"), [("2024Q5", "a year has four quarters"), ("soon", "is not a quarter")]
)
def test_the_cli_refuses_a_bad_quarter(app, tmp_path, quarter, message):
    pdf = tmp_path / "board.pdf"
    result = app.test_cli_runner().invoke(
        args=["report", "board", "--quarter", quarter, "--pdf", str(pdf)]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--quarter'" in result.output
    assert message in result.output
    assert not pdf.exists()


def test_the_fetcher_serves_static_files_and_nothing_else(app):
    fetcher = StaticFilesOnly(app.static_folder, STATIC_URL)
    css = fetcher.fetch(STATIC_URL + "css/board-report.css")
    assert b".board-document" in css.read()
    assert css.content_type == "text/css"
    for refused in (
        "https://example.org/static/css/board-report.css",
        "https://brokerage.example.org/other/page",
        STATIC_URL + "../config.py",
        STATIC_URL + "css/missing.css",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(refused)


def test_a_pdf_never_reaches_the_network(app, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the PDF tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    html = (
        '<link rel="stylesheet" href="https://cdn.example.org/x.css">'
        f'<link rel="stylesheet" href="{STATIC_URL}css/board-report.css">'
        '<p>Hello <img src="https://example.org/tracker.png" alt=""></p>'
    )
    pdf = render_pdf(html, STATIC_URL, StaticFilesOnly(app.static_folder, STATIC_URL))
    assert pdf.data.startswith(b"%PDF") and pdf.pages == 1
