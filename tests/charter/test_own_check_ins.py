"""A signee's members record their own check-ins: per pledge status, figures, narrative and
support needed. Nobody outside the organisation (but staff) can open or change them."""

from __future__ import annotations

from datetime import date

from brokerage.charter.models import CheckIn, CheckInRecord, Signee
from brokerage.extensions import db
from tests.helpers.charter import check_in_id, post
from tests.helpers.pages import count, page_text


def _form(signed: dict[str, int], **per_pledge: dict[str, str]) -> dict[str, str]:
    data = {"held_on": "2024-04-20"}
    for code, signed_id in signed.items():
        values = {
            "status": "planned",
            "figure": "",
            "unit": "",
            "narrative": "",
            "support_needed": "",
        }
        values.update(per_pledge.get(code.replace("-", "_"), {}))
        data.update({f"pledge-{signed_id}-{name}": value for name, value in values.items()})
    return data


def _signed(signee_id: int) -> dict[str, int]:
    signee = db.session.get(Signee, signee_id)
    return {p.version.pledge.code: p.id for p in signee.signed_pledges}


def test_a_member_records_their_own_three_month_check_in(charter_client, charter_world, in_app):
    month_3 = in_app(lambda: check_in_id(charter_world.signee_id, "month_3"))
    signed = in_app(lambda: _signed(charter_world.signee_id))
    member = charter_client("member")

    form_page = page_text(member.get(f"/charter/check-ins/{month_3}"))
    response = post(
        member,
        f"/charter/check-ins/{month_3}",
        _form(
            signed,
            OCC_5={
                "status": "implemented",
                "figure": "48",
                "unit": "hours",
                "narrative": "Four staff read weekly at a school.",
                "support_needed": "A second school.",
            },
        ),
    )

    assert "Tell the partnership how each of your pledges is going" in form_page
    assert "Sign-up queue" not in form_page
    assert response.status_code == 302
    assert response.headers["Location"] == f"/charter/signees/{charter_world.signee_id}"

    def saved():
        check_in = db.session.get(CheckIn, month_3)
        return (
            check_in.held_on,
            check_in.recorded_by.email,
            {
                r.signed_pledge.version.pledge.code: (
                    r.status,
                    r.quantity,
                    r.unit,
                    r.support_needed,
                )
                for r in check_in.records
            },
        )

    assert in_app(saved) == (
        date(2024, 4, 20),
        charter_world.member_email,
        {
            "OCC-5": ("implemented", 48, "hours", "A second school."),
            "OCC-7": ("planned", None, None, ""),
        },
    )
    page = page_text(member.get(f"/charter/signees/{charter_world.signee_id}"))
    assert "Four staff read weekly at a school." in page


def test_a_member_cannot_open_or_record_another_signees_check_in(
    charter_client, charter_world, make_signee, in_app
):
    other = make_signee(("OCC-1",), organisation_name="Headington Deli")
    baseline = in_app(lambda: check_in_id(other, "baseline"))
    signed = in_app(lambda: _signed(other))
    member = charter_client("member")
    before = in_app(lambda: count(CheckInRecord))

    assert member.get(f"/charter/check-ins/{baseline}").status_code == 404
    response = post(member, f"/charter/check-ins/{baseline}", _form(signed))

    assert response.status_code == 404
    assert in_app(lambda: count(CheckInRecord)) == before
    assert in_app(lambda: db.session.get(CheckIn, baseline).held_on) is None


def test_people_of_other_organisations_and_the_task_force_get_not_found(
    charter_client, charter_world, in_app
):
    baseline = in_app(lambda: check_in_id(charter_world.signee_id, "baseline"))
    signed = in_app(lambda: _signed(charter_world.signee_id))

    for role in ("buyer", "supplier", "task_force"):
        client = charter_client(role)
        assert client.get(f"/charter/check-ins/{baseline}").status_code == 404, role
        assert post(client, f"/charter/check-ins/{baseline}", _form(signed)).status_code == 404
    assert in_app(lambda: db.session.get(CheckIn, baseline).held_on) is None


def test_a_members_bad_figure_gets_a_field_error_and_changes_nothing(
    charter_client, charter_world, in_app
):
    month_3 = in_app(lambda: check_in_id(charter_world.signee_id, "month_3"))
    signed = in_app(lambda: _signed(charter_world.signee_id))

    response = post(
        charter_client("member"),
        f"/charter/check-ins/{month_3}",
        _form(signed, OCC_5={"status": "implemented", "figure": "-3", "unit": "hours"}),
    )

    assert response.status_code == 400
    assert "Number must be between 0 and 1000000000" in page_text(response)
    assert in_app(lambda: db.session.get(CheckIn, month_3).held_on) is None
