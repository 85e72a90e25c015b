"""Staff hear of each charter sign-up as it is made: an inbox entry and an email each."""

from __future__ import annotations

from tests.factories import UserFactory
from tests.helpers.charter import post, sign_up_form
from tests.helpers.pages import emails_to, page_text


def test_each_member_of_staff_gets_an_inbox_item_and_an_email_for_a_sign_up(
    anon, staff, create, pledge_ids, in_app
):
    colleague = create(UserFactory, email="colleague@example.org", is_staff=True)

    post(anon, "/charter/sign-up", sign_up_form(pledge_ids, {"OCC-1": "Flour for the food bank."}))

    assert "New charter sign-up: Cowley Bakery" in page_text(staff.get("/inbox"))
    [mail] = in_app(lambda: emails_to(colleague.email))
    assert mail.subject == "New charter sign-up: Cowley Bakery"
    assert "/charter/queue" in mail.body


def test_people_who_are_not_staff_hear_nothing_of_a_sign_up(anon, supplier, pledge_ids):
    post(anon, "/charter/sign-up", sign_up_form(pledge_ids, {"OCC-1": "Flour for the food bank."}))

    assert "charter sign-up" not in page_text(supplier.get("/inbox"))
