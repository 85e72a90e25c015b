"""Stored supplier matches (issue 21, point 6): an opportunity stores its top suppliers with
the offers that gave credit, a supplier its top opportunities, and a save recomputes only
what it can change. Top 2 here (conftest), so that a few suppliers fill a ranking."""

from __future__ import annotations

import re
from dataclasses import asdict
from decimal import Decimal

import pytest
from sqlalchemy import select

from brokerage.accounts.models import User
from brokerage.extensions import db
from brokerage.jobs import work
from brokerage.listings.models import Need, Offer, Opportunity
from brokerage.matches import kept, supplier_store, suppliers
from brokerage.matches.jobs import mark_everything_changed
from brokerage.matches.models import Match, State
from brokerage.matches.policy import publish_policy
from brokerage.matches.supplier_models import SupplierMatch, SupplierRanking
from brokerage.matches.supplier_store import rebuild_supplier_matches
from brokerage.matching import MatchingPolicy
from brokerage.places.service import save_priority_place
from brokerage.workflow.interest import express_interest
from tests.factories import PriorityPlacePrefixFactory
from tests.helpers.api import bearer
from tests.helpers.app import counted_statements, query_plan
from tests.helpers.matches import (
    CATERING,
    CLEANING,
    TRANSLATION,
    offer,
    reading_need,
    set_profile,
    supplier_rows,
)
from tests.helpers.web import log_in, post_form


def _ranks_and_scores(rows: dict) -> dict:
    return {pair: values[:4] for pair, values in rows.items()}


@pytest.fixture
def cleaning(county) -> dict[str, int]:
    """Three cleaning firms and a caterer; a cleaning contract at County Hall."""
    for key in ("readers", "printers", "cleaners"):
        set_profile(county, key, (CLEANING,))
    set_profile(county, "caterers", (CATERING,))
    jobs = {"OIEP-J1": Decimal(3)}
    ids = {
        "near": county.list("offer", "cleaners", **offer("Local cleaning jobs", "OX4 4HH", jobs)),
        "middle": county.list("offer", "printers", **offer("Cleaning crew", "OX1 1ND", jobs)),
        "weak": county.list(
            "offer", "readers", **offer("Reading", "OX4 2JY", {"OIEP-S1": Decimal(4)})
        ),
        "caterer": county.list("offer", "caterers", **offer("Kitchen jobs", "OX4 1JE", jobs)),
    }
    ids["contract"] = cleaning_contract(county, "Cleaning at County Hall", "OX1 1ND")
    return ids


def cleaning_contract(county, title: str, postcode: str) -> int:
    """A published cleaning contract of the buyer's asking for three jobs."""
    return county.list(
        "opportunity",
        "buyer",
        title=title,
        postcode=postcode,
        trades=(CLEANING,),
        measures={"OIEP-J1": Decimal(3)},
        weights={"OIEP-J1": Decimal(1)},
    )


def _rebuilt(in_app) -> dict:
    def run() -> None:
        rebuild_supplier_matches()
        db.session.commit()

    in_app(run)
    return supplier_rows(in_app)


def test_publishing_an_opportunity_stores_its_top_suppliers_with_the_offers_that_count(
    county, cleaning, in_app
):
    rows = supplier_rows(in_app)
    ranked = sorted(
        (values[1], organisation)
        for (opportunity, organisation), values in rows.items()
        if opportunity == cleaning["contract"] and values[1]
    )
    organisations = county.organisations
    assert [organisation for _, organisation in ranked] == [
        organisations["printers"],
        organisations["cleaners"],
    ]
    assert rows[(cleaning["contract"], organisations["printers"])][3] == (cleaning["middle"],)
    # Never the caterer, however near: another trade.
    assert not any(org == organisations["caterers"] for _, org in rows)


def test_saves_leave_what_a_full_rebuild_would(county, cleaning, in_app):
    county.edit("offer", cleaning["weak"], **offer("Cleaning jobs", "OX4 2JY", {"OIEP-J1": 9}))
    set_profile(county, "cleaners", (CATERING,))
    county.edit(
        "opportunity",
        cleaning["contract"],
        postcode="OX4 4HH",
        trades=(CLEANING,),
        measures={"OIEP-J1": Decimal(3)},
        weights={"OIEP-J1": Decimal(1)},
    )
    county.act("offer", cleaning["middle"], "archive")
    after_saves = _ranks_and_scores(supplier_rows(in_app))
    assert after_saves == _ranks_and_scores(_rebuilt(in_app))


