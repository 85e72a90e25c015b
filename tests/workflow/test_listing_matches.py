"""A listing's own organisation sees its best matches, with scores and reasons."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from brokerage.demo.data import demo_data
from brokerage.extensions import cache, db
from brokerage.listings.choices import ListingStatus
from brokerage.listings.models import Need, Offer, Opportunity
from brokerage.workflow import listing_matches
from tests.helpers.app import counted_statements
from tests.helpers.redis_server import counted_cache_reads
from tests.helpers.web import log_in

# The shipped TOMs catalogue and rankings of two, as for the stored-matches tests.
pytestmark = pytest.mark.usefixtures("shipped_catalogue", "small_top_n")

DEMO_PASSWORD = demo_data().password


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def _id(in_app, model, title_start):
    return in_app(
        lambda: db.session.scalar(select(model.id).where(model.title.startswith(title_start)))
    )


def _titles(page: str) -> list[str]:
    return re.findall(r'<h2 class="h5 mb-1">\d+\. <a href="[^"]+">([^<]+)</a>', page)


def test_archs_need_is_matched_first_to_a_reading_volunteer_offer(app, demo, in_app):
    arch = log_in(app.test_client(), "volunteers@arch.example.org", DEMO_PASSWORD)
    need_id = in_app(lambda: db.session.scalar(select(Need.id).where(Need.title.ilike("%read%"))))
    response = arch.get(f"/matching/needs/{need_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    titles = _titles(page)
    assert titles, page
    assert "read" in titles[0].lower()
    assert "km away" in page and "Description fit" in page


def test_each_part_of_a_score_says_it_is_out_of_1_and_what_it_measures(app, demo, in_app):
    # A bare "0.61" beside "TOMs" said nothing a buyer or a charity could check.
    arch = log_in(app.test_client(), "volunteers@arch.example.org", DEMO_PASSWORD)
    need_id = in_app(lambda: db.session.scalar(select(Need.id).where(Need.title.ilike("%read%"))))
    page = unescape(arch.get(f"/matching/needs/{need_id}").get_data(as_text=True))
    legends = {
        "Location": "how near the help is (1 when local)",
        "TOMs": "how much of the measures asked for is offered",
        "Offer fit": "how well the descriptions say the same help",
    }
    for part, legend in legends.items():
        said = re.findall(
            rf'<dt class="col-sm-3">{part}</dt><dd class="col-sm-9">([01]\.\d\d) out of 1 '
            rf'<span class="text-body-secondary">· {re.escape(legend)}</span></dd>',
            page,
        )
        assert said and len(said) == len(_titles(page)), part


def test_an_offer_is_matched_to_needs_and_an_opportunity_to_offers(app, demo, in_app):
    staff = log_in(app.test_client(), "staff@oiep.example.org", DEMO_PASSWORD)
    offer_id = in_app(lambda: db.session.scalar(select(Offer.id).order_by(Offer.id).limit(1)))
    opportunity_id = in_app(
        lambda: db.session.scalar(select(Opportunity.id).order_by(Opportunity.id).limit(1))
    )
    assert _titles(staff.get(f"/matching/offers/{offer_id}").get_data(as_text=True))
    assert _titles(staff.get(f"/matching/opportunities/{opportunity_id}").get_data(as_text=True))


def test_only_the_listings_own_organisation_and_staff_see_its_matches(app, demo, in_app, anon):
    need_id = in_app(lambda: db.session.scalar(select(Need.id).order_by(Need.id).limit(1)))
    url = f"/matching/needs/{need_id}"
    assert anon.get(url).status_code == 302
    other = log_in(app.test_client(), "team@parentpower.example.org", DEMO_PASSWORD)
    owner_email = in_app(
        lambda: db.session.get(Need, need_id).organisation.memberships[0].user.email
    )
    if owner_email == "team@parentpower.example.org":
        other = log_in(app.test_client(), "volunteers@arch.example.org", DEMO_PASSWORD)
    assert other.get(url).status_code == 403
    supplier = log_in(app.test_client(), "sales@tvprint.example.org", DEMO_PASSWORD)
    assert supplier.get(url).status_code == 403
    assert supplier.get("/matching/needs/999999").status_code == 404


def test_an_unknown_kind_of_listing_is_not_found(staff):
    assert staff.get("/matching/widgets/1").status_code == 404


def test_a_matches_page_shows_a_matched_offers_new_title_once_it_is_saved(app, demo, in_app):
    """The page is cached between requests, and every commit drops what was cached."""
    staff = log_in(app.test_client(), "staff@oiep.example.org", DEMO_PASSWORD)
    need_id = in_app(lambda: db.session.scalar(select(Need.id).where(Need.title.ilike("%read%"))))
    url = f"/matching/needs/{need_id}"
    first = _titles(staff.get(url).get_data(as_text=True))[0]

    def rename() -> None:
        offer = db.session.scalars(select(Offer).where(Offer.title == unescape(first))).one()
        offer.title = "Reading volunteers, renamed"
        db.session.commit()

    in_app(rename)

    assert _titles(staff.get(url).get_data(as_text=True))[0] == "Reading volunteers, renamed"
    api = staff.get(f"/api/v1/needs/{need_id}/matches").get_json()
    assert api["matches"][0]["name"] == "Reading volunteers, renamed"


def test_a_cached_matches_page_is_still_refused_to_people_who_may_not_see_it(app, demo, in_app):
    staff = log_in(app.test_client(), "staff@oiep.example.org", DEMO_PASSWORD)
    supplier = log_in(app.test_client(), "sales@tvprint.example.org", DEMO_PASSWORD)
    need_id = in_app(lambda: db.session.scalar(select(Need.id).order_by(Need.id).limit(1)))
    for url in (f"/matching/needs/{need_id}", f"/api/v1/needs/{need_id}/matches"):
        assert staff.get(url).status_code == 200
        assert staff.get(url).status_code == 200  # now from the cache

        assert supplier.get(url).status_code == 403


def test_a_cached_matches_page_reads_only_the_topic_versions_from_the_database(app, demo, in_app):
    staff = log_in(app.test_client(), "staff@oiep.example.org", DEMO_PASSWORD)
    need_id = in_app(lambda: db.session.scalar(select(Need.id).order_by(Need.id).limit(1)))
    for url in (f"/matching/needs/{need_id}", f"/api/v1/needs/{need_id}/matches"):
        assert staff.get(url).status_code == 200
        with app.app_context(), counted_statements() as statements:
            assert staff.get(url).status_code == 200
        queries = [s for s in statements if "SAVEPOINT" not in s]  # the test's transaction
        assert len(queries) == 1 and "FROM topic_versions" in queries[0]


def _reading(statements: list[str], table: str) -> list[str]:
    """The statements that read `table` (in a FROM or a JOIN)."""
    return [s for s in statements if re.search(rf"(FROM|JOIN) {table}\b", s)]


def test_an_opportunity_its_suppliers_and_what_their_cards_link_to_are_read_cold_in_one_query(
    app, demo, in_app
):
    """Every opportunity of the county has a matches page, mostly asked for once. The
    opportunity (what deciding who may see it reads) and its stored suppliers come in one
    query with their names, the version of the policy in force, whether it has trades and
    measures (all the advice reads of its asks) and what the cards link to (the offers that
    count, the offer-level matches): not one query for the opportunity, one for whether the
    ranking is stored, others for the policy, the asks, offers and matches."""
    staff = log_in(app.test_client(), "staff@oiep.example.org", DEMO_PASSWORD)
    opportunity_id = in_app(
        lambda: db.session.scalar(select(Opportunity.id).order_by(Opportunity.id).limit(1))
    )
    for url in (
        f"/matching/opportunities/{opportunity_id}",
        f"/api/v1/opportunities/{opportunity_id}/matches",
    ):
        staff.get(url)  # stores the ranking if the demo's rebuild has not
        in_app(cache.clear)  # cold: asked for by no one since the last commit
        with app.app_context(), counted_statements() as statements:
            page = staff.get(url).get_data(as_text=True)
        assert "Suppliers for" in page or '"matches"' in page
        ranking = _reading(statements, "supplier_rankings")
        assert len(ranking) == 1, statements
        assert _reading(ranking, "supplier_matches") and _reading(ranking, "organisations")
        assert _reading(statements, "opportunities") == ranking
        assert _reading(statements, "matching_policy_versions") == ranking
        assert _reading(statements, "opportunity_trades") == ranking
        assert _reading(statements, "opportunity_measures") == ranking
        assert _reading(statements, "offers") == ranking, statements
        assert _reading(ranking, "matches")
        assert not [s for s in statements if re.search(r"FROM organisations\s+WHERE", s)]


def test_a_cached_matches_page_comes_with_its_person_in_one_round_trip(
    app, demo, in_app, monkeypatch
):
    staff = log_in(app.test_client(), "staff@oiep.example.org", DEMO_PASSWORD)
    need_id = in_app(lambda: db.session.scalar(select(Need.id).order_by(Need.id).limit(1)))
    for url in (f"/matching/needs/{need_id}", f"/api/v1/needs/{need_id}/matches"):
        assert staff.get(url).status_code == 200
        reads = counted_cache_reads(monkeypatch)
        assert staff.get(url).status_code == 200
        assert len(reads) == 1, reads
        monkeypatch.undo()


@pytest.fixture
def archs_draft(app, demo, in_app):
    """ARCh's reading need made a draft; ARCh's and Parent Power's clients, and its id."""

    def archs_need_made_a_draft() -> int:
        need = db.session.scalars(select(Need).where(Need.title.ilike("%read%"))).first()
        need.status = ListingStatus.DRAFT.value
        db.session.commit()
        return need.id

    need_id = in_app(archs_need_made_a_draft)
    arch = log_in(app.test_client(), "volunteers@arch.example.org", DEMO_PASSWORD)
    parents = log_in(app.test_client(), "team@parentpower.example.org", DEMO_PASSWORD)
    return arch, parents, need_id


def test_a_drafts_cached_matches_stay_hidden_from_other_organisations(archs_draft):
    arch, parents, need_id = archs_draft
    for url in (f"/matching/needs/{need_id}", f"/api/v1/needs/{need_id}/matches"):
        assert arch.get(url).status_code == 200  # ranked live for its own organisation
        assert parents.get(url).status_code == 404, "a draft's existence stays private"


def test_nothing_is_worked_out_or_kept_for_someone_refused(archs_draft, monkeypatch):
    """A draft is ranked live: a guessed id must not make the server rank it."""
    arch, parents, need_id = archs_draft
    ranked = []
    matches_for = listing_matches.matches_for
    monkeypatch.setattr(
        listing_matches, "matches_for", lambda listing: ranked.append(1) or matches_for(listing)
    )
    for url in (f"/matching/needs/{need_id}", f"/api/v1/needs/{need_id}/matches"):
        assert parents.get(url).status_code == 404
        assert ranked == []
        assert arch.get(url).status_code == 200  # not served anything kept for the refused
        assert ranked == [1]
        ranked.clear()
