"""The bulk import page says each run's status in words, as every list says its states."""

from __future__ import annotations

from brokerage.bulk.models import ImportRun, RunStatus
from brokerage.extensions import db


def test_the_bulk_import_page_lists_a_runs_status_in_words(app, client_for):
    client = client_for(staff=True)
    with app.app_context():
        db.session.add(ImportRun(kind="offers", filename="offers.csv", status=RunStatus.DONE))
        db.session.add(ImportRun(kind="needs", filename="needs.csv", status=RunStatus.REJECTED))
        db.session.commit()

    html = client.get("/admin/import").get_data(as_text=True)

    assert "<td>Imported</td>" in html and "<td>Rejected: nothing imported</td>" in html
    assert "<td>done</td>" not in html
