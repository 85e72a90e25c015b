"""Issue 20 point 6: a second partnership is a second configuration folder. The fictional
Exampleshire (its own postcode area, districts, wards, plan, pledges and measures) stands
up, is seeded, and no page any role can reach, nor any email it sends, names Oxfordshire,
Oxford or the OIEP, nor any of Oxfordshire's own examples (its postcodes, ward, groups) or
demo names, read from its folder so that a new one is covered too."""

from __future__ import annotations

import re
import tomllib
from collections import deque
from collections.abc import Callable
from email import message_from_bytes
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from brokerage.charter import pledges, toolkit
from brokerage.demo.data import read_demo_file
from brokerage.extensions import db
from brokerage.partnership import PARTNERSHIPS_FOLDER, SETTINGS_FILE, current_partnership
from brokerage.places import service as places
from brokerage.places.districts import district_of
from brokerage.plan import resources
from brokerage.plan import service as plan
from brokerage.toms import service as toms
from tests import factories
from tests.helpers.pages import field_error, page_text
from tests.helpers.web import post_form

FORBIDDEN = re.compile(r"oxford|oiep", re.IGNORECASE)  # "Oxford" is in "Oxfordshire"
OXFORDSHIRE = PARTNERSHIPS_FOLDER / "oxfordshire"
LINK = re.compile(r'href="(/[^"]*)"')
# Files, the API, sign-out and the static assets are not pages a person reads.
SKIPPED = re.compile(r"^/(static|api)/|^/logout|\.(csv|xlsx|pdf|json|png|svg|ics)$")
MOST_PAGES = 120  # per role: every page is linked from one before it
# Real Code-Point Open postcodes in the EX area, inside the fictional wards.
EXAMPLETON_EAST = "EX1 1HS"
EXAMPLETON_WEST = "EX4 3SR"
SOUTHBY = "EX8 1AA"


@pytest.fixture(scope="package")
def seeded(app: Flask) -> None:
    """The partnership's own files loaded, and a buyer, a supplier and a charity with a
    published listing each."""
    with app.app_context():
        toms.load_shipped_frameworks()
        plan.load_plan(plan.read_plan_file(plan.current_plan_file()))
        current = plan.current_plan()
        resources.load_toolkit(current, plan.read_plan_file(resources.toolkit_file()))
        pledges.load_pledges()
        toolkit.load_resources()
        places.load_reference_priority_places()
        offer = factories.OfferFactory(
            title="Mentoring for pupils",
            status="published",
            postcode=EXAMPLETON_EAST,
            organisation__postcode=EXAMPLETON_EAST,
        )
        factories.OfferMeasureFactory(offer=offer, measure_code="EFEN-1")
        factories.OpportunityFactory(
            title="School cleaning contract",
            status="published",
            postcode=EXAMPLETON_WEST,
            organisation__postcode=EXAMPLETON_WEST,
        )
        factories.NeedFactory(
            title="Reading volunteers",
            status="published",
            postcode=SOUTHBY,
            organisation__postcode=SOUTHBY,
        )
        db.session.commit()


def _oxfordshire_words() -> re.Pattern[str]:
    """Oxfordshire's examples (each item of a list such as "ARCh, Growing Minds and Parent
    Power" on its own) and its demo organisations' and people's names, as whole words. The
    whole [examples] table is read, so an example the code does not yet use counts too."""
    settings = tomllib.loads((OXFORDSHIRE / SETTINGS_FILE).read_text(encoding="utf-8"))
    demo = read_demo_file(OXFORDSHIRE / settings["files"]["demo"])
    words = {
        item
        for example in settings["examples"].values()
        for item in re.split(r",\s*|\s+and\s+", example)
    }
    words |= {organisation.name for organisation in demo.organisations}
    words |= {user.name for user in demo.users}
    longest_first = sorted(words, key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, longest_first))})(?!\w)")


OXFORDSHIRE_WORDS = _oxfordshire_words()


def _words_on(page: str) -> list[str]:
    found = [*FORBIDDEN.finditer(page), *OXFORDSHIRE_WORDS.finditer(page)]
    return sorted({match.group(0) for match in found})