def test_a_supplier_that_improves_enters_and_one_that_falls_lets_the_next_back(
    county, cleaning, in_app
):
    contract, organisations = cleaning["contract"], county.organisations

    def ranking() -> list[int]:
        rows = supplier_rows(in_app)
        ranked = sorted((v[1], o) for (opp, o), v in rows.items() if opp == contract and v[1])
        return [organisation for _, organisation in ranked]

    assert organisations["readers"] not in ranking()
    county.edit(
        "offer", cleaning["weak"], **offer("Cleaning jobs", "OX1 1ND", {"OIEP-J1": Decimal(9)})
    )
    assert ranking()[0] == organisations["readers"]
    assert organisations["cleaners"] not in ranking()  # pushed out of the top 2
    county.act("offer", cleaning["weak"], "archive")
    assert organisations["readers"] not in ranking()
    assert organisations["cleaners"] in ranking()  # moves back up


def test_saving_an_offer_rewrites_only_its_suppliers_rows(county, cleaning, in_app):
    before = supplier_rows(in_app)
    county.edit(
        "offer",
        cleaning["middle"],
        **offer("Cleaning crew", "OX1 1ND", {"OIEP-J1": Decimal(3)}, description="Now more."),
    )
    after = supplier_rows(in_app)
    changed = {pair for pair in before if before[pair] != after.get(pair)}
    assert changed == {pair for pair in before if pair[1] == county.organisations["printers"]}, (
        changed
    )


def test_recomputing_an_opportunity_reads_its_suppliers_rankings_together_not_one_by_one(
    county, cleaning, in_app
):
    before = _ranks_and_scores(supplier_rows(in_app))

    def recompute() -> list[str]:
        kept.supplier_side()  # the kept world read before counting
        with counted_statements() as statements:
            supplier_store.recompute_supplier_matches(opportunity_ids=[cleaning["contract"]])
        db.session.commit()
        return statements

    statements = in_app(recompute)
    one_by_one = [s for s in statements if re.search(r"supplier_matches.organisation_id = ", s)]
    assert not one_by_one, "a ranking that stays as stored is not read or written again"
    assert _ranks_and_scores(supplier_rows(in_app)) == before


def test_archiving_the_opportunity_drops_its_stored_suppliers(county, cleaning, in_app):
    county.act("opportunity", cleaning["contract"], "archive")
    assert not any(opp == cleaning["contract"] for opp, _ in supplier_rows(in_app))


def _buyers_token(county, in_app, token_for) -> str:
    buyer = in_app(
        lambda: db.session.scalar(select(User.id).where(User.email == county.email("buyer")))
    )
    return token_for(buyer)


def _forget_stored_rankings(in_app) -> None:
    def forget() -> None:
        db.session.execute(SupplierMatch.__table__.delete())
        db.session.execute(SupplierRanking.__table__.delete())
        db.session.commit()

    in_app(forget)


def test_the_api_reads_the_stored_ranking(app, county, cleaning, in_app, token_for):
    def reword() -> None:
        row = db.session.scalars(
            select(SupplierMatch).where(SupplierMatch.opportunity_rank == 1)
        ).one()
        row.reasons = ["As stored"]
        db.session.commit()

    in_app(reword)
    token = _buyers_token(county, in_app, token_for)
    url = f"/api/v1/opportunities/{cleaning['contract']}/matches"
    answer = app.test_client().get(url, headers=bearer(token)).get_json()
    assert answer["matches"][0]["reasons"] == ["As stored"]


def _ranked_live_answer(app, url: str, token: str, county, cleaning) -> None:
    answer = app.test_client().get(url, headers=bearer(token)).get_json()
    assert [m["id"] for m in answer["matches"]] == [
        county.organisations["printers"],
        county.organisations["cleaners"],
    ]
    assert answer["matches"][0]["offers"][0]["id"] == cleaning["middle"]


def test_a_missing_ranking_is_ranked_live_and_a_worker_stores_it_the_get_writes_nothing(
    app, county, cleaning, in_app, token_for, with_redis
):
    _forget_stored_rankings(in_app)
    token = _buyers_token(county, in_app, token_for)
    url = f"/api/v1/opportunities/{cleaning['contract']}/matches"
    _ranked_live_answer(app, url, token, county, cleaning)
    assert supplier_rows(in_app) == {}, "a GET writes nothing"
    assert in_app(lambda: db.session.get(SupplierRanking, cleaning["contract"])) is None
    in_app(lambda: work(burst=True))
    assert {pair[0] for pair in supplier_rows(in_app)} == {cleaning["contract"]}
    assert in_app(lambda: db.session.get(SupplierRanking, cleaning["contract"])) is not None


