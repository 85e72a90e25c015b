"""A change committed by another process is seen here at once, by every cache: the
directory's per-process index and its cached search pages, the TOMs catalogue, the cached
header, and the published world kept for recomputes. (The issue's probe: a supplier moved to
another postcode by another process shows its new distance in the next search.)"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import select, update

from brokerage.accounts.models import Membership, Organisation, User
from brokerage.extensions import db
from brokerage.listings import profiles, service
from brokerage.listings.models import Offer
from brokerage.matches import kept
from brokerage.places.lookup import locate_postcode
from brokerage.toms import service as toms
from brokerage.toms.models import Measure
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers.directory import offer_fields
from tests.helpers.web import log_in

SEARCH = "/directory/suppliers?q=joinery&postcode=OX1+1ND&radius=100&unit=km"


def _km_between(here: str, there: str) -> float:
    a, b = locate_postcode(here), locate_postcode(there)
    return math.hypot(a.easting - b.easting, a.northing - b.northing) / 1000


def _in(app: Flask, work: Callable[[], Any]) -> Any:
    with app.app_context():
        return work()


def _make_supplier(app: Flask, name: str, postcode: str) -> int:
    def make() -> int:
        organisation = OrganisationFactory(
            name=name, kind="supplier", postcode=postcode, description="Joinery."
        )
        profiles.save_profile(organisation, profiles.ProfileFields())
        offer = service.create_listing(organisation, offer_fields("Joinery"))
        offer.status = "published"
        db.session.commit()
        return organisation.id

    return _in(app, make)


def _commit_change(app: Flask, organisation_id: int, **values: Any) -> None:
    def change() -> None:
        organisation = db.session.get(Organisation, organisation_id)
        for name, value in values.items():
            setattr(organisation, name, value)
        db.session.commit()

    _in(app, change)


def test_a_supplier_moved_by_another_process_shows_its_new_distance_at_once(apps):
    first, second = apps
    supplier = _make_supplier(first, "Moving Joinery", "OX4 4HH")
    before = first.test_client().get(SEARCH).get_data(as_text=True)
    assert "3.2 km away" in before  # and now the page is cached, and the index built

    _commit_change(second, supplier, postcode="OX16 0AH")
    after = first.test_client().get(SEARCH).get_data(as_text=True)

    assert "Moving Joinery" in after
    assert "3.2 km away" not in after
    assert f"{_km_between('OX1 1ND', 'OX16 0AH'):.1f} km away" in after


def test_a_same_length_rename_by_another_process_is_seen_at_once(apps):
    first, second = apps
    supplier = _make_supplier(first, "Oak Joinery Co", "OX4 4HH")
    assert "Oak Joinery Co" in first.test_client().get(SEARCH).get_data(as_text=True)

    _commit_change(second, supplier, name="Elm Joinery Co")
    after = first.test_client().get(SEARCH).get_data(as_text=True)

    assert "Elm Joinery Co" in after and "Oak Joinery Co" not in after


def test_a_bulk_statement_by_another_process_is_seen_at_once(apps):
    """A statement outside the unit of work (as bulk imports write) gives its topic a new
    version too."""
    first, second = apps
    supplier = _make_supplier(first, "Statement Joinery", "OX4 4HH")
    assert "Statement Joinery" in first.test_client().get(SEARCH).get_data(as_text=True)

    def rename() -> None:
        db.session.execute(
            update(Organisation).where(Organisation.id == supplier).values(name="Bulk Joinery")
        )
        db.session.commit()

    _in(second, rename)
    after = first.test_client().get(SEARCH).get_data(as_text=True)

    assert "Bulk Joinery" in after and "Statement Joinery" not in after


def _first_measure() -> str:
    return db.session.scalars(select(Measure.code).order_by(Measure.code).limit(1)).one()


@contextmanager
def _measure_renamed(app: Flask, description: str) -> Iterator[str]:
    """A measure of the catalogue renamed by `app` (its code), and its name given back
    afterwards: the catalogue is shared by the package's tests."""
    code = _in(app, _first_measure)
    kept = _in(app, lambda: toms.matching_catalogue()[code].name)

    def describe(text: str) -> Callable[[], None]:
        def commit() -> None:
            db.session.execute(update(Measure).where(Measure.code == code).values(description=text))
            db.session.commit()

        return commit

    _in(app, describe(description))
    try:
        yield code
    finally:
        _in(app, describe(kept))


