"""The catalogue page, a measure's page, and staff adding proxy values."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from brokerage.accounts.models import User
from brokerage.extensions import db
from brokerage.toms.models import Measure, ProxyValue
from tests.helpers.pages import page_text
from tests.helpers.toms import row
from tests.helpers.web import csrf_token, post_form


def _measure_id(code: str) -> int:
    return db.session.scalar(select(Measure.id).where(Measure.code == code))


@pytest.fixture
def s6(shipped_catalogue, in_app) -> int:
    """OIEP-S6, employee volunteering hours."""
    return in_app(lambda: _measure_id("OIEP-S6"))


def _codes(response) -> list[str]:
    return re.findall(r'<a href="/toms/measures/\d+">([^<]+)</a>', response.get_data(as_text=True))


def _proxy_values() -> list[tuple[int, str, str | None]]:
    return [
        (p.value_pence, p.source, p.added_by.email if p.added_by else None)
        for p in db.session.scalars(select(ProxyValue))
    ]


# Access ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["/toms/", "/toms/measures/{id}", "/toms/pick"])
def test_anonymous_visitors_are_sent_to_log_in(anon, s6, page):
    response = anon.get(page.format(id=s6))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["buyer", "supplier", "beneficiary", "task_force", "staff"])
def test_everyone_signed_in_sees_the_catalogue_and_its_link(request, role, shipped_catalogue):
    client = request.getfixturevalue(role)
    response = client.get("/toms/")
    assert response.status_code == 200
    assert "TOMs catalogue" in page_text(client.get("/"))


def test_anonymous_visitors_do_not_see_the_catalogue_link(anon):
    assert "TOMs catalogue" not in page_text(anon.get("/"))


def test_an_unknown_measure_is_not_found(supplier, shipped_catalogue):
    assert supplier.get("/toms/measures/999999").status_code == 404


# Browsing and searching -------------------------------------------------------------


def test_the_catalogue_shows_frameworks_themes_outcomes_and_measures(supplier, shipped_catalogue):
    response = supplier.get("/toms/")
    text = page_text(response)

    assert "21 measures found." in text
    assert "National TOMs (verified rows)" in text
    assert "OIEP local measures 2023/24 Version 2023/24" in text
    assert "Healthier, Safer and more Resilient Communities" in text
    assert "Children read well" in text
    assert (
        "OIEP-S6 Employee volunteering hours on local community projects hours no proxy value"
        in text
    )
    assert text.count("no proxy value") == 21
    assert _codes(response)[:3] == ["NT1", "NT3", "OIEP-J1"]
    assert "Add proxy value" not in text


def test_staff_see_a_link_to_add_a_proxy_value_to_each_measure(staff, shipped_catalogue):
    assert page_text(staff.get("/toms/")).count("Add proxy value for") == 21


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("OIEP-S6", ["OIEP-S6"]),
        ("oiep-s6", ["OIEP-S6"]),
        ("prison leavers", ["OIEP-J4", "OIEP-J5"]),
        ("volunteers schools", ["OIEP-S1", "OIEP-S2"]),
        ("FTE", ["NT1", "NT3"]),
        ("100%_", []),
    ],
)
def test_the_catalogue_is_searched_by_code_or_words(supplier, shipped_catalogue, query, codes):
    response = supplier.get("/toms/", query_string={"q": query})

    assert response.status_code == 200
    assert _codes(response) == codes


def test_a_search_that_finds_nothing_says_so(supplier, shipped_catalogue):
    text = page_text(supplier.get("/toms/?q=knitting"))
    assert "0 measures found." in text
    assert "No measure matches." in text


def test_an_older_version_can_be_browsed(supplier, app, framework_file, in_app):
    from brokerage.toms import service

    def load_two_years() -> None:
        service.load_framework_file(framework_file([row("T-1", measure="Old words")]), "2023")
        service.load_framework_file(framework_file([row("T-1", measure="New words")]), "2024")
        db.session.commit()

    in_app(load_two_years)
    old = in_app(lambda: service.all_versions()[0].id)

    assert "New words" in page_text(supplier.get("/toms/"))
    text = page_text(supplier.get(f"/toms/?version={old}"))
    assert "Old words" in text
    assert "New words" not in text


def test_a_version_that_does_not_exist_is_a_field_error(supplier, shipped_catalogue):
    response = supplier.get("/toms/?version=999999")
    assert response.status_code == 400
    assert "Not a valid choice" in page_text(response)


def test_the_catalogue_before_any_load_says_how_to_load_one(supplier):
    assert "flask --app brokerage toms load FILE" in page_text(supplier.get("/toms/"))


def test_a_measure_page_shows_the_measure_and_that_it_has_no_proxy_value(supplier, s6):
    text = page_text(supplier.get(f"/toms/measures/{s6}"))

    assert "OIEP-S6: Employee volunteering hours on local community projects" in text
    assert "Framework OIEP local measures 2023/24 (version 2023/24)" in text
    assert "Unit hours" in text
    assert "Proxy value no proxy value" in text
    assert "This measure has no proxy value" in text
    assert "Add a proxy value" not in text


# Adding proxy values --------------------------------------------------------------


def _add(client, measure_id: int, value: str, source: str):
    return post_form(
        client,
        f"/toms/measures/{measure_id}/proxy-values",
        {"value": value, "source": source},
        page=f"/toms/measures/{measure_id}",
    )


def test_staff_add_a_proxy_value_with_its_source(staff, s6, in_app):
    response = _add(staff, s6, "£1,250.50", "Example handbook 2024, table 3")

    assert response.status_code == 302
    assert in_app(_proxy_values) == [(125050, "Example handbook 2024, table 3", staff.user_email)]
    text = page_text(staff.get(f"/toms/measures/{s6}"))
    assert "Proxy value £1,250.50 per unit (hours)" in text
    assert "£1,250.50 in force Example handbook 2024, table 3" in text
    assert "£1,250.50" in page_text(staff.get("/toms/?q=OIEP-S6"))


def test_a_later_proxy_value_is_the_one_in_force_and_the_earlier_is_kept(staff, s6, in_app):
    _add(staff, s6, "10", "First source")
    _add(staff, s6, "12.75", "Second source")

    text = page_text(staff.get(f"/toms/measures/{s6}"))
    assert text.index("£12.75 in force Second source") < text.index("£10.00 First source")


@pytest.mark.parametrize(
    ("value", "source", "error"),
    [
        ("12", "", "Say where the value is published."),
        ("", "Handbook", "Give the value in pounds."),
        ("abc", "Handbook", "The value 'abc' is not an amount in pounds, like 14.50."),
        ("-3", "Handbook", "The value '-3' cannot be negative."),
        ("1.234", "Handbook", "The value '1.234' has more than two decimal places."),
        ("5000000", "Handbook", "The value '5000000' is more than £1,000,000."),
    ],
)
def test_a_bad_proxy_value_is_a_field_error_and_keeps_what_was_typed(
    staff, s6, in_app, value, source, error
):
    response = _add(staff, s6, value, source)

    assert response.status_code == 400
    assert error in page_text(response)
    assert f'value="{value}"' in response.get_data(as_text=True)
    assert in_app(_proxy_values) == []


@pytest.mark.parametrize("role", ["buyer", "supplier", "beneficiary", "task_force"])
def test_people_who_are_not_staff_cannot_add_a_proxy_value(request, role, s6, in_app):
    client = request.getfixturevalue(role)

    response = _add(client, s6, "12", "My own guess")

    assert response.status_code == 403
    assert in_app(_proxy_values) == []


def test_anonymous_visitors_cannot_add_a_proxy_value(anon, s6, in_app):
    response = anon.post(
        f"/toms/measures/{s6}/proxy-values",
        data={"csrf_token": csrf_token(anon), "value": "12", "source": "x"},
    )
    assert response.status_code == 302
    assert in_app(_proxy_values) == []


def test_a_proxy_value_without_the_form_token_is_refused(staff, s6, in_app):
    response = staff.post(f"/toms/measures/{s6}/proxy-values", data={"value": "1", "source": "x"})
    assert response.status_code == 400
    assert in_app(_proxy_values) == []


def test_the_person_who_added_a_value_is_shown_to_staff_only(staff, supplier, s6, in_app):
    _add(staff, s6, "12", "Handbook")
    name = in_app(
        lambda: db.session.scalar(select(User.name).where(User.email == staff.user_email))
    )

    assert f"by {name}" in page_text(staff.get(f"/toms/measures/{s6}"))
    assert f"by {name}" not in page_text(supplier.get(f"/toms/measures/{s6}"))
