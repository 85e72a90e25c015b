"""Bulk import fixtures: the shipped TOMs catalogue, the example files, and a way to
import a file's text as the command line would (commit when imported, else roll back)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from brokerage.bulk.service import ImportReport, import_stream
from brokerage.extensions import db
from tests.helpers.bulk import KIND_ORDER, Importer, example


@pytest.fixture(autouse=True)
def _catalogue(shipped_catalogue: None) -> None:
    """Every bulk test has the TOMs frameworks that ship with the app."""


@pytest.fixture(autouse=True)
def upload_folder(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """Uploads wait for their job here rather than in the instance folder."""
    app.config["IMPORT_UPLOAD_DIR"] = str(tmp_path)
    yield tmp_path
    app.config.pop("IMPORT_UPLOAD_DIR")


@pytest.fixture
def import_bytes(app: Flask) -> Importer:
    """`import_bytes("suppliers", b"...", skip_invalid=False)`: the report, with the
    import committed only if it was applied (as the command does)."""

    def _import(kind: str, data: bytes | str, skip_invalid: bool = False) -> ImportReport:
        raw = data.encode() if isinstance(data, str) else data
        with app.app_context():
            report = import_stream(kind, io.BytesIO(raw), skip_invalid=skip_invalid)
            if report.applied:
                db.session.commit()
            else:
                db.session.rollback()
            return report

    return _import


@pytest.fixture
def examples_imported(import_bytes: Importer) -> dict[str, ImportReport]:
    """Every example file, imported in order (organisations before their listings)."""
    return {kind: import_bytes(kind, example(kind)) for kind in KIND_ORDER}
