"""Every request is logged with an id that is sent back and travels with its jobs; every
commit is logged with what it changed."""

from __future__ import annotations

import io
import json
import logging

from sqlalchemy import select

from brokerage.accounts.models import User
from brokerage.extensions import db
from brokerage.jobs import enqueue, work
from brokerage.logs import MAX_CHANGES_NAMED, REQUEST_ID, _BrokerageHandler, configure_logging
from tests import factories
from tests.helpers.app import counted_statements
from tests.jobs.sample_jobs import create_organisation


def test_each_response_carries_a_new_request_id(anon):
    first = anon.get("/healthz").headers["X-Request-ID"]
    second = anon.get("/healthz").headers["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_sane_request_id_from_the_load_balancer_is_kept(anon):
    response = anon.get("/healthz", headers={"X-Request-ID": "lb-1234567890"})
    assert response.headers["X-Request-ID"] == "lb-1234567890"


def test_a_hostile_request_id_is_replaced(anon):
    for hostile in ["short", "x" * 65, "abc def ghi jkl", "<script>alert(1)</script>"]:
        response = anon.get("/healthz", headers={"X-Request-ID": hostile})
        assert response.headers["X-Request-ID"] != hostile


def test_each_request_is_logged_with_its_method_path_status_and_id(anon, caplog):
    caplog.set_level(logging.INFO, logger="brokerage.requests")
    response = anon.get("/no-such-page")
    record = next(r for r in caplog.records if r.name == "brokerage.requests")
    assert (record.method, record.path, record.status) == ("GET", "/no-such-page", 404)
    assert record.request_id == response.headers["X-Request-ID"]
    assert record.duration_ms >= 0


def test_production_logs_are_json_lines():
    try:
        configure_logging(json_lines=True, level="INFO")
        handler = next(h for h in logging.getLogger().handlers if isinstance(h, _BrokerageHandler))
        stream = io.StringIO()
        handler.setStream(stream)
        token = REQUEST_ID.set("req-12345678")
        logging.getLogger("brokerage.test").warning("match %s advanced", 42)
        REQUEST_ID.reset(token)
    finally:
        configure_logging(json_lines=False, level="INFO")
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["message"] == "match 42 advanced"
    assert line["level"] == "WARNING"
    assert line["request_id"] == "req-12345678"


def test_a_job_logs_with_the_id_of_the_request_that_queued_it(in_app, caplog, with_redis):
    token = REQUEST_ID.set("queued-by-req-1")
    in_app(lambda: enqueue(create_organisation, "Traced Ltd"))
    REQUEST_ID.reset(token)
    caplog.set_level(logging.INFO)
    in_app(lambda: work(burst=True))
    job_lines = [r for r in caplog.records if r.getMessage().startswith("Job tests.jobs")]
    assert [r.getMessage().split()[-1] for r in job_lines] == ["started", "done"]
    assert {r.request_id for r in job_lines} == {"queued-by-req-1"}


def _saved_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "brokerage.changes"]


def test_a_commit_logs_what_it_created_changed_and_deleted_with_field_names_only(in_app, caplog):
    caplog.set_level(logging.INFO, logger="brokerage.changes")

    def work() -> tuple[int, int]:
        kept = factories.OrganisationFactory(name="Oak and Ash")
        gone = factories.OrganisationFactory(name="Short Lived")
        db.session.commit()
        kept.description = "A secret description"
        db.session.delete(gone)
        db.session.commit()
        return kept.id, gone.id

    kept_id, gone_id = in_app(work)

    created, changed = _saved_lines(caplog)
    assert {"action": "created", "model": "Organisation", "id": kept_id} in created.changes
    assert created.change_count == len(created.changes) >= 2
    assert {
        "action": "changed",
        "model": "Organisation",
        "id": kept_id,
        "fields": ["description"],
    } in changed.changes
    assert {"action": "deleted", "model": "Organisation", "id": gone_id} in changed.changes
    assert "secret" not in caplog.text


def test_changes_rolled_back_are_not_logged(in_app, caplog):
    caplog.set_level(logging.INFO, logger="brokerage.changes")

    def work() -> None:
        factories.OrganisationFactory(name="Never Saved")
        db.session.flush()
        db.session.rollback()
        db.session.commit()

    in_app(work)

    assert _saved_lines(caplog) == []


def test_a_commit_of_many_rows_is_one_line_naming_the_first_fifty(in_app, caplog):
    caplog.set_level(logging.INFO, logger="brokerage.changes")

    def work() -> None:
        db.session.add_all(factories.OrganisationFactory.build_batch(120))
        db.session.commit()

    in_app(work)

    [line] = _saved_lines(caplog)
    assert line.change_count == 120
    assert len(line.changes) == MAX_CHANGES_NAMED
    assert line.getMessage().endswith("and 115 more")


def _request_line(caplog) -> logging.LogRecord:
    return next(r for r in caplog.records if r.name == "brokerage.requests")


def test_a_signed_in_persons_page_is_logged_with_their_id(app, staff, in_app, caplog):
    caplog.set_level(logging.INFO, logger="brokerage.requests")
    assert staff.get("/about-social-value").status_code == 200
    staff_id = in_app(
        lambda: db.session.scalar(select(User.id).where(User.email == staff.user_email))
    )
    assert _request_line(caplog).user_id == staff_id


def test_a_file_asked_for_while_signed_in_is_logged_without_asking_the_database(app, staff, caplog):
    caplog.set_level(logging.INFO, logger="brokerage.requests")
    with app.app_context(), counted_statements() as statements:
        response = staff.get("/static/css/app.css")
    response.close()
    assert response.status_code == 200
    assert statements == []
    assert _request_line(caplog).path == "/static/css/app.css"
