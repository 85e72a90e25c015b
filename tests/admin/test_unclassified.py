"""Staff classify the trades and organisation types partners' files named in words we did
not know: once per words, for every record that says them (issue 18)."""

from __future__ import annotations

from sqlalchemy import select

from brokerage.accounts.models import Organisation
from brokerage.audit.models import AuditEntry
from brokerage.extensions import db
from brokerage.listings import trade_service
from brokerage.listings.models import OrganisationTrade
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers.pages import flashed, page_text
from tests.helpers.web import log_in, post_form


def _kept_from_files(create):
    suppliers = [create(OrganisationFactory, name=f"Maker {n}", kind="supplier") for n in (1, 2)]
    buyer = create(OrganisationFactory, name="Health Trust", kind="buyer")

    def keep():
        for supplier in suppliers:
            organisation = db.session.get(Organisation, supplier.id)
            codes = ["45421000"] if supplier is suppliers[1] else []
            trade_service.set_organisation_trades(organisation, codes, ["Joinery shop"])
        db.session.get(Organisation, buyer.id).organisation_type_written = "Health"
        db.session.commit()

    return suppliers, buyer, keep


def _staff(app, create):
    create(UserFactory, email="staff@example.org", is_staff=True)
    return log_in(app.test_client(), "staff@example.org")


def test_staff_see_each_words_once_with_how_many_records_say_them(app, create, in_app):
    _, _, keep = _kept_from_files(create)
    in_app(keep)

    text = page_text(_staff(app, create).get("/admin/unclassified"))

    assert "“Joinery shop” Said by 2 suppliers and 0 opportunities." in text
    assert "“Health” Said by 1 organisation." in text
    assert "Joinery and carpentry (45420000)" in text  # the nearest, suggested


def test_classifying_words_gives_every_record_the_trade_once(app, create, in_app):
    suppliers, _, keep = _kept_from_files(create)
    in_app(keep)
    staff = _staff(app, create)

    response = post_form(
        staff,
        "/admin/unclassified/trades",
        {"words": "Joinery shop", "trade": "45421000"},
        page="/admin/unclassified",
    )

    assert response.status_code == 302
    trades = in_app(
        lambda: sorted(
            (row.organisation_id, row.cpv_code, row.written)
            for row in db.session.scalars(select(OrganisationTrade))
        )
    )
    assert trades == [(suppliers[0].id, "45421000", ""), (suppliers[1].id, "45421000", "")]
    assert "Every trade is classified." in page_text(staff.get("/admin/unclassified"))
    assert in_app(lambda: db.session.scalar(select(AuditEntry.action))) == "trades.classify"


def test_words_that_name_no_trade_are_refused_with_suggestions(app, create, in_app):
    _, _, keep = _kept_from_files(create)
    in_app(keep)
    staff = _staff(app, create)

    response = post_form(
        staff,
        "/admin/unclassified/trades",
        {"words": "Joinery shop", "trade": "joinry"},
        page="/admin/unclassified",
    )

    assert flashed(staff.get(response.headers["Location"]))[0].startswith(
        "“joinry” is not a trade we know. Did you mean: Joinery and carpentry (45420000)"
    )
    assert in_app(lambda: db.session.scalar(select(AuditEntry.action))) is None


def test_classifying_a_type_sets_it_on_every_organisation_that_said_it(app, create, in_app):
    _, buyer, keep = _kept_from_files(create)
    in_app(keep)

    post_form(
        _staff(app, create),
        "/admin/unclassified/types",
        {"words": "Health", "organisation_type": "nhs"},
        page="/admin/unclassified",
    )

    found = in_app(lambda: db.session.get(Organisation, buyer.id))
    assert (found.organisation_type, found.organisation_type_written) == ("nhs", "")


def test_a_type_must_be_chosen_none_is_picked_for_staff(app, create, in_app):
    _, buyer, keep = _kept_from_files(create)
    in_app(keep)
    staff = _staff(app, create)

    assert '<option value="">Choose a type</option>' in staff.get("/admin/unclassified").get_data(
        as_text=True
    )
    response = post_form(
        staff,
        "/admin/unclassified/types",
        {"words": "Health", "organisation_type": ""},
        page="/admin/unclassified",
    )

    assert flashed(staff.get(response.headers["Location"])) == ["Choose the type these words name."]
    assert in_app(lambda: db.session.get(Organisation, buyer.id).organisation_type) is None
