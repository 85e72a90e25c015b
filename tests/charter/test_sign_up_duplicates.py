"""A sign-up never merges into another organisation's on a visitor's word: one whose name
looks like an existing signee's is kept as its own record and flagged to staff, who merge
it or keep it apart; no email tells the visitor what the other organisation pledged; and a
pending sign-up reserves no organisation name."""

from __future__ import annotations

from sqlalchemy import select

from brokerage.accounts.models import Membership, Organisation
from brokerage.charter.models import SignedPledge, Signee
from brokerage.extensions import db
from tests.factories import OrganisationFactory
from tests.helpers.charter import post, sign_up_form
from tests.helpers.pages import count, emails_to, flashed, page_text
from tests.helpers.web import post_form

VISITOR = "visitor@example.net"


def _plans(signee_id: int) -> list[tuple[str, str]]:
    signee = db.session.get(Signee, signee_id)
    return sorted((p.version.pledge.code, p.plan) for p in signee.signed_pledges)


def _signee_named(name: str) -> Signee:
    return db.session.scalar(select(Signee).where(Signee.organisation_name == name))


def test_a_visitor_cannot_add_a_pledge_to_another_organisations_pending_sign_up(
    make_signee, anon, pledge_ids, in_app
):
    first = make_signee(("OCC-5",), approve=False)

    post(
        anon,
        "/charter/sign-up",
        sign_up_form(
            pledge_ids,
            {"OCC-1": "Buy bread flour locally."},
            organisation_name="cowley bakery",
            contact_email=VISITOR,
        ),
    )

    assert in_app(lambda: _plans(first)) == [("OCC-5", "Our plan for OCC-5.")]
    assert in_app(lambda: count(Signee)) == 2
    second = in_app(lambda: _signee_named("cowley bakery"))
    assert second.id != first
    assert second.possible_duplicate_of_id == first
    assert in_app(lambda: _plans(second.id)) == [("OCC-1", "Buy bread flour locally.")]


def test_a_name_differing_only_in_spacing_and_legal_suffix_is_flagged_as_a_duplicate(
    make_signee, anon, staff, pledge_ids, in_app
):
    first = make_signee(("OCC-5",), organisation_name="Cowley Bakery Ltd")

    post(
        anon,
        "/charter/sign-up",
        sign_up_form(
            pledge_ids, organisation_name="  COWLEY   bakery limited ", contact_email=VISITOR
        ),
    )

    second = in_app(lambda: _signee_named("COWLEY bakery limited"))
    assert second.possible_duplicate_of_id == first
    text = page_text(staff.get("/charter/queue"))
    assert "COWLEY bakery limited Pending Possible duplicate It may be Cowley Bakery Ltd" in text


def test_the_confirmation_email_lists_only_what_this_visitor_pledged(
    make_signee, anon, pledge_ids, in_app
):
    make_signee(("OCC-5", "OCC-7"), approve=False)

    post(
        anon,
        "/charter/sign-up",
        sign_up_form(pledge_ids, {"OCC-5": "My own plan."}, contact_email=VISITOR),
    )

    [mail] = in_app(lambda: emails_to(VISITOR))
    assert "You chose these pledges:" in mail.body
    assert "- OCC-5 Support employee volunteering" in mail.body
    assert "What you plan to do: My own plan." in mail.body
    for other in ("OCC-7", "Our plan for", "already", "earlier sign-up"):
        assert other not in mail.body, other


def test_a_pending_sign_up_does_not_stop_the_real_organisation_registering_its_name(
    anon, client_for, pledge_ids, in_app
):
    post(anon, "/charter/sign-up", sign_up_form(pledge_ids, contact_email=VISITOR))
    owner = client_for()

    response = post_form(
        owner,
        "/organisations/new",
        {"name": "Cowley Bakery", "kind": "supplier", "postcode": "OX4 1AA", "description": ""},
    )

    assert response.status_code == 302
    bakery = in_app(
        lambda: db.session.scalar(select(Organisation).where(Organisation.name == "Cowley Bakery"))
    )
    assert in_app(lambda: count(Membership, Membership.organisation_id == bakery.id)) == 1


def test_a_pending_sign_up_is_not_shown_to_the_members_of_an_organisation_of_that_name(
    supplier, anon, pledge_ids, in_app
):
    name = in_app(lambda: db.session.get(Organisation, supplier.organisation_id).name)
    post(
        anon,
        "/charter/sign-up",
        sign_up_form(pledge_ids, {"OCC-5": "A secret."}, organisation_name=name),
    )

    assert "A secret." not in page_text(supplier.get("/charter/"))
    assert in_app(lambda: _signee_named(name).organisation_id) is None


def test_staff_cannot_approve_a_possible_duplicate_before_deciding_about_it(
    make_signee, anon, staff, pledge_ids, in_app
):
    make_signee(("OCC-5",))
    post(anon, "/charter/sign-up", sign_up_form(pledge_ids, contact_email=VISITOR))
    second = in_app(lambda: db.session.scalar(select(Signee).order_by(Signee.id.desc())))

    post(staff, f"/charter/signees/{second.id}/approve")

    assert in_app(lambda: db.session.get(Signee, second.id).status) == "pending"
    assert "merge it or keep it apart" in flashed(staff.get("/charter/queue"))[0]


