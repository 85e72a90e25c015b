"""Toolkit signposting: per pledge, the resources staff verified, shown beside the support a
signee asks for; the delivery plan's route where none is recorded. Nothing is invented."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from brokerage.charter import toolkit
from brokerage.charter.models import PledgeResource, Signee
from brokerage.extensions import db
from tests.helpers.charter import check_in_id, post
from tests.helpers.pages import count, field_error, flashed, page_text, visible_text

PLAN = "OIEP Delivery Plan 2023/24"
ROUTE = "No toolkit resource is recorded for this pledge yet."


def _resource(**values: str) -> dict[str, str]:
    return {
        "title": "Meet the Buyer",
        "url": "https://example.org/meet-the-buyer",
        "description": "Suppliers meet the county's buyers.",
        "source": "Checked on the organiser's page, 3 March 2024",
        **values,
    }


def _titles(pledge_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(PledgeResource.title).where(PledgeResource.pledge_id == pledge_id)
        )
    )


def test_the_seeded_resources_cite_the_delivery_plan_and_carry_no_invented_address():
    with toolkit.resources_file().open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))

    assert [(row["code"], row["title"]) for row in rows] == [
        ("OCC-5", "Assisted Reading for Children (ARCh)"),
        ("OCC-7", "OIEP HR Network"),
    ]
    assert all(row["source"].startswith(PLAN) for row in rows)
    assert [row["url"] for row in rows] == ["", ""]


def test_loading_the_toolkit_twice_adds_each_resource_once(pledge_ids, in_app):
    def load() -> int:
        added = toolkit.load_resources()
        db.session.commit()
        return added

    assert (in_app(load), in_app(load)) == (2, 0)
    assert in_app(lambda: _titles(pledge_ids["OCC-5"])) == ["Assisted Reading for Children (ARCh)"]


def test_staff_add_a_resource_and_the_check_in_page_links_it_beside_that_pledge(
    staff, make_signee, pledge_ids, in_app
):
    signee_id = make_signee(("OCC-1", "OCC-6"))
    response = post(staff, f"/charter/pledges/{pledge_ids['OCC-1']}/resources", _resource())
    assert flashed(staff.get("/")) == ["OCC-1 now signposts “Meet the Buyer”."]
    baseline = in_app(lambda: check_in_id(signee_id, "baseline"))

    html = staff.get(f"/charter/check-ins/{baseline}").get_data(as_text=True)

    assert response.status_code == 302
    occ1, occ6 = html.split("<fieldset")[1:3]
    address = 'href="https://example.org/meet-the-buyer" rel="noopener noreferrer"'
    assert f"<a {address}>Meet the Buyer</a>" in occ1
    assert "Suppliers meet the county's buyers." in visible_text(occ1)
    assert ROUTE in visible_text(occ6)
    assert "Meet the Buyer" not in occ6


def test_a_resource_without_an_address_is_named_never_linked(member_and_check_in, in_app):
    member, month_3 = member_and_check_in
    in_app(_load_seed)

    html = member.get(f"/charter/check-ins/{month_3}").get_data(as_text=True)

    occ5 = html.split("<fieldset")[1]
    toolkit_part = occ5.split("From the charter toolkit")[1]
    assert "Assisted Reading for Children (ARCh) : An Oxfordshire charity" in visible_text(
        toolkit_part
    )
    assert "<a " not in toolkit_part


def _load_seed() -> None:
    toolkit.load_resources()
    db.session.commit()


@pytest.fixture
def member_and_check_in(charter_client, charter_world, in_app):
    return charter_client("member"), in_app(lambda: check_in_id(charter_world.signee_id, "month_3"))


def test_members_see_the_toolkit_on_their_own_charter_page(charter_client, charter_world, in_app):
    in_app(_load_seed)

    text = page_text(charter_client("member").get(f"/charter/signees/{charter_world.signee_id}"))

    assert "Assisted Reading for Children (ARCh)" in text
    assert "OIEP HR Network : Seminars across the county on inclusive recruitment topics" in text


def test_staff_see_the_toolkit_beside_each_pledges_latest_support_need(
    staff, charter_world, in_app, pledge_ids
):
    in_app(_load_seed)
    baseline = in_app(lambda: check_in_id(charter_world.signee_id, "baseline"))
    signed = in_app(lambda: _signed_ids(charter_world.signee_id))
    form = {"held_on": "2024-02-10"}
    for code, signed_id in signed.items():
        need = "A school to volunteer in." if code == "OCC-5" else ""
        form |= {
            f"pledge-{signed_id}-status": "in_progress",
            f"pledge-{signed_id}-support_needed": need,
        }
    post(staff, f"/charter/check-ins/{baseline}", form)

    text = page_text(staff.get(f"/charter/signees/{charter_world.signee_id}"))
    support = text.partition("Support and buddy suggestions")[2]

    assert (
        "Support needed: A school to volunteer in. From the charter toolkit "
        "Assisted Reading for Children (ARCh) : An Oxfordshire charity"
    ) in support


def _signed_ids(signee_id: int) -> dict[str, int]:
    signee = db.session.get(Signee, signee_id)
    return {p.version.pledge.code: p.id for p in signee.signed_pledges}


@pytest.mark.parametrize(
    ("values", "field", "error"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"url": "javascript:alert(1)"}, "url", "Give a web address starting with https://."),
        ({"source": ""}, "source", "This field is required."),
        ({"description": "x" * 1001}, "description", "cannot be longer than 1000 characters"),
    ],
)
def test_a_resource_needs_a_title_what_it_offers_and_where_it_was_checked(
    staff, pledge_ids, in_app, values, field, error
):
    response = post(staff, f"/charter/pledges/{pledge_ids['OCC-2']}/resources", _resource(**values))

    assert response.status_code == 400
    assert error in field_error(response, field)
    assert in_app(lambda: count(PledgeResource)) == 0


def test_a_pledge_lists_a_title_once(staff, pledge_ids, in_app):
    page = f"/charter/pledges/{pledge_ids['OCC-2']}/resources"
    post(staff, page, _resource())

    response = post(staff, page, _resource(title="meet the buyer"))

    assert response.status_code == 400
    assert "OCC-2 already lists “meet the buyer”." in field_error(response, "title")
    assert in_app(lambda: _titles(pledge_ids["OCC-2"])) == ["Meet the Buyer"]


def test_staff_remove_a_resource_and_the_pledge_falls_back_to_the_plans_route(
    staff, pledge_ids, in_app
):
    page = f"/charter/pledges/{pledge_ids['OCC-2']}/resources"
    post(staff, page, _resource())
    resource_id = in_app(lambda: db.session.scalars(select(PledgeResource.id)).one())

    response = post(staff, f"/charter/resources/{resource_id}/remove")

    assert response.headers["Location"] == page
    assert in_app(lambda: count(PledgeResource)) == 0
    assert "None yet." in page_text(staff.get(page))