def test_without_redis_a_missing_ranking_is_stored_after_the_get_in_its_own_transaction(
    app, county, cleaning, in_app, token_for
):
    _forget_stored_rankings(in_app)
    token = _buyers_token(county, in_app, token_for)
    url = f"/api/v1/opportunities/{cleaning['contract']}/matches"
    _ranked_live_answer(app, url, token, county, cleaning)
    assert {pair[0] for pair in supplier_rows(in_app)} == {cleaning["contract"]}
    assert in_app(lambda: db.session.get(SupplierRanking, cleaning["contract"])) is not None


def test_an_opportunity_no_supplier_fits_is_stored_as_ranked_and_shown_without_ranking(
    app, county, cleaning, in_app, monkeypatch
):
    translation = county.list(
        "opportunity",
        "buyer",
        title="Translation of school letters",
        trades=(TRANSLATION,),
        measures={"OIEP-J1": Decimal(3)},
        weights={"OIEP-J1": Decimal(1)},
    )
    assert not any(opportunity == translation for opportunity, _ in supplier_rows(in_app))
    noted = in_app(lambda: db.session.get(SupplierRanking, translation))
    assert noted is not None and noted.policy_version == 0

    scored = []
    for module, name in ((supplier_store, "score_suppliers"), (suppliers, "rank_suppliers")):
        scorer = getattr(module, name)
        monkeypatch.setattr(
            module, name, lambda *args, scorer=scorer: scored.append(args) or scorer(*args)
        )
    client = log_in(app.test_client(), county.email("buyer"))
    page = client.get(f"/matching/opportunities/{translation}")
    assert page.status_code == 200
    assert "No supplier matches yet" in page.get_data(as_text=True)
    assert scored == [], "read from storage, not ranked again"

    county.act("opportunity", translation, "archive")
    assert in_app(lambda: db.session.get(SupplierRanking, translation)) is None


def _interest(county, model: type, seeker_id: int, offer_id: int, who: str) -> None:
    """A member of the supplier `who` expresses interest through one of its offers."""
    with county.app.app_context():
        user = db.session.scalar(select(User).where(User.email == county.email(who)))
        seeker = db.session.get(model, seeker_id)
        express_interest(seeker, db.session.get(Offer, offer_id), user)
        db.session.commit()


def test_a_suppliers_for_you_shows_opportunities_to_bid_for_and_needs_it_could_help(
    app, county, cleaning
):
    need = county.list("need", "arch", **reading_need(postcode="OX1 1ND"))
    _interest(county, Opportunity, cleaning["contract"], cleaning["middle"], "printers")
    _interest(county, Need, need, cleaning["middle"], "printers")
    client = log_in(app.test_client(), county.email("printers"))
    url = f"/matching/organisations/{county.organisations['printers']}/opportunities-for-you"
    html = client.get(url).get_data(as_text=True)
    bids, needs = html.split("Needs you could help")
    assert "Opportunities you could bid for" in bids and "Cleaning at County Hall" in bids
    assert "Offers that count" in bids and "Cleaning crew" in bids
    assert "Under way: Interest expressed" in bids
    assert "Reading volunteers for schools" in needs
    assert "Stage: " in needs and ">Interest expressed</span>" in needs  # the stage badge


def test_an_opportunity_whose_match_ended_without_help_is_not_offered_again(
    app, county, cleaning, in_app
):
    _interest(county, Opportunity, cleaning["contract"], cleaning["middle"], "printers")
    client = log_in(app.test_client(), county.email("printers"))
    url = f"/matching/organisations/{county.organisations['printers']}/opportunities-for-you"
    bids = client.get(url).get_data(as_text=True).split("Needs you could help")[0]
    assert "Cleaning at County Hall" in bids and "Under way: Interest expressed" in bids

    def decline() -> None:
        match = db.session.scalar(
            select(Match).where(
                Match.opportunity_id == cleaning["contract"], Match.offer_id == cleaning["middle"]
            )
        )
        match.state = State.DECLINED.value
        db.session.commit()

    in_app(decline)
    bids = client.get(url).get_data(as_text=True).split("Needs you could help")[0]
    assert "Cleaning at County Hall" not in bids and "Under way" not in bids