def test_a_measure_renamed_by_another_process_is_in_the_catalogue_at_once(apps):
    first, second = apps
    _in(first, toms.matching_catalogue)  # kept here

    with _measure_renamed(second, "Renamed elsewhere") as code:
        assert _in(first, lambda: toms.matching_catalogue()[code].name) == "Renamed elsewhere"


def test_a_measure_renamed_by_another_process_is_in_the_directorys_filter_at_once(apps):
    """The search form's fields are drawn once per look (brokerage/widgets.py): a drawing
    of the measure filter may not outlive the catalogue its options came from."""
    first, second = apps
    client = first.test_client()
    code = _in(first, _first_measure)
    searches = ["/directory/suppliers", f"/directory/suppliers?measure={code}"]
    for search in searches:
        client.get(search)  # the page, its form and its fields kept

    with _measure_renamed(second, "Renamed elsewhere"):
        page, chosen = (client.get(search).get_data(as_text=True) for search in searches)

    assert f'<option value="{code}">{code}: Renamed elsewhere</option>' in page
    assert f'<option selected value="{code}">{code}: Renamed elsewhere</option>' in chosen


def test_a_membership_given_by_another_process_is_seen_at_once(apps):
    """The signed-in person's memberships are cached with them: joining an organisation
    elsewhere (an owner's invitation accepted, a `flask` command) counts on the next page."""
    first, second = apps
    supplier = _make_supplier(first, "Joined Joinery", "OX4 4HH")
    email = "joiner@example.org"
    _in(first, lambda: UserFactory(email=email) and db.session.commit())
    client = log_in(first.test_client(), email)
    edit = f"/organisations/{supplier}/profile/edit"
    assert client.get(edit).status_code == 403  # and their memberships are cached

    def join() -> None:
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.add(Membership(user=user, organisation_id=supplier, role="owner"))
        db.session.commit()

    _in(second, join)
    assert client.get(edit).status_code == 200


def test_an_offer_and_a_supplier_changed_by_another_process_are_in_the_kept_world_at_once(apps):
    """The published world a process keeps for its recomputes (matches/kept.py)."""
    first, second = apps
    supplier = _make_supplier(first, "Kept Joinery", "OX4 4HH")

    def offer_text() -> str:
        loaded = kept.offer_side()
        assert loaded is not None
        index = loaded.offers.index[_offer_of(supplier)]
        return loaded.candidates[index].text

    def supplier_place() -> tuple[float | None, float | None]:
        side = kept.supplier_side()
        assert side is not None
        found = next(c for c in side[0].pool.candidates if c.key == supplier)
        return found.easting, found.northing

    assert _in(first, offer_text) == "Joinery"
    _in(first, supplier_place)  # both sides kept

    def reword() -> None:
        db.session.get(Offer, _offer_of(supplier)).title = "Oak staircases"
        db.session.commit()

    _in(second, reword)
    _commit_change(second, supplier, postcode="OX16 0AH")

    assert _in(first, offer_text) == "Oak staircases"
    moved = locate_postcode("OX16 0AH")
    assert _in(first, supplier_place) == (float(moved.easting), float(moved.northing))


def _offer_of(organisation_id: int) -> int:
    return db.session.scalars(
        select(Offer.id).where(Offer.organisation_id == organisation_id)
    ).one()


def test_a_person_renamed_by_another_process_is_named_so_on_their_next_page(apps):
    """The signed-in person and the header come from this process's own copies (with Redis),
    keyed by the topics' versions like Redis's: a rename elsewhere is seen at once."""
    first, second = apps
    email = "renamed@example.org"
    _in(first, lambda: UserFactory(email=email, name="Ada Before") and db.session.commit())
    client = log_in(first.test_client(), email)
    assert "(Ada Before)" in client.get("/about-social-value").get_data(as_text=True)

    def rename() -> None:
        db.session.scalar(select(User).where(User.email == email)).name = "Ada After"
        db.session.commit()

    _in(second, rename)
    page = client.get("/about-social-value").get_data(as_text=True)

    assert "(Ada After)" in page and "Ada Before" not in page


def test_each_person_is_served_their_own_copies(apps):
    first, _ = apps
    clients = {}
    for name in ("Bea Own", "Cal Own"):
        email = f"{name.split()[0].lower()}@example.org"
        _in(first, lambda e=email, n=name: UserFactory(email=e, name=n) and db.session.commit())
        clients[name] = log_in(first.test_client(), email)
    for _ in range(2):  # the second time from this process's copies (or the embedded cache)
        for name, client in clients.items():
            page = client.get("/about-social-value").get_data(as_text=True)
            others = [other for other in clients if other != name]
            assert f"({name})" in page and not any(other in page for other in others)
