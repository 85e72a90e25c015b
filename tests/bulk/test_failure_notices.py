"""Staff hear of each import that saved nothing: an inbox entry and an email each."""

from __future__ import annotations

from sqlalchemy import select

from brokerage.bulk import service
from brokerage.bulk.models import ImportRun
from brokerage.extensions import db
from brokerage.mail import read_outbox
from brokerage.notifications.models import Notification
from tests.factories import UserFactory
from tests.helpers.bulk import ORGANISATION_HEADER, upload_file, uploaded_run_id

BAD_FILE = (
    f"{ORGANISATION_HEADER}\nS-2,<script>x</script>,OX99 9ZZ,catering,micro,no,no,,\n"
).encode()


def _subjects(in_app) -> list[str]:
    return in_app(lambda: list(db.session.scalars(select(Notification.subject))))


def test_staff_get_an_inbox_item_and_an_email_for_a_rejected_import(staff, create, in_app):
    colleague = create(UserFactory, email="colleague@example.org", is_staff=True)
    run_id = uploaded_run_id(upload_file(staff, BAD_FILE, filename="partners.csv"))

    assert _subjects(in_app).count("Import failed: partners.csv") == 2
    [mail] = in_app(lambda: read_outbox(colleague.email))
    assert mail.subject == "Import failed: partners.csv"
    assert f"/admin/import/{run_id}" in mail.body


def test_an_import_that_breaks_is_recorded_as_failed_and_staff_are_told(
    staff, in_app, monkeypatch, tmp_path
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    def run() -> int:
        run = service.start_run("suppliers", "broken.csv", False, None)
        path = tmp_path / "broken.csv"
        path.write_bytes(BAD_FILE)
        service.run_import(run.id, str(path))
        db.session.commit()
        return run.id

    monkeypatch.setattr(service, "import_stream", broken)
    run_id = in_app(run)

    assert in_app(lambda: db.session.get(ImportRun, run_id).status) == "failed"
    assert "Import failed: broken.csv" in _subjects(in_app)


def test_a_successful_import_tells_nobody(staff, in_app):
    from tests.helpers.bulk import example

    upload_file(staff, example("suppliers"))
    assert not [s for s in _subjects(in_app) if s.startswith("Import failed")]
