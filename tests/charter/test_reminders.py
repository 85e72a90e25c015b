"""`flask charter remind`: an email for each check-in due soon, never twice."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from brokerage.charter.check_ins import send_reminders
from brokerage.charter.models import CheckIn, ReminderSent
from brokerage.extensions import db
from brokerage.mail import read_outbox
from tests.helpers.charter import check_in_id
from tests.helpers.pages import count

CONTACT = "ada@bakery.example.org"
# A term from 15 January 2024: baseline due 15 February, 3-month check-in 15 April.
SIGNED_ON = date(2024, 1, 15)


def _remind(today: date, within_days: int = 14) -> list[str]:
    report = send_reminders(today, within_days)
    db.session.commit()
    return [c.kind for c in report.reminded]


def test_a_check_in_due_within_14_days_is_reminded_once(make_signee, in_app):
    make_signee(("OCC-5",), signed_on=SIGNED_ON)

    first = in_app(lambda: _remind(date(2024, 2, 1)))
    second = in_app(lambda: _remind(date(2024, 2, 1)))
    next_day = in_app(lambda: _remind(date(2024, 2, 2)))

    assert (first, second, next_day) == (["baseline"], [], [])
    [mail] = [m for m in in_app(lambda: read_outbox(CONTACT)) if "is due on" in m.subject]
    assert mail.subject == (
        "Oxfordshire Inclusive Economy Charter: your baseline meeting is due on 15 February 2024"
    )
    assert "Cowley Bakery’s baseline meeting" in mail.body
    assert "- OCC-5 Support employee volunteering" in mail.body
    assert in_app(lambda: count(ReminderSent)) == 1


def test_only_check_ins_due_between_today_and_the_horizon_are_reminded(make_signee, in_app):
    make_signee(("OCC-5",), signed_on=SIGNED_ON)

    too_early = in_app(lambda: _remind(date(2024, 1, 31)))  # baseline is 15 days away
    overdue_skipped = in_app(lambda: _remind(date(2024, 4, 1)))  # baseline overdue; 3-month in 14

    assert too_early == []
    assert overdue_skipped == ["month_3"]


def test_the_horizon_is_configurable(make_signee, in_app):
    make_signee(("OCC-5",), signed_on=SIGNED_ON)

    assert in_app(lambda: _remind(date(2024, 1, 16), within_days=30)) == ["baseline"]


def test_held_check_ins_and_unapproved_signees_get_no_reminder(make_signee, in_app):
    held = make_signee(("OCC-5",), signed_on=SIGNED_ON)
    make_signee(("OCC-5",), signed_on=SIGNED_ON, organisation_name="Waiting", approve=False)

    def hold_baseline() -> None:
        db.session.get(CheckIn, check_in_id(held, "baseline")).held_on = date(2024, 1, 30)
        db.session.commit()

    in_app(hold_baseline)

    assert in_app(lambda: _remind(date(2024, 2, 1))) == []
    assert [m for m in in_app(lambda: read_outbox()) if "is due on" in m.subject] == []


def test_the_database_refuses_a_second_reminder_of_the_same_kind(make_signee, in_app):
    signee_id = make_signee(("OCC-5",), signed_on=SIGNED_ON)

    def remind_twice() -> None:
        baseline = check_in_id(signee_id, "baseline")
        db.session.add(ReminderSent(check_in_id=baseline, kind="before_due"))
        db.session.add(ReminderSent(check_in_id=baseline, kind="before_due"))
        db.session.flush()

    with pytest.raises(IntegrityError):
        in_app(remind_twice)


def test_charter_remind_prints_what_it_sent_and_sends_nothing_the_second_time(
    make_signee, flask_cli, in_app
):
    make_signee(("OCC-5",), signed_on=SIGNED_ON)

    first = flask_cli("charter", "remind", "--today", "2024-02-01")
    second = flask_cli("charter", "remind", "--today", "2024-02-01")

    assert first.exit_code == 0, first.output
    assert first.output == (
        "Sent 1 reminder for check-ins due by 15 February 2024:\n"
        "  2024-02-15  Baseline meeting  Cowley Bakery <ada@bakery.example.org>\n"
    )
    assert second.output == "No check-ins due by 15 February 2024 need a reminder.\n"
    subjects = [m.subject for m in in_app(lambda: read_outbox(CONTACT))]
    assert sum("is due on" in subject for subject in subjects) == 1


def test_charter_remind_takes_its_horizon_from_the_option(make_signee, flask_cli):
    make_signee(("OCC-5",), signed_on=SIGNED_ON)

    result = flask_cli("charter", "remind", "--today", "2024-01-16", "--days", "30")

    assert "Sent 1 reminder for check-ins due by 15 February 2024" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--today", "31/01/2024"], "is not a date like 2024-03-31"),
        (["--days", "-1"], "-1 is not in the range 0<=x<=366"),
    ],
)
def test_charter_remind_refuses_bad_options(flask_cli, args, message):
    result = flask_cli("charter", "remind", *args)

    assert result.exit_code == 2
    assert message in result.output