@pytest.mark.parametrize(
    ("state", "progress"),
    [
        (State.IN_DISCUSSION, "Under way: In discussion"),
        (State.DELIVERED, "Delivered, waiting to be verified"),
        (State.VERIFIED, "Delivered and verified"),
    ],
)
def test_for_you_and_the_buyers_page_say_a_delivered_match_is_delivered_not_under_way(
    app, county, cleaning, in_app, state, progress
):
    _interest(county, Opportunity, cleaning["contract"], cleaning["middle"], "printers")

    def move() -> None:
        match = db.session.scalar(
            select(Match).where(
                Match.opportunity_id == cleaning["contract"], Match.offer_id == cleaning["middle"]
            )
        )
        match.state = state.value
        db.session.commit()

    in_app(move)
    client = log_in(app.test_client(), county.email("printers"))
    url = f"/matching/organisations/{county.organisations['printers']}/opportunities-for-you"
    bids = client.get(url).get_data(as_text=True).split("Needs you could help")[0]
    assert f'<span class="badge text-bg-info">{progress}</span>' in bids
    buyer = log_in(app.test_client(), county.email("buyer"))
    suppliers = buyer.get(f"/matching/opportunities/{cleaning['contract']}").get_data(as_text=True)
    stored = f'Open the match with Cleaning crew</a> <span class="text-body-secondary">({progress})'
    assert stored in suppliers
    if state != State.IN_DISCUSSION:
        assert "Under way" not in bids + suppliers


def test_a_supplier_with_no_fitting_opportunity_is_told_what_to_add(app, county, cleaning):
    client = log_in(app.test_client(), county.email("caterers"))
    url = f"/matching/organisations/{county.organisations['caterers']}/opportunities-for-you"
    html = client.get(url).get_data(as_text=True)
    assert "No published opportunity fits yet" in html and "Add your trades" in html


def test_a_suppliers_for_you_leads_on_to_every_match_and_to_adding_an_offer(app, county, cleaning):
    caterers = county.organisations["caterers"]
    client = log_in(app.test_client(), county.email("caterers"))
    html = client.get(f"/matching/organisations/{caterers}/opportunities-for-you").get_data(
        as_text=True
    )
    assert f'<a href="/matching/organisations/{caterers}/matches">Every match of' in html
    needs = html.split("Needs you could help")[1]
    assert "No published need fits your offers yet" in needs
    assert f'<a href="/organisations/{caterers}/offers/new">add an offer</a>' in needs


def test_what_buyers_value_is_the_published_policys(county, cleaning, in_app):
    set_profile(county, "printers", (CLEANING,), is_vcse=True)

    def publish_vcse_only() -> None:
        staff = county.staff()
        weights = {"sme_weight": 0, "vcse_weight": 1, "living_wage_weight": 0, "charter_weight": 0}
        publish_policy(MatchingPolicy(**weights), "VCSE only", staff)
        mark_everything_changed()
        db.session.commit()

    in_app(publish_vcse_only)

    def supplier_parts() -> dict[int, tuple[float, int]]:
        rows = db.session.scalars(
            select(SupplierMatch).where(SupplierMatch.opportunity_id == cleaning["contract"])
        )
        return {row.organisation_id: (row.supplier_score, row.policy_version) for row in rows}

    parts = in_app(supplier_parts)
    assert parts[county.organisations["printers"]] == (1.0, 1)
    assert parts[county.organisations["cleaners"]] == (0.0, 1)  # small, but SMEs weigh 0


def test_staff_try_what_buyers_value_on_opportunities_suppliers_in_the_sandbox(
    app, county, cleaning
):
    set_profile(county, "cleaners", (CLEANING,), is_vcse=True)
    staff = log_in(app.test_client(), "staff@example.org")
    sandbox = "/matching/policy/sandbox"
    draft = {name: str(value) for name, value in asdict(MatchingPolicy()).items()}
    # Buyers value SMEs alone: the VCSE co-op's edge goes, and both small firms tie.
    draft |= {"sme_weight": "1", "vcse_weight": "0", "living_wage_weight": "0"}
    draft |= {"charter_weight": "0"}
    html = post_form(staff, sandbox, draft, page=sandbox).get_data(as_text=True)
    section = html.split("Opportunities' suppliers: what buyers value")[1]
    now, in_draft = section.split("In the draft")[:2]
    assert now.index("Cleaners") < now.index("Printers")
    assert in_draft.index("Printers") < in_draft.index("Cleaners")  # a tie: the older first
    assert "what buyers value 1.00" in in_draft


