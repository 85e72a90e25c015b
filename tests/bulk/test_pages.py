"""The staff upload page, its progress page and status endpoint, and export downloads:
staff only; bad uploads get field errors; the import runs as a job."""

from __future__ import annotations

import csv
import io

import pytest

from brokerage.accounts.models import Organisation
from brokerage.bulk.formats import KINDS
from brokerage.bulk.models import ImportRun
from brokerage.bulk.service import import_stream
from brokerage.extensions import db
from brokerage.jobs import work
from tests.helpers.bulk import (
    EXAMPLES,
    ORGANISATION_HEADER,
    UPLOAD,
    example,
    upload_file,
    uploaded_run_id,
)
from tests.helpers.pages import count
from tests.helpers.web import csrf_token


@pytest.mark.parametrize("role", ["buyer", "supplier", "beneficiary", "task_force"])
def test_only_staff_may_import_or_export(request, role, in_app):
    client = request.getfixturevalue(role)
    assert client.get(UPLOAD).status_code == 403
    assert client.get("/admin/export/suppliers.csv").status_code == 403
    form = {
        "csrf_token": csrf_token(client, "/account"),
        "kind": "suppliers",
        "file": (io.BytesIO(example("suppliers")), "s.csv"),
    }
    response = client.post(UPLOAD, data=form)
    assert response.status_code == 403
    assert in_app(lambda: count(Organisation, Organisation.external_ref.is_not(None))) == 0


def test_anonymous_people_are_sent_to_log_in(anon):
    response = anon.get(UPLOAD)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_staff_upload_runs_the_import_and_shows_its_report(staff, in_app):
    page = staff.get(UPLOAD)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and "Nothing has been imported yet." in html

    response = upload_file(staff, example("suppliers"), filename="suppliers.csv")
    assert response.status_code == 302
    run_id = uploaded_run_id(response)
    run = in_app(lambda: db.session.get(ImportRun, run_id))
    assert (run.kind, run.filename, run.status, run.rows_done, run.rows_total) == (
        "suppliers",
        "suppliers.csv",
        "done",
        5,
        5,
    )
    assert in_app(lambda: count(Organisation, Organisation.external_ref.is_not(None))) == 5

    shown = staff.get(f"/admin/import/{run_id}").get_data(as_text=True)
    assert "suppliers: 5 rows read, 5 created, 0 updated, 0 unchanged." in shown
    assert "<progress" not in shown  # finished: the report, not the bar
    status = staff.get(f"/admin/import/{run_id}/status").get_json()
    assert status == {
        "status": "done",
        "finished": True,
        "rows_done": 5,
        "rows_total": 5,
        "summary": "suppliers: 5 rows read, 5 created, 0 updated, 0 unchanged.",
    }
    assert "suppliers.csv" in staff.get(UPLOAD).get_data(as_text=True)


def test_a_file_with_bad_rows_is_rejected_and_its_rows_listed(staff, in_app):
    data = (
        f"{ORGANISATION_HEADER}\n"
        "S-1,Kidlington Kitchens,OX5 1AB,catering,micro,no,yes,,\n"
        "S-2,<script>x</script>,OX99 9ZZ,catering,micro,no,no,,\n"
    ).encode()
    run_id = uploaded_run_id(upload_file(staff, data))
    html = staff.get(f"/admin/import/{run_id}").get_data(as_text=True)
    assert "Nothing imported: 1 of 2 rows are bad." in html
    assert "<td>3</td><td>S-2</td><td>name: Names cannot contain &lt; or &gt;.</td>" in html
    assert "<script>x</script>" not in html
    assert in_app(lambda: db.session.get(ImportRun, run_id).status) == "rejected"
    assert in_app(lambda: count(Organisation)) == 0


def test_skip_invalid_from_the_page_imports_the_good_rows(staff, in_app):
    data = (
        f"{ORGANISATION_HEADER}\n"
        "S-1,Kidlington Kitchens,OX5 1AB,catering,micro,no,yes,,\n"
        "S-2,Banbury Bakes,OX99 9ZZ,catering,micro,no,no,,\n"
    ).encode()
    run_id = uploaded_run_id(upload_file(staff, data, skip_invalid="y"))
    html = staff.get(f"/admin/import/{run_id}").get_data(as_text=True)
    assert "1 bad rows skipped" in html and "Bad rows (skipped)" in html
    assert in_app(lambda: count(Organisation)) == 1


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"kind": ""}, "Choose what the file lists."),
        ({"kind": "volunteers"}, "Not a valid choice."),
        ({"filename": "list.xlsx"}, "Upload a .csv file"),
        ({"data": b"x" * (20 * 1024 * 1024 + 1)}, "The file is larger than 20 MB"),
    ],
)
def test_bad_uploads_get_field_errors_and_start_nothing(staff, in_app, fields, error):
    arguments = {"data": example("suppliers"), "kind": "suppliers", "filename": "s.csv", **fields}
    response = upload_file(staff, arguments.pop("data"), **arguments)
    assert response.status_code == 400
    assert error in response.get_data(as_text=True)
    assert in_app(lambda: count(ImportRun)) == 0


