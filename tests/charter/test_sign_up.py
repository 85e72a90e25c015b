"""The public sign-up form: it works without an account, keeps the organisation's details
for staff to approve (duplicates: test_sign_up_duplicates.py), emails a confirmation and
lands in the staff queue; bad input saves nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from brokerage.accounts.models import Membership, Organisation
from brokerage.charter.models import SignedPledge, Signee
from brokerage.extensions import db, limiter, talisman
from tests.helpers.app import build_test_app
from tests.helpers.charter import CONTACT, post, sign_up_form
from tests.helpers.pages import count, emails_to, field_error, flashed, page_text
from tests.helpers.web import post_form


def _nothing_saved() -> bool:
    return count(Signee) == 0 and count(SignedPledge) == 0 and count(Organisation) == 0


def test_the_sign_up_form_lists_every_pledge_and_says_what_its_code_is(anon, pledge_ids):
    text = page_text(anon.get("/charter/sign-up"))

    assert "OCC-1 Buy from purposeful local organisations" in text
    assert "OCC-7 Inclusive recruitment" in text
    assert "Oxford City Council's list number, not an official Charter code" in text


def test_an_organisation_signs_up_without_an_account(anon, pledge_ids, in_app):
    response = post(
        anon,
        "/charter/sign-up",
        sign_up_form(
            pledge_ids, {"OCC-5": "Two volunteering days each.", "OCC-7": "Blind shortlisting."}
        ),
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/charter/"
    assert "Thank you for signing the charter." in flashed(anon.get("/charter/"))[0]

    def saved():
        signee = db.session.scalar(select(Signee))
        return (
            (signee.name, signee.organisation_kind, signee.postcode, signee.organisation),
            (signee.sector, signee.size, signee.employees, signee.status, signee.listed_publicly),
            (signee.contact_name, signee.contact_email),
            sorted(
                (p.version.pledge.code, p.version.number, p.plan) for p in signee.signed_pledges
            ),
        )

    assert in_app(saved) == (
        ("Cowley Bakery", "supplier", "OX4 1AA", None),
        ("private", "small", 12, "pending", True),
        ("Ada Baker", CONTACT),
        [("OCC-5", 1, "Two volunteering days each."), ("OCC-7", 1, "Blind shortlisting.")],
    )
    assert in_app(lambda: count(Organisation)) == 0
    [mail] = in_app(lambda: emails_to(CONTACT))
    assert mail.subject == "Thank you for signing the Oxfordshire Inclusive Economy Charter"
    assert "- OCC-5 Support employee volunteering" in mail.body
    assert "What you plan to do: Blind shortlisting." in mail.body


def test_a_new_sign_up_waits_in_the_staff_queue(anon, staff, pledge_ids):
    post(anon, "/charter/sign-up", sign_up_form(pledge_ids))

    text = page_text(staff.get("/charter/queue"))

    assert "Cowley Bakery Pending" in text
    assert "OCC-5 Support employee volunteering Two volunteering days each." in text
    assert "Ada Baker <ada@bakery.example.org>" in text


def test_approving_a_sign_up_makes_its_organisation_without_members(
    anon, staff, pledge_ids, in_app
):
    post(anon, "/charter/sign-up", sign_up_form(pledge_ids))
    signee_id = in_app(lambda: db.session.scalar(select(Signee.id)))

    post(staff, f"/charter/signees/{signee_id}/approve")

    bakery = in_app(lambda: db.session.get(Signee, signee_id).organisation)
    assert (bakery.name, bakery.kind, bakery.postcode) == ("Cowley Bakery", "supplier", "OX4 1AA")
    assert in_app(lambda: count(Membership, Membership.organisation_id == bakery.id)) == 0


def test_text_with_markup_in_a_plan_is_shown_as_text(anon, staff, pledge_ids):
    post(anon, "/charter/sign-up", sign_up_form(pledge_ids, {"OCC-5": "<script>alert(1)</script>"}))

    html = staff.get("/charter/queue").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("values", "field", "error"),
    [
        ({"organisation_name": ""}, "organisation_name", "This field is required."),
        (
            {"organisation_name": "B" * 161},
            "organisation_name",
            "cannot be longer than 160 characters",
        ),
        (
            {"organisation_name": "<script>alert(1)</script>"},
            "organisation_name",
            "Names cannot contain < or >.",
        ),
        ({"contact_name": "<b>Ada</b>"}, "contact_name", "Names cannot contain < or >."),
        ({"contact_email": "ada@"}, "contact_email", "Enter an email address like"),
        ({"postcode": "not a postcode"}, "postcode", "is not a UK postcode"),
        ({"postcode": "ZZ9 9ZZ"}, "postcode", "We cannot find ZZ9 9ZZ"),
        ({"sector": ""}, "sector", "Choose your organisation's sector."),
        ({"sector": "military"}, "sector", "Not a valid choice"),
        ({"size": ""}, "size", "Choose your organisation's size."),
        ({"employees": ""}, "employees", "Enter the number of employees"),
        ({"employees": "-3"}, "employees", "Number must be between 0 and 1000000."),
        ({"employees": "300"}, "employees", "A small organisation has 10 to 49 employees"),
        ({"kind": ""}, "kind", "Choose what kind of organisation this is."),
    ],
)
def test_bad_organisation_details_show_a_field_error_and_save_nothing(
    anon, pledge_ids, in_app, values, field, error
):
    response = post(anon, "/charter/sign-up", sign_up_form(pledge_ids, **values))

    assert response.status_code == 400
    assert error in field_error(response, field)
    assert in_app(_nothing_saved)
    assert in_app(lambda: emails_to(CONTACT)) == []


def test_an_empty_form_shows_every_required_field_and_saves_nothing(anon, pledge_ids, in_app):
    response = post(anon, "/charter/sign-up", {})

    assert response.status_code == 400
    for field in ("organisation_name", "postcode", "contact_name", "contact_email", "employees"):
        assert field_error(response, field), field
    assert "Choose at least one pledge." in field_error(
        response, f"pledge-{pledge_ids['OCC-1']}-chosen"
    )
    assert in_app(_nothing_saved)


def test_a_sign_up_without_a_pledge_is_refused_and_the_values_are_kept(anon, pledge_ids, in_app):
    response = post(anon, "/charter/sign-up", sign_up_form(pledge_ids, chosen={}))

    assert response.status_code == 400
    assert "There is a problem" in page_text(response)
    assert "Choose at least one pledge." in field_error(
        response, f"pledge-{pledge_ids['OCC-1']}-chosen"
    )
    assert 'value="Cowley Bakery"' in response.get_data(as_text=True)
    assert in_app(_nothing_saved)


@pytest.mark.parametrize(
    ("plan", "error"),
    [
        ("", "Say what you plan to do for this pledge."),
        ("x" * 2001, "cannot be longer than 2000 characters"),
    ],
)
def test_a_chosen_pledge_needs_a_plan_of_sensible_length(anon, pledge_ids, in_app, plan, error):
    response = post(anon, "/charter/sign-up", sign_up_form(pledge_ids, {"OCC-5": plan}))

    assert response.status_code == 400
    assert error in field_error(response, f"pledge-{pledge_ids['OCC-5']}-plan")
    assert in_app(_nothing_saved)


def test_a_form_robot_filling_the_hidden_field_is_thanked_but_nothing_is_saved(
    anon, pledge_ids, in_app
):
    response = post(
        anon, "/charter/sign-up", sign_up_form(pledge_ids, website="https://spam.example")
    )

    assert response.status_code == 302
    assert in_app(_nothing_saved)
    assert in_app(lambda: emails_to(CONTACT)) == []


def test_a_sign_up_without_its_csrf_token_is_refused(anon, pledge_ids, in_app):
    response = anon.post("/charter/sign-up", data=sign_up_form(pledge_ids))

    assert response.status_code == 400
    assert in_app(_nothing_saved)


def test_a_signed_in_person_signing_up_a_new_organisation_does_not_become_its_member(
    supplier, staff, pledge_ids, in_app
):
    post(
        supplier, "/charter/sign-up", sign_up_form(pledge_ids, organisation_name="Headington Deli")
    )
    signee_id = in_app(lambda: db.session.scalar(select(Signee.id)))
    post(staff, f"/charter/signees/{signee_id}/approve")

    deli = in_app(
        lambda: db.session.scalar(
            select(Organisation).where(Organisation.name == "Headington Deli")
        )
    )
    assert deli is not None
    assert in_app(lambda: count(Membership, Membership.organisation_id == deli.id)) == 0


@pytest.fixture
def _shared_extensions_restored(monkeypatch):
    """Limiter and Talisman keep settings on the shared extension objects; put them back."""
    for name in ("enabled", "initialized"):
        monkeypatch.setattr(limiter, name, getattr(limiter, name))
    monkeypatch.setattr(talisman, "app", getattr(talisman, "app", None))


@pytest.mark.usefixtures("_shared_extensions_restored")
def test_the_sign_up_form_is_rate_limited(database_url, tmp_path):
    limited = build_test_app(database_url, str(tmp_path / "outbox"), RATELIMIT_ENABLED=True)
    client = limited.test_client()

    statuses = [post_form(client, "/charter/sign-up", {}).status_code for _ in range(5)]
    sixth = post_form(client, "/charter/sign-up", {})

    assert statuses == [400] * 5
    assert sixth.status_code == 429
