"""Trades: what a supplier can be hired to do, and what an opportunity buys, as CPV codes.

Forms offer the short list below (a label people use, and its CPV code) and a search over
the whole vocabulary (`cpv.search`). Files from partners name trades as they write them: a
code, a label, a common synonym or a CPV description, in any case; `recognise` reads all
of them, and `suggest` offers the nearest for what it cannot read. Pure: no Flask, no
database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process, utils

from . import cpv


@dataclass(frozen=True)
class Trade:
    label: str
    code: str  # a CPV code in the vocabulary
    synonyms: tuple[str, ...] = ()


# About 30 trades councils and the university buy most often from local suppliers, each
# at the broadest CPV code that still names one trade.
COMMON_TRADES = (
    Trade("Building work", "45000000", ("construction", "builders", "building", "builder")),
    Trade(
        "Building repairs and maintenance",
        "50700000",
        ("building maintenance", "repairs and maintenance", "property maintenance"),
    ),
    Trade("Electrical work", "45310000", ("electrical", "electrician", "electricians")),
    Trade("Plumbing and heating", "45330000", ("plumbing", "plumber", "plumbers", "heating")),
    Trade("Roofing", "45261000", ("roofing", "roofer", "roofers")),
    Trade(
        "Joinery and carpentry",
        "45420000",
        ("joinery", "carpentry", "joiner", "joiners", "carpenter", "carpenters"),
    ),
    Trade("Painting and decorating", "45442100", ("decorating", "painting", "decorators")),
    Trade(
        "Architecture and engineering",
        "71000000",
        ("architects", "architecture", "engineering", "surveying", "surveyors"),
    ),
    Trade(
        "Grounds maintenance and landscaping",
        "77310000",
        ("grounds maintenance", "landscaping", "landscape", "gardening", "horticulture"),
    ),
    Trade("Cleaning", "90910000", ("cleaning services", "cleaners", "office cleaning")),
    Trade("Waste and recycling", "90500000", ("waste", "recycling", "waste management")),
    Trade(
        "Facilities management",
        "79993000",
        ("facilities", "facility management", "fm", "facilities services"),
    ),
    Trade("Security", "79710000", ("security services", "security guards")),
    Trade("Catering", "55520000", ("catering services", "caterers", "food", "hospitality")),
    Trade(
        "IT services",
        "72000000",
        ("it", "it support", "ict", "digital", "software", "software development", "web"),
    ),
    Trade("Telecommunications", "64200000", ("telecoms", "telecommunications")),
    Trade("Printing", "79800000", ("printers", "print", "printing and design")),
    Trade("Marketing and design", "79340000", ("marketing", "advertising", "design")),
    Trade("Transport", "60000000", ("transport services", "logistics", "haulage", "taxis")),
    Trade("Vehicle repairs", "50110000", ("vehicle maintenance", "garage", "mechanics")),
    Trade("Training", "80500000", ("training services", "trainers", "skills training")),
    Trade("Education", "80000000", ("education services", "tutoring", "teaching")),
    Trade("Recruitment", "79600000", ("recruitment services", "staffing", "employment agency")),
    Trade(
        "Business consultancy",
        "79400000",
        ("consultancy", "consulting", "management consultancy"),
    ),
    Trade("Professional services", "79000000", ("business services", "professional")),
    Trade("Legal services", "79100000", ("legal", "solicitors", "law")),
    Trade("Accountancy", "79200000", ("accounting", "accountants", "audit", "bookkeeping")),
    Trade("Translation", "79530000", ("translation services", "interpreting", "translators")),
    Trade("Events", "79952000", ("event services", "event management", "events management")),
    Trade("Health services", "85100000", ("health", "healthcare", "health care")),
    Trade("Social care", "85300000", ("social work", "care services", "care")),
    Trade(
        "Community services",
        "98000000",
        ("community", "community services", "community and personal services"),
    ),
    Trade("Energy", "09300000", ("electricity", "renewable energy", "solar", "energy supply")),
    Trade("Furniture", "39100000", ("furniture supply", "office furniture")),
    Trade("Office supplies", "30190000", ("stationery", "office equipment")),
)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Recognised:
    code: str
    label: str  # the short-list label, or the CPV description


def recognise(text: str) -> Recognised | None:
    """The trade `text` names, if it plainly names one: a CPV code (with or without its
    check digit), a short-list label or synonym, or a CPV description, in any case."""
    entry = cpv.lookup(text)
    if entry:
        return Recognised(entry.code, _label_of(entry.code))
    names, key = _names(), _key(text)
    # "window cleaning" names "Window-cleaning services"; "landscaping" "Landscaping work".
    code = names.get(key) or names.get(f"{key} services") or names.get(f"{key} work")
    return Recognised(code, _label_of(code)) if code and key else None


def suggest(text: str, limit: int = 3) -> list[Recognised]:
    """The nearest trades to words `recognise` could not read: short-list labels and
    synonyms first, then descriptions from the whole vocabulary."""
    names = _names()
    if not _key(text):
        return []
    near = process.extract(
        _key(text), names.keys(), scorer=fuzz.WRatio, limit=limit * 2, score_cutoff=80
    )
    codes: list[str] = []
    for name, _, _ in near:
        if names[name] not in codes:
            codes.append(names[name])
    for entry in cpv.search(text, limit):
        if entry.code not in codes:
            codes.append(entry.code)
    return [Recognised(code, _label_of(code)) for code in codes[:limit]]


def label_of(code: str) -> str:
    """What people are shown for a trade's code: its short-list label, else its CPV
    description, else the code itself."""
    return _label_of(code)


def trade_words(code: str) -> str:
    """What a search may find a trade by: its CPV description, and the short-list labels
    and synonyms of it and of the broader codes it lies within (a grounds maintenance
    firm is found by "landscaping")."""
    entry = cpv.vocabulary().get(code)
    covering = {code, *cpv.ancestors(code)}
    named = [t for t in COMMON_TRADES if t.code in covering]
    parts = [*(t.label for t in named), *(s for t in named for s in t.synonyms)]
    return " ".join([*parts, entry.description if entry else ""])


def _label_of(code: str) -> str:
    for trade in COMMON_TRADES:
        if trade.code == code:
            return trade.label
    entry = cpv.vocabulary().get(code)
    return entry.description if entry else code


def _key(text: str) -> str:
    return _SPACES.sub(" ", utils.default_process(text or ""))


@cache
def _names() -> dict[str, str]:
    """Every way of naming a trade `recognise` accepts, normalised, with its code. The
    short list wins over a CPV description that says the same words."""
    names = {_key(entry.description): code for code, entry in cpv.vocabulary().items()}
    for trade in COMMON_TRADES:
        for name in (trade.label, *trade.synonyms):
            names[_key(name)] = trade.code
    return names