def test_an_upload_with_no_file_gets_a_field_error(staff, in_app):
    response = staff.post(
        UPLOAD, data={"csrf_token": csrf_token(staff, UPLOAD), "kind": "suppliers"}
    )
    assert response.status_code == 400
    assert "Choose a file to import." in response.get_data(as_text=True)


def test_progress_page_shows_a_bar_that_works_without_javascript(staff, app, in_app):
    def queued_run() -> int:
        run = ImportRun(kind="offers", filename="offers.csv", rows_done=400, rows_total=1000)
        db.session.add(run)
        db.session.commit()
        return run.id

    run_id = in_app(queued_run)
    html = staff.get(f"/admin/import/{run_id}").get_data(as_text=True)
    assert '<progress id="import-progress-bar" class="w-100" max="1000" value="400">' in html
    assert "400 of 1000 rows saved." in html
    assert f'href="/admin/import/{run_id}" id="import-refresh"' in html
    assert 'src="/static/js/bulk-import.js"' in html
    assert staff.get(f"/admin/import/{run_id}/status").get_json()["finished"] is False
    assert staff.get("/admin/import/99999").status_code == 404
    assert staff.get("/admin/import/99999/status").status_code == 404


def test_status_endpoint_is_for_staff_only(staff, supplier, anon, in_app):
    run_id = uploaded_run_id(upload_file(staff, example("suppliers")))
    assert supplier.get(f"/admin/import/{run_id}/status").status_code == 403
    assert supplier.get(f"/admin/import/{run_id}").status_code == 403
    assert anon.get(f"/admin/import/{run_id}/status").status_code in (302, 401)


def test_staff_download_exports_that_import_again(staff, app, import_bytes):
    import_bytes("suppliers", example("suppliers"))
    response = staff.get("/admin/export/suppliers.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=suppliers.csv"
    body = response.get_data()
    header = body.decode("utf-8-sig").splitlines()[0]
    assert next(csv.reader([header])) == list(KINDS["suppliers"].all_columns)
    assert import_bytes("suppliers", body).unchanged == 5
    assert staff.get("/admin/export/volunteers.csv").status_code == 404


def test_progress_is_reported_batch_by_batch(app):
    rows = "".join(f"S-{n},Supplier {n},OX4 1RF,catering,micro,no,no,,\n" for n in range(2500))
    seen = []
    with app.app_context():
        report = import_stream(
            "suppliers",
            io.BytesIO(f"{ORGANISATION_HEADER}\n{rows}".encode()),
            progress=lambda done, total: seen.append((done, total)),
        )
        db.session.rollback()
    assert report.created == 2500
    assert seen == [(1000, 2500), (2000, 2500), (2500, 2500)]


def test_examples_folder_has_a_file_for_every_kind():
    assert sorted(path.stem for path in EXAMPLES.glob("*.csv")) == sorted(
        ["suppliers", "buyers", "beneficiaries", "offers", "opportunities", "needs"]
    )


def test_with_a_worker_the_page_shows_progress_until_the_job_has_run(
    staff, in_app, with_redis, upload_folder
):
    run_id = uploaded_run_id(upload_file(staff, example("suppliers")))
    assert in_app(lambda: db.session.get(ImportRun, run_id).status) == "queued"
    assert [path.name for path in upload_folder.iterdir()] == [f"{run_id}.csv"]
    html = staff.get(f"/admin/import/{run_id}").get_data(as_text=True)
    assert "<progress" in html and "Checking the rows…" in html

    in_app(lambda: work(burst=True))
    status = staff.get(f"/admin/import/{run_id}/status").get_json()
    assert (status["status"], status["rows_done"], status["finished"]) == ("done", 5, True)
    assert in_app(lambda: count(Organisation)) == 5
    assert list(upload_folder.iterdir()) == []  # the stored upload is removed


def test_people_who_are_not_staff_keep_the_usual_upload_limit(supplier):
    form = {
        "csrf_token": csrf_token(supplier, "/account"),
        "kind": "suppliers",
        "file": (io.BytesIO(b"x" * (6 * 1024 * 1024)), "s.csv"),
    }
    assert supplier.post(UPLOAD, data=form).status_code == 413
