"""Slow work goes to RQ when Redis is configured, runs in the request when it is not,
and is never lost when Redis is down or a job keeps failing."""

from __future__ import annotations

from rq import Queue
from sqlalchemy import select

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.jobs import enqueue, failed_jobs, redis_connection, work
from brokerage.jobs.queue import QUEUE_NAME
from tests.helpers.redis_server import UNREACHABLE_REDIS_URL, redis_configured
from tests.jobs.sample_jobs import always_fail, create_organisation


def _organisation_names() -> list[str]:
    return list(db.session.scalars(select(Organisation.name)))


def test_without_redis_a_job_runs_at_once_in_the_request(app, in_app):
    job_id = in_app(lambda: enqueue(create_organisation, "Inline Ltd"))
    assert job_id is None
    # The caller owns the commit; within its session the work is already there.
    assert in_app(
        lambda: (enqueue(create_organisation, "Inline Two"), _organisation_names())[1]
    ) == ["Inline Two"]


def test_with_redis_a_job_waits_for_a_worker_and_the_worker_commits_it(app, in_app, with_redis):
    job_id = in_app(lambda: enqueue(create_organisation, "Queued Ltd"))
    assert job_id
    assert in_app(_organisation_names) == []
    in_app(lambda: work(burst=True))
    assert in_app(_organisation_names) == ["Queued Ltd"]


def test_a_failing_job_is_retried_then_kept_for_staff_and_changes_nothing(app, in_app, with_redis):
    in_app(lambda: enqueue(always_fail, "Half Done Ltd"))
    in_app(lambda: work(burst=True))
    failed = in_app(failed_jobs)
    assert [job.description for job in failed] == ["always_fail"]
    assert "could not finish Half Done Ltd" in failed[0].error
    assert in_app(_organisation_names) == []


def test_when_redis_is_down_the_job_runs_in_the_request_instead(app, in_app, caplog):
    with redis_configured(app, UNREACHABLE_REDIS_URL):
        names = in_app(
            lambda: (enqueue(create_organisation, "Fallback Ltd"), _organisation_names())[1]
        )
    assert names == ["Fallback Ltd"]
    assert "Redis is unreachable" in caplog.text


def test_staff_see_jobs_that_failed_after_every_retry(app, in_app, with_redis, staff, supplier):
    in_app(lambda: enqueue(always_fail, "Visible Failure"))
    in_app(lambda: work(burst=True))
    page = staff.get("/admin/jobs")
    assert page.status_code == 200
    assert "could not finish Visible Failure" in page.get_data(as_text=True)
    assert supplier.get("/admin/jobs").status_code == 403


def _queued() -> int:
    return Queue(QUEUE_NAME, connection=redis_connection()).count


def test_a_job_queued_after_a_write_reaches_redis_only_once_the_write_is_committed(
    app, in_app, with_redis
):
    def write_queue_then_commit() -> tuple[str | None, int, int]:
        create_organisation("Writer Ltd")
        job_id = enqueue(create_organisation, "Queued After The Commit")
        before_commit = _queued()
        db.session.commit()
        return job_id, before_commit, _queued()

    assert in_app(write_queue_then_commit) == (None, 0, 1)
    in_app(lambda: work(burst=True))
    assert sorted(in_app(_organisation_names)) == ["Queued After The Commit", "Writer Ltd"]


def test_a_job_queued_by_work_that_is_undone_is_never_queued(app, in_app, with_redis):
    def write_queue_then_roll_back() -> int:
        create_organisation("Undone Ltd")
        enqueue(create_organisation, "Rolled Back With It")
        db.session.rollback()
        db.session.commit()
        return _queued()

    assert in_app(write_queue_then_roll_back) == 0
    # Nor a job whose request ended without committing (the session was closed).
    in_app(lambda: (create_organisation("Abandoned Ltd"), enqueue(always_fail, "Abandoned")))
    in_app(db.session.commit)
    assert in_app(_queued) == 0
    assert in_app(_organisation_names) == []


def test_a_job_held_for_the_commit_runs_after_it_when_redis_has_gone(app, in_app):
    def write_queue_then_commit() -> list[str]:
        create_organisation("Before The Outage Ltd")
        enqueue(create_organisation, "Run After The Commit")
        db.session.commit()
        return _organisation_names()

    with redis_configured(app, UNREACHABLE_REDIS_URL):
        names = in_app(write_queue_then_commit)
    assert sorted(names) == ["Before The Outage Ltd", "Run After The Commit"]


def test_without_redis_a_job_set_off_by_a_save_runs_after_it_and_cannot_undo_it(app, in_app):
    """It runs in a transaction of its own once the save is committed: never inside it."""

    def write_queue_then_commit() -> None:
        create_organisation("Saved Anyway Ltd")
        enqueue(always_fail, "Failing After The Save")
        db.session.commit()

    in_app(write_queue_then_commit)
    assert in_app(_organisation_names) == ["Saved Anyway Ltd"]
