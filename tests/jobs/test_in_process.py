"""Without Redis, a request's jobs run after its commit on the process's job thread, and the
request waits for them only a moment: a save's response never waits for a slow recompute."""

from __future__ import annotations

import logging
import threading

import pytest
from flask import Flask
from sqlalchemy import select

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.jobs import enqueue, queue
from brokerage.jobs.in_process import JOBS, run_in_process
from tests.jobs import sample_jobs
from tests.jobs.sample_jobs import (
    always_fail,
    create_after_the_gate,
    create_organisation,
    note_thread,
)


def _organisation_names() -> list[str]:
    return sorted(db.session.scalars(select(Organisation.name)))


def _save_and_queue(app: Flask, job: object, name: str) -> list[str]:
    """What a save's request does: write, queue a job, commit; then what it can read."""
    with app.test_request_context("/listings/1/edit", method="POST"):
        create_organisation("Saved Ltd")
        enqueue(job, name)  # type: ignore[arg-type]
        db.session.commit()
        return _organisation_names()


@pytest.fixture
def waiting(app: Flask, monkeypatch: pytest.MonkeyPatch):
    """Set how long a request waits for its jobs; the gate closed, and open again after."""

    def _wait(seconds: float) -> None:
        monkeypatch.setitem(app.config, "JOB_WAIT_IN_REQUEST_SECONDS", seconds)

    sample_jobs.GATE.clear()
    yield _wait
    sample_jobs.GATE.set()
    assert JOBS.drain(10)


def test_a_request_answers_without_waiting_for_a_slow_job_which_ends_after(app, in_app, waiting):
    waiting(0.05)
    assert _save_and_queue(app, create_after_the_gate, "Recomputed Later Ltd") == ["Saved Ltd"]
    sample_jobs.GATE.set()
    assert JOBS.drain(10)
    assert in_app(_organisation_names) == ["Recomputed Later Ltd", "Saved Ltd"]


def test_a_quick_job_is_done_before_the_response(app, waiting):
    waiting(5)
    assert _save_and_queue(app, create_organisation, "Done At Once Ltd") == [
        "Done At Once Ltd",
        "Saved Ltd",
    ]


def test_a_job_failing_on_the_job_thread_leaves_the_save_standing(app, in_app, waiting, caplog):
    waiting(5)
    with caplog.at_level(logging.WARNING, logger="brokerage.jobs.in_process"):
        assert _save_and_queue(app, always_fail, "Never Made Ltd") == ["Saved Ltd"]
    assert in_app(_organisation_names) == ["Saved Ltd"]
    assert "run after a response, failed" in caplog.text


def test_outside_a_request_a_job_runs_on_the_callers_thread(app, in_app, waiting):
    waiting(0.05)
    sample_jobs.THREADS_RUN_ON.clear()

    def save_in_a_command() -> None:
        create_organisation("Command Ltd")
        enqueue(note_thread, "Command Job Ltd")
        db.session.commit()

    in_app(save_in_a_command)
    ran_on = sample_jobs.THREADS_RUN_ON
    assert ran_on == [threading.current_thread().name]
    assert in_app(_organisation_names) == ["Command Job Ltd", "Command Ltd"]


def test_in_a_request_a_job_runs_on_the_job_thread(app, waiting):
    waiting(5)
    sample_jobs.THREADS_RUN_ON.clear()
    _save_and_queue(app, note_thread, "Threaded Ltd")
    assert sample_jobs.THREADS_RUN_ON == ["brokerage-jobs"]


def test_a_requests_jobs_share_one_allowance_of_waiting(app, waiting, monkeypatch):
    """Two jobs from one save: the second waits only what is left of the first's allowance."""
    waiting(0.3)
    waits: list[float | None] = []
    clock = iter([100.0, 100.2])
    monkeypatch.setattr(queue.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(
        queue,
        "run_in_process",
        lambda app, run, name, wait: (waits.append(wait), run_in_process(app, run, name, 5)),
    )
    with app.test_request_context("/listings/1/edit", method="POST"):
        create_organisation("Saved Ltd")
        enqueue(create_organisation, "First Job Ltd")
        enqueue(create_organisation, "Second Job Ltd")
        db.session.commit()
    assert waits == [pytest.approx(0.3), pytest.approx(0.1)]