def test_staff_try_the_place_bonuses_on_opportunities_suppliers_in_the_sandbox(
    app, county, cleaning, create, in_app
):
    # The cleaners are based in a priority place (OX4 4HH); a contract in Banbury, beyond
    # both firms' 25 km, with no bonus in force: the nearer printers (OX1 1ND) lead.
    create(PriorityPlacePrefixFactory, prefix="OX4 4")
    cleaning_contract(county, "Cleaning in Banbury", "OX16 9UN")
    no_bonus = asdict(MatchingPolicy(supplier_priority_place_bonus=0))

    def publish_no_bonus() -> None:
        publish_policy(MatchingPolicy(**no_bonus), "No bonus for a priority place", county.staff())
        db.session.commit()

    in_app(publish_no_bonus)
    staff = log_in(app.test_client(), "staff@example.org")
    sandbox = "/matching/policy/sandbox"
    draft = {name: str(value) for name, value in no_bonus.items()}
    draft["supplier_priority_place_bonus"] = "0.6"
    html = post_form(staff, sandbox, draft, page=sandbox).get_data(as_text=True)
    section = html.split("Opportunities' suppliers")[1].split("Cleaning in Banbury")[1]
    now, in_draft = section.split("In the draft")[:2]
    in_draft = in_draft.split("<h3")[0]
    assert now.index("Printers") < now.index("Cleaners")
    assert in_draft.index("Cleaners") < in_draft.index("Printers")
    lifted = re.search(r"Cleaners: [0-9.]+ <span[^>]*>\(place ([0-9.]+)", in_draft)
    before = re.search(r"Cleaners: [0-9.]+ <span[^>]*>\(place ([0-9.]+)", now)
    assert lifted and before and float(lifted.group(1)) > float(before.group(1))


def test_a_new_priority_place_lifts_the_stored_place_of_a_supplier_based_in_it(
    county, cleaning, in_app
):
    # No listing is in the new place (the cleaners' offer moves away): only where the
    # cleaners are based is.
    jobs = {"OIEP-J1": Decimal(3)}
    county.edit("offer", cleaning["near"], **offer("Local cleaning jobs", "OX4 1JE", jobs))
    banbury = cleaning_contract(county, "Cleaning in Banbury", "OX16 9UN")
    cleaners = county.organisations["cleaners"]

    def stored_place() -> float:
        db.session.expire_all()
        return db.session.scalar(
            select(SupplierMatch.place_score).where(
                SupplierMatch.opportunity_id == banbury, SupplierMatch.organisation_id == cleaners
            )
        )

    before = in_app(stored_place)

    def add_place() -> None:
        staff = county.staff()
        prefixes = [("OX4 4", "")]
        save_priority_place(
            None,
            name="Leys",
            local_authority="Oxford",
            prefixes=prefixes,
            reason="",
            source="",
            actor=staff,
        )
        db.session.commit()

    in_app(add_place)
    assert before < 0.9 and in_app(stored_place) == pytest.approx(before + 0.10)


@pytest.mark.parametrize("kind", ["need", "offer", "opportunity"])
def test_a_draft_with_no_measures_and_no_words_is_answered_not_a_500(app, county, kind):
    owner = {"need": "arch", "offer": "readers", "opportunity": "buyer"}[kind]
    bare = {"description": "", "measures": {}}
    if kind == "opportunity":
        bare["weights"] = {}
    listing = county.list(kind, owner, publish=False, **bare)
    client = log_in(app.test_client(), county.email(owner))
    page = client.get(
        f"/matching/{kind}s/{listing}"
        if kind != "opportunity"
        else f"/matching/opportunities/{listing}"
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Add the social value measures" in html or "<ol" in html


# The words each database's plan uses for a read answered by the index alone.
INDEX_ONLY_READ = {
    "sqlite": "USING COVERING INDEX ix_supplier_matches_supplier_rank_score",
    "postgresql": "Index Only Scan using ix_supplier_matches_supplier_rank_score",
}


def test_every_suppliers_nth_score_is_read_from_the_index_not_the_wide_rows(in_app):
    """An opportunity's save reads every supplier's N-th score; at 50,000 suppliers reading
    the rows themselves cost most of the save (issue 21)."""

    def plan() -> tuple[str, str]:
        query = supplier_store.nth_score_query("supplier_rank", SupplierMatch.organisation_id)
        return db.session.connection().dialect.name, query_plan(query)

    dialect, steps = in_app(plan)

    assert INDEX_ONLY_READ[dialect] in steps
