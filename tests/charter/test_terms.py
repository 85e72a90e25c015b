"""Approving a sign-up starts its term with its meetings scheduled; declining; renewal
keeps the history; buddy introductions."""

from __future__ import annotations

from datetime import date, timedelta

from brokerage.accounts.models import User
from brokerage.charter import service
from brokerage.charter.models import BuddyIntroduction, CheckIn, Signee, Term
from brokerage.extensions import db
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers.charter import post
from tests.helpers.pages import count, emails_to, field_error, flashed, page_text


def _signee(signee_id: int) -> Signee:
    return db.session.get(Signee, signee_id)


def _schedule(signee_id: int) -> list[tuple[int, str, date]]:
    return [
        (term.number, check_in.kind, check_in.due_on)
        for term in _signee(signee_id).terms
        for check_in in term.check_ins
    ]


def test_approving_a_sign_up_starts_a_12_month_term_from_the_sign_up_date(
    make_signee, staff, in_app
):
    signee_id = make_signee(("OCC-5",), signed_on=date(2024, 1, 15), approve=False)
    assert in_app(lambda: _signee(signee_id).terms) == []

    response = post(staff, f"/charter/signees/{signee_id}/approve")

    assert response.status_code == 302
    assert "Cowley Bakery: approved, and its check-ins scheduled." in flashed(staff.get("/"))
    term = in_app(lambda: _signee(signee_id).terms[0])
    assert (term.number, term.starts_on, term.ends_on) == (1, date(2024, 1, 15), date(2025, 1, 15))
    assert in_app(lambda: _schedule(signee_id)) == [
        (1, "baseline", date(2024, 2, 15)),
        (1, "month_3", date(2024, 4, 15)),
        (1, "month_6", date(2024, 7, 15)),
        (1, "month_12", date(2025, 1, 15)),
    ]
    assert in_app(lambda: _signee(signee_id).status) == "approved"
    assert in_app(lambda: all(p.approved_at for p in _signee(signee_id).signed_pledges))
    [welcome] = in_app(lambda: emails_to("ada@bakery.example.org"))[-1:]
    assert welcome.subject == "Welcome to the Oxfordshire Inclusive Economy Charter"
    assert "- Baseline meeting, by 15 February 2024" in welcome.body
    assert "- 12-month check-in, by 15 January 2025" in welcome.body


def test_approving_twice_schedules_nothing_twice(make_signee, staff, in_app):
    signee_id = make_signee(("OCC-5",))

    post(staff, f"/charter/signees/{signee_id}/approve")

    assert "Cowley Bakery has nothing waiting for approval." in flashed(staff.get("/"))
    assert in_app(lambda: count(Term)) == 1
    assert in_app(lambda: count(CheckIn)) == 4


def test_declining_a_sign_up_takes_it_off_the_queue_and_schedules_nothing(
    make_signee, staff, in_app
):
    signee_id = make_signee(("OCC-5",), approve=False)

    post(staff, f"/charter/signees/{signee_id}/decline")

    assert in_app(lambda: _signee(signee_id).status) == "declined"
    assert in_app(lambda: count(Term)) == 0
    assert "Nothing is waiting for approval." in page_text(staff.get("/charter/queue"))


def test_declining_pledges_a_later_sign_up_added_keeps_the_approved_ones(
    make_signee, staff, in_app
):
    signee_id = make_signee(("OCC-5",))
    duplicate_id = make_signee(("OCC-1",), approve=False)  # the same bakery signs up again
    post(staff, f"/charter/signees/{duplicate_id}/merge")
    assert in_app(lambda: len(_signee(signee_id).signed_pledges)) == 2

    post(staff, f"/charter/signees/{signee_id}/decline")

    codes = in_app(lambda: [p.version.pledge.code for p in _signee(signee_id).signed_pledges])
    assert codes == ["OCC-5"]
    assert in_app(lambda: _signee(signee_id).status) == "approved"


def test_approving_pledges_a_later_sign_up_added_starts_no_new_term(make_signee, staff, in_app):
    signee_id = make_signee(("OCC-5",))
    duplicate_id = make_signee(("OCC-1",), approve=False)
    post(staff, f"/charter/signees/{duplicate_id}/merge")

    post(staff, f"/charter/signees/{signee_id}/approve")

    assert in_app(lambda: len(_signee(signee_id).approved_pledges)) == 2
    assert in_app(lambda: count(Term)) == 1


def test_a_renewal_starts_the_next_term_on_the_anniversary_and_keeps_the_first(
    make_signee, staff, in_app, monkeypatch
):
    signee_id = make_signee(("OCC-5",), signed_on=date(2024, 1, 15))
    monkeypatch.setattr(service, "today", lambda: date(2024, 12, 20))

    response = post(staff, f"/charter/signees/{signee_id}/renew")

    assert response.status_code == 302
    assert "Renewed: term 2 runs from 15 January 2025." in flashed(staff.get("/"))
    terms = in_app(lambda: [(t.number, t.starts_on, t.ends_on) for t in _signee(signee_id).terms])
    assert terms == [
        (1, date(2024, 1, 15), date(2025, 1, 15)),
        (2, date(2025, 1, 15), date(2026, 1, 15)),
    ]
    assert in_app(lambda: count(CheckIn)) == 8
    text = page_text(staff.get(f"/charter/signees/{signee_id}"))
    assert "Term 2: 15 January 2025 to 15 January 2026" in text
    assert "Term 1: 15 January 2024 to 15 January 2025" in text