def _crawl(client: FlaskClient) -> dict[str, Any]:
    """Every page reachable by links from the home page (and the public pages the footer
    and menus name), up to MOST_PAGES: what each answered and any forbidden words on it."""
    queue, seen, found = deque(["/"]), {"/"}, {}
    while queue and len(found) < MOST_PAGES:
        url = queue.popleft()
        response = client.get(url)
        page = response.get_data(as_text=True)
        found[url] = (response.status_code, _words_on(page))
        for link in LINK.findall(page):
            link = urldefrag(link.replace("&amp;", "&")).url
            path = urlsplit(link).path
            if path not in seen and not SKIPPED.search(path):
                seen.add(path)
                queue.append(link)
    return found


def test_the_app_reads_the_second_partnerships_folder(app, seeded):
    with app.app_context():
        assert current_partnership().name == "Exampleshire Fair Economy Network"
        assert district_of(EXAMPLETON_EAST) == "Exampleton"
        assert district_of(SOUTHBY) == "South Exampleshire"
        assert district_of("OX4 4HH") == "outside Exampleshire"
        assert [place.name for place in places.priority_places()] == ["Exampleton East"]
        assert plan.current_plan().title == "Exampleshire Fair Economy Network Plan 2026/27"


@pytest.mark.parametrize(
    "role",
    ["anon", "buyer", "supplier", "beneficiary", "task_force", "staff"],
)
def test_no_page_a_role_reaches_names_the_default_partnership(
    role: str, seeded: None, request: pytest.FixtureRequest
):
    client: FlaskClient = request.getfixturevalue(role)

    pages = _crawl(client)

    assert len(pages) > 10, pages
    broken = {url: status for url, (status, _) in pages.items() if status >= 500}
    named = {url: words for url, (_, words) in pages.items() if words}
    assert broken == {}
    assert named == {}


def test_the_pages_name_the_second_partnership(anon: FlaskClient, seeded: None):
    home = anon.get("/")
    impact = anon.get("/impact")

    assert "<title>Exampleshire Social Value Exchange</title>" in home.get_data(as_text=True)
    assert "A service of the Exampleshire Fair Economy Network" in page_text(home)
    assert "A map of Exampleshire’s three districts" in page_text(impact)


def test_help_texts_and_messages_give_the_second_partnerships_examples(anon: FlaskClient):
    home = anon.get("/")
    search = anon.get("/directory/suppliers?postcode=nowhere")

    assert "Groups such as Exampleton Readers, Northby Food Share and Southby Parents post" in (
        page_text(home)
    )
    assert "For example EX1 1HS." in page_text(search)
    assert field_error(search, "postcode") == "“nowhere” is not a UK postcode, such as EX1 1HS."


def test_the_api_description_it_serves_gives_its_own_examples(anon: FlaskClient):
    """The OpenAPI document is the app's for any partnership: its examples are this one's."""
    response = anon.get("/api/v1/openapi.json")

    search = response.get_json()["paths"]["/suppliers"]["get"]["parameters"]
    postcode = next(parameter for parameter in search if parameter["name"] == "postcode")
    assert postcode["schema"]["example"] == EXAMPLETON_EAST
    assert _words_on(response.get_data(as_text=True)) == []


def test_the_emails_it_sends_name_no_other_partnership(
    app: Flask, anon: FlaskClient, create: Callable[..., Any]
):
    user = create(factories.UserFactory)
    post_form(anon, "/register", _registration("newcomer@example.org"), page="/register")
    post_form(anon, "/password-reset", {"email": user.email}, page="/password-reset")

    messages = [
        message_from_bytes(path.read_bytes())
        for path in sorted(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))
    ]

    assert len(messages) >= 2
    for message in messages:
        text = f"{message['From']} {message['Subject']} {message.get_payload(decode=True)!r}"
        assert _words_on(text) == [], text
        assert "Exampleshire" in text


def _registration(email: str) -> dict[str, str]:
    return {
        "name": "New Comer",
        "email": email,
        "password": factories.PASSWORD,
        "confirm": factories.PASSWORD,
    }
