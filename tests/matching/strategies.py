"""Hypothesis strategies and a small catalogue for the matching core's tests (the
supplier scorer's too)."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from brokerage.matching import Candidate, Catalogue, MeasureInfo, Wanted, WantedMeasure
from brokerage.matching.supplier_model import OpportunityQuery, PooledMeasure, SupplierCandidate

# A slice of the OIEP local measures: two themes, with outcomes holding several measures.
CATALOGUE = Catalogue(
    [
        MeasureInfo(
            "OIEP-J1", "People aged over 50 recruited", "people", "Over 50s in work", "Jobs"
        ),
        MeasureInfo(
            "OIEP-J2",
            "Businesses changing recruitment",
            "organisations",
            "Over 50s in work",
            "Jobs",
        ),
        MeasureInfo("OIEP-J4", "Prison leavers employed", "people", "Prison leavers", "Jobs"),
        MeasureInfo(
            "OIEP-S1", "Reading helper volunteers", "volunteers", "Children read well", "Social"
        ),
        MeasureInfo("OIEP-S2", "Schools supported", "schools", "Children read well", "Social"),
        MeasureInfo(
            "OIEP-S6", "Employee volunteering hours", "hours", "Stronger communities", "Social"
        ),
        MeasureInfo("OIEP-S7", "Money donated", "GBP", "Stronger communities", "Social"),
    ]
)
CODES = list(CATALOGUE.codes) + ["UNKNOWN-1"]
WORDS = [
    "reading",
    "volunteers",
    "schools",
    "catering",
    "cleaning",
    "mentoring",
    "jobs",
    "prison",
    "leavers",
    "readng",
    "volunteres",
    "children",
    "oxford",
    "events",
    # Word families, synonym phrases, the app's own words and short look-alikes.
    "volunteering",
    "helpers",
    "literacy support",
    "hearing children read",
    "laptops",
    "devices",
    "demo",
    "listing",
    "read",
    "ready",
    "mentors",
    "county",
    "community",
    # Short look-alikes a typo rule must tell apart (plant, paint) or join (cleen, clean).
    "planting",
    "paint",
    "cleening",
    "cleaning",
    # General words that count little, a short word in capitals, an -ing without its i.
    "support",
    "older people",
    "weekly",
    "IT support",
    "readng",
]

PLACES = ["Oxford", "County", "Blackbird Leys", "Reading"]

eastings = st.floats(min_value=400_000, max_value=480_000, allow_nan=False)
northings = st.floats(min_value=180_000, max_value=250_000, allow_nan=False)
quantities = st.one_of(st.none(), st.floats(min_value=0, max_value=500, allow_nan=False))
texts = st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join) | st.text(max_size=40)
dates = st.one_of(st.none(), st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 12, 31)))
categories = st.one_of(st.none(), st.sampled_from(["catering", "cleaning", "education"]))


@st.composite
def wanted(draw: st.DrawFn) -> Wanted:
    start, end = sorted([draw(dates) or date(2023, 1, 1), draw(dates) or date(2025, 12, 31)])
    return Wanted(
        easting=draw(eastings),
        northing=draw(northings),
        measures=tuple(
            WantedMeasure(code, draw(quantities), draw(st.floats(min_value=0.1, max_value=5)))
            for code in draw(st.lists(st.sampled_from(CODES), max_size=4, unique=True))
        ),
        text=draw(texts),
        category=draw(categories),
        start=start if draw(st.booleans()) else None,
        end=end if draw(st.booleans()) else None,
        max_distance_m=draw(st.one_of(st.none(), st.floats(min_value=1_000, max_value=100_000))),
        in_priority_place=draw(st.booleans()),
        can_be_sent=draw(st.booleans()),
        # Place names a text may share (oxford, county are among WORDS): not the help.
        place_names=frozenset(draw(st.lists(st.sampled_from(PLACES), max_size=2))),
    )


@st.composite
def candidate(draw: st.DrawFn, key: int = 0) -> Candidate:
    start, end = draw(dates), draw(dates)
    if start and end and end < start:
        start, end = end, start
    return Candidate(
        key=key,
        easting=draw(eastings),
        northing=draw(northings),
        measures={
            code: draw(quantities)
            for code in draw(st.lists(st.sampled_from(CODES), max_size=4, unique=True))
        },
        text=draw(texts),
        category=draw(categories),
        start=start,
        end=end,
        service_radius_m=draw(st.one_of(st.none(), st.floats(min_value=1_000, max_value=100_000))),
        in_priority_place=draw(st.booleans()),
        remote=draw(st.booleans()),
    )


@st.composite
def candidate_lists(draw: st.DrawFn, max_size: int = 12) -> list[Candidate]:
    size = draw(st.integers(min_value=1, max_value=max_size))
    return [draw(candidate(key=i)) for i in range(size)]


# Fit words as `text.fit_words` gives them, and look-alikes: stems with their typos, short
# words, synonym tokens, and words from any text (duplicates and any order allowed).
FIT_WORDS = [
    "read",
    "readi",
    "readng",
    "volunteer",
    "voluntere",
    "volunter",
    "mentor",
    "mentors",
    "county",
    "community",
    "plant",
    "paint",
    "planting",
    "computer",
    "compter",
    "laptop",
    "devic",
    "literacy",
    "support",
    "suport",
    "=computers",
    "=reading help",
    "jobs",
]
fit_word_lists = st.lists(
    st.sampled_from(FIT_WORDS) | st.text(alphabet="aeinrst=", min_size=1, max_size=9),
    max_size=12,
).map(tuple)


# Suppliers and opportunities for the supplier scorer (brokerage.matching.suppliers).
# Codes under two divisions, at every level, so every relation between two codes occurs.
TRADES = [
    "77000000",
    "77300000",
    "77310000",
    "77311000",
    "77340000",
    "77211400",
    "45000000",
    "45200000",
    "45210000",
    "45441000",
    "55520000",
    "79800000",
    "50700000",
]
SECTORS = st.one_of(st.none(), st.sampled_from(["catering", "cleaning", "construction"]))
word_lists = st.lists(st.sampled_from(WORDS + ["grounds", "landscaping", "catering"]), max_size=6)


@st.composite
def suppliers(draw: st.DrawFn, key: int = 0) -> SupplierCandidate:
    offers = [key * 10 + i for i in range(draw(st.integers(0, 3)))]  # ids, as stored
    measures = {
        code: PooledMeasure(
            draw(st.floats(min_value=0, max_value=500, allow_nan=False)),
            tuple(draw(st.lists(st.sampled_from(offers), unique=True))) if offers else (),
        )
        for code in draw(st.lists(st.sampled_from(CODES), max_size=4, unique=True))
    }
    located = draw(st.booleans())
    return SupplierCandidate(
        key=key,
        easting=draw(eastings) if located else None,
        northing=draw(northings) if located else None,
        service_radius_m=draw(st.one_of(st.none(), st.floats(min_value=0, max_value=80_000))),
        trades=tuple(draw(st.lists(st.sampled_from(TRADES), max_size=3, unique=True))),
        category=draw(SECTORS),
        description=" ".join(draw(word_lists)),
        measures=measures,
        offer_titles={offer: f"Offer {offer}" for offer in offers},
        size=draw(st.one_of(st.none(), st.sampled_from(["micro", "small", "medium", "large"]))),
        vcse=draw(st.booleans()),
        living_wage=draw(st.booleans()),
        charter_signee=draw(st.booleans()),
        priority_place=draw(st.one_of(st.none(), st.sampled_from(["Blackbird Leys", "Barton"]))),
        in_area=draw(st.booleans()),
    )


@st.composite
def supplier_lists(draw: st.DrawFn) -> list[SupplierCandidate]:
    count = draw(st.integers(0, 8))
    return [draw(suppliers(key)) for key in range(count)]


@st.composite
def opportunities(draw: st.DrawFn) -> OpportunityQuery:
    return OpportunityQuery(
        easting=draw(eastings),
        northing=draw(northings),
        trades=tuple(draw(st.lists(st.sampled_from(TRADES), max_size=2, unique=True))),
        category=draw(SECTORS),
        text=" ".join(draw(word_lists)),
        trade_words=" ".join(draw(word_lists)),
        measures=tuple(
            WantedMeasure(
                code,
                draw(st.one_of(st.none(), st.floats(min_value=0, max_value=300))),
                draw(st.floats(min_value=0, max_value=5)),
            )
            for code in draw(st.lists(st.sampled_from(CODES), max_size=4, unique=True))
        ),
        value_pence=draw(st.one_of(st.none(), st.integers(0, 500_000_000))),
    )