def test_a_renewal_keeps_what_was_recorded_in_the_earlier_term(
    make_signee, staff, in_app, monkeypatch
):
    signee_id = make_signee(("OCC-5",), signed_on=date(2024, 1, 15))
    baseline = in_app(lambda: _signee(signee_id).terms[0].check_ins[0].id)
    pledge = in_app(lambda: _signee(signee_id).signed_pledges[0].id)
    post(
        staff,
        f"/charter/check-ins/{baseline}",
        {
            "held_on": "2024-02-01",
            f"pledge-{pledge}-status": "planned",
            f"pledge-{pledge}-figure": "0",
            f"pledge-{pledge}-unit": "hours",
            f"pledge-{pledge}-narrative": "Starting out.",
        },
    )
    monkeypatch.setattr(service, "today", lambda: date(2025, 3, 1))

    post(staff, f"/charter/signees/{signee_id}/renew")

    def first_term() -> tuple:
        check_in = db.session.get(CheckIn, baseline)
        return check_in.term.number, check_in.held_on, [r.narrative for r in check_in.records]

    assert in_app(first_term) == (1, date(2024, 2, 1), ["Starting out."])
    # Renewed after the anniversary: the new term starts on the day of renewal.
    assert in_app(lambda: _signee(signee_id).terms[1].starts_on) == date(2025, 3, 1)


def test_a_term_cannot_be_renewed_months_before_it_ends(make_signee, staff, in_app, monkeypatch):
    signee_id = make_signee(("OCC-5",), signed_on=date(2024, 1, 15))
    monkeypatch.setattr(service, "today", lambda: date(2024, 6, 1))

    post(staff, f"/charter/signees/{signee_id}/renew")

    assert flashed(staff.get("/")) == [
        "Term 1 ends on 15 January 2025; it can be renewed from 16 November 2024."
    ]
    assert in_app(lambda: count(Term)) == 1


def test_staff_record_a_buddy_introduction(make_signee, staff, create, in_app, pledge_ids):
    signee_id = make_signee(("OCC-5",))
    buddy = create(OrganisationFactory, name="Thames Valley Print Works")

    response = post(
        staff,
        f"/charter/signees/{signee_id}/introductions",
        {"pledge": pledge_ids["OCC-5"], "buddy": buddy.id, "introduced_on": "2024-03-01"},
    )

    assert response.status_code == 302
    text = page_text(staff.get(f"/charter/signees/{signee_id}"))
    assert (
        "1 March 2024: introduced to Thames Valley Print Works for OCC-5 Support employee "
        "volunteering (by Person" in text
    )


def test_a_buddy_must_be_another_organisation_and_the_pledge_one_they_made(
    make_signee, staff, in_app, pledge_ids
):
    signee_id = make_signee(("OCC-5",))
    own = in_app(lambda: _signee(signee_id).organisation_id)

    itself = post(
        staff,
        f"/charter/signees/{signee_id}/introductions",
        {"pledge": pledge_ids["OCC-5"], "buddy": own, "introduced_on": "2024-03-01"},
    )
    other_pledge = post(
        staff,
        f"/charter/signees/{signee_id}/introductions",
        {"pledge": pledge_ids["OCC-1"], "buddy": own, "introduced_on": "2024-03-01"},
    )

    assert itself.status_code == 400
    assert "Not a valid choice" in field_error(itself, "buddy")
    assert other_pledge.status_code == 400
    assert "Not a valid choice" in field_error(other_pledge, "pledge")
    assert in_app(lambda: count(BuddyIntroduction)) == 0


def test_the_signees_list_shows_each_approved_signee_and_its_next_check_in(
    make_signee, staff, monkeypatch
):
    make_signee(("OCC-5", "OCC-7"), signed_on=date.today() - timedelta(days=40))
    make_signee(("OCC-1",), organisation_name="Pending Ltd", approve=False)

    text = page_text(staff.get("/charter/signees"))

    assert "1 approved signee." in text
    assert "Cowley Bakery Private sector Small 2" in text
    assert "Baseline meeting" in text and "Overdue" in text
    assert "Pending Ltd" not in text


def test_the_public_page_lists_only_approved_signees_who_agreed_to_be_listed(make_signee, anon):
    make_signee(("OCC-5",), organisation_name="Listed Bakery")
    make_signee(("OCC-5",), organisation_name="Quiet Bakery", listed_publicly=False)
    make_signee(("OCC-5",), organisation_name="Waiting Bakery", approve=False)

    text = page_text(anon.get("/charter/"))

    assert "Listed Bakery Support employee volunteering" in text
    assert "Quiet Bakery" not in text
    assert "Waiting Bakery" not in text


def test_a_member_finds_their_organisations_charter_page_from_the_charter_page(
    charter_world, charter_client
):
    member = charter_client("member")

    html = member.get("/charter/").get_data(as_text=True)

    assert f'href="/charter/signees/{charter_world.signee_id}"' in html


def test_the_service_refuses_an_organisation_as_its_own_buddy(make_signee, in_app, create):
    signee_id = make_signee(("OCC-5",))
    staff_user = create(UserFactory, is_staff=True)

    def introduce_to_itself() -> str:
        signee = _signee(signee_id)
        try:
            service.introduce_buddy(
                signee,
                signee.organisation,
                signee.signed_pledges[0].version.pledge,
                db.session.get(User, staff_user.id),
                date(2024, 3, 1),
            )
        except service.CharterError as error:
            return str(error)
        return "accepted"

    assert in_app(introduce_to_itself) == "An organisation cannot be its own buddy."