def test_staff_merge_a_duplicate_into_the_signee_it_duplicates(
    make_signee, anon, staff, pledge_ids, in_app
):
    first = make_signee(("OCC-5",))
    post(
        anon,
        "/charter/sign-up",
        sign_up_form(
            pledge_ids, {"OCC-5": "Another plan.", "OCC-1": "Buy flour."}, contact_email=VISITOR
        ),
    )
    second = in_app(lambda: db.session.scalar(select(Signee).order_by(Signee.id.desc()))).id

    response = post(staff, f"/charter/signees/{second}/merge")

    assert response.status_code == 302
    assert in_app(lambda: db.session.get(Signee, second)) is None
    assert in_app(lambda: _plans(first)) == [
        ("OCC-1", "Buy flour."),
        ("OCC-5", "Our plan for OCC-5."),
    ]
    waiting = in_app(
        lambda: [p.version.pledge.code for p in db.session.get(Signee, first).signed_pledges]
    )
    assert sorted(waiting) == ["OCC-1", "OCC-5"]
    text = page_text(staff.get("/charter/queue"))
    assert "Pledges added by a later sign-up OCC-1 Buy from purposeful local organisations" in text


def test_staff_keep_a_possible_duplicate_apart_and_approve_it_as_its_own_organisation(
    make_signee, anon, staff, pledge_ids, in_app
):
    make_signee(("OCC-5",), organisation_name="Cowley Bakery Ltd")
    post(
        anon,
        "/charter/sign-up",
        sign_up_form(pledge_ids, organisation_name="Cowley Bakery Limited", contact_email=VISITOR),
    )
    second = in_app(lambda: _signee_named("Cowley Bakery Limited")).id

    post(staff, f"/charter/signees/{second}/keep-apart")
    post(staff, f"/charter/signees/{second}/approve")

    kept = in_app(lambda: db.session.get(Signee, second))
    assert (kept.possible_duplicate_of_id, kept.status) == (None, "approved")
    assert in_app(lambda: db.session.get(Signee, second).organisation.name) == (
        "Cowley Bakery Limited"
    )
    assert in_app(lambda: count(Signee)) == 2


def test_approving_a_sign_up_for_a_registered_organisation_links_it_without_making_members(
    create, anon, staff, pledge_ids, in_app
):
    existing = create(OrganisationFactory, name="Cowley Bakery", kind="supplier")
    post(anon, "/charter/sign-up", sign_up_form(pledge_ids, contact_email=VISITOR))
    signee_id = in_app(lambda: db.session.scalar(select(Signee.id)))
    assert "Approving links it to the registered organisation Cowley Bakery" in page_text(
        staff.get("/charter/queue")
    )

    post(staff, f"/charter/signees/{signee_id}/approve")

    assert in_app(lambda: db.session.get(Signee, signee_id).organisation_id) == existing.id
    assert in_app(lambda: count(Membership, Membership.organisation_id == existing.id)) == 0


def test_declining_a_duplicate_leaves_the_signee_it_duplicated_alone(
    make_signee, anon, staff, pledge_ids, in_app
):
    first = make_signee(("OCC-5",), approve=False)
    post(
        anon,
        "/charter/sign-up",
        sign_up_form(pledge_ids, {"OCC-1": "Flour."}, contact_email=VISITOR),
    )
    second = in_app(lambda: db.session.scalar(select(Signee).order_by(Signee.id.desc()))).id

    post(staff, f"/charter/signees/{second}/decline")

    assert in_app(lambda: db.session.get(Signee, first).status) == "pending"
    assert in_app(lambda: _plans(first)) == [("OCC-5", "Our plan for OCC-5.")]
    assert in_app(lambda: count(SignedPledge)) == 2


def test_staff_find_a_possible_duplicate_in_their_inbox(make_signee, anon, staff, pledge_ids):
    make_signee(("OCC-5",))

    post(anon, "/charter/sign-up", sign_up_form(pledge_ids, organisation_name="COWLEY BAKERY LTD"))

    text = page_text(staff.get("/inbox"))
    assert "Charter sign-up: COWLEY BAKERY LTD may duplicate Cowley Bakery" in text


def test_a_pending_sign_up_page_is_for_staff_only_until_approved(
    supplier, staff, anon, pledge_ids, in_app
):
    name = in_app(lambda: db.session.get(Organisation, supplier.organisation_id).name)
    post(
        anon,
        "/charter/sign-up",
        sign_up_form(pledge_ids, {"OCC-5": "A secret."}, organisation_name=name),
    )
    signee_id = in_app(lambda: _signee_named(name).id)

    assert "A secret." in page_text(staff.get(f"/charter/signees/{signee_id}"))
    assert supplier.get(f"/charter/signees/{signee_id}").status_code == 404
