"""Progress and RAG ratings, worked out without a database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from brokerage.plan.progress import Rag, as_of, is_overdue, summarise
from brokerage.plan.states import ActionStatus

TODAY = date(2024, 1, 15)
PAST, FUTURE = date(2023, 12, 31), date(2024, 3, 31)


@dataclass
class FakeAction:
    status: str = "not_started"
    ends_on: date | None = None


@dataclass
class FakeUpdate:
    status: str
    created_at: datetime


def test_an_action_stands_where_its_last_update_by_the_day_put_it():
    updates = [
        FakeUpdate("done", datetime(2024, 2, 10, 9, tzinfo=UTC)),
        FakeUpdate("at_risk", datetime(2023, 12, 20, 9, tzinfo=UTC)),
    ]
    assert as_of(PAST, updates, date(2023, 12, 19)).status == "not_started"
    assert as_of(PAST, updates, date(2023, 12, 20)).status == "at_risk"
    assert as_of(PAST, updates, date(2024, 3, 31)).status == "done"
    # Judged on the last day of 2023 the action is overdue; in March it is done.
    assert summarise([as_of(PAST, updates, date(2024, 1, 1))], date(2024, 1, 1)).overdue == 1
    assert summarise([as_of(PAST, updates, FUTURE)], FUTURE).done == 1


def test_overdue_means_ended_before_today_and_not_done():
    assert is_overdue(PAST, "on_track", TODAY)
    assert not is_overdue(PAST, "done", TODAY)
    assert not is_overdue(TODAY, "on_track", TODAY)
    assert not is_overdue(FUTURE, "not_started", TODAY)
    assert not is_overdue(None, "off_track", TODAY)


def test_no_actions_have_no_rating():
    progress = summarise([], TODAY)
    assert (progress.total, progress.rag, progress.share(0)) == (0, Rag.NONE, 0.0)


def test_actions_on_track_or_done_are_green():
    actions = [FakeAction("done", PAST), FakeAction("on_track", FUTURE), FakeAction()]
    assert summarise(actions, TODAY).rag == Rag.GREEN


def test_one_at_risk_action_makes_amber():
    actions = [FakeAction("at_risk", FUTURE)] + [FakeAction("on_track", FUTURE)] * 9
    assert summarise(actions, TODAY).rag == Rag.AMBER


def test_a_few_troubled_actions_make_amber_and_a_quarter_makes_red():
    three_of_twelve = [FakeAction("on_track", PAST)] + [FakeAction("off_track")] * 2
    healthy = [FakeAction("on_track", FUTURE)]
    assert summarise(three_of_twelve[:2] + healthy * 10, TODAY).rag == Rag.AMBER
    assert summarise(three_of_twelve + healthy * 9, TODAY).rag == Rag.RED


def test_an_overdue_action_that_is_also_off_track_counts_once():
    progress = summarise([FakeAction("off_track", PAST), FakeAction("done", PAST)], TODAY)
    assert (progress.overdue, progress.troubled, progress.done) == (1, 1, 1)


@given(
    st.lists(
        st.builds(
            FakeAction,
            st.sampled_from([s.value for s in ActionStatus]),
            st.one_of(st.none(), st.dates(date(2023, 1, 1), date(2025, 1, 1))),
        )
    )
)
def test_counts_add_up_and_shares_stay_between_zero_and_one(actions):
    progress = summarise(actions, TODAY)
    assert sum(progress.by_status.values()) == progress.total == len(actions)
    assert 0 <= progress.overdue <= progress.troubled <= progress.total
    for count in (progress.done, progress.at_risk, progress.overdue):
        assert 0.0 <= progress.share(count) <= 1.0
