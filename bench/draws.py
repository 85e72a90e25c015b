"""What the load benchmark's users ask for, drawn afresh for each request.

Searches: words of the generated county's own vocabulary and of the common trades (some
misspelt), often with a real postcode of the partnership's area and a radius, sometimes a
sector. Pages: suppliers and opportunities from the whole county. Every draw comes from a
seeded generator, so two runs (before and after a change) ask for the same things in the
same order. Cold draws never repeat a search and go through every id before any comes
again; warm draws repeat a small set, which the cache remembers.
"""

from __future__ import annotations

import itertools
import random
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import Engine, text

from bench.county import SECTORS, THEMES, oxfordshire_points
from brokerage.listings.choices import Category
from brokerage.listings.trades import COMMON_TRADES

# Words a search may hold: what the county's offers and names say, and trades people hire.
WORDS = sorted(
    {word for topics in THEMES.values() for word in topics}
    | set(SECTORS)
    | {synonym for trade in COMMON_TRADES for synonym in trade.synonyms if synonym.isalpha()}
)
MISSPELT_SHARE = 0.2
WITH_POSTCODE_SHARE = 0.6
WITH_SECTOR_SHARE = 0.15
RADII = (1, 2, 3, 5, 8, 10, 15, 20, 25, 30)
# How many words a search holds, and how often.
WORD_COUNTS = (1, 2, 3)
WORD_COUNT_WEIGHTS = (0.55, 0.35, 0.10)


def misspell(rng: random.Random, word: str) -> str:
    """One slip of the fingers: two letters swapped, one dropped, one doubled or one
    struck next to it (words under five letters are typed right)."""
    if len(word) < 5 or not word.isalpha():
        return word
    at = rng.randrange(1, len(word) - 1)
    slip = rng.choice(("swap", "drop", "double", "strike"))
    if slip == "swap":
        return word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    if slip == "drop":
        return word[:at] + word[at + 1 :]
    if slip == "double":
        return word[:at] + word[at] + word[at:]
    return word[:at] + rng.choice("aeiourstnl") + word[at + 1 :]


class SearchDrawer:
    """Query strings for /directory/suppliers, from one seeded generator."""

    def __init__(self, seed: int = 23) -> None:
        self.rng = random.Random(seed)
        self.postcodes = [code for code, _, _ in oxfordshire_points()]
        self.sectors = [category.value for category in Category]

    def draw(self) -> str:
        rng = self.rng
        count = rng.choices(WORD_COUNTS, WORD_COUNT_WEIGHTS)[0]
        typed = [
            misspell(rng, word) if rng.random() < MISSPELT_SHARE else word
            for word in rng.sample(WORDS, count)
        ]
        arguments = [("q", " ".join(typed))]
        if rng.random() < WITH_POSTCODE_SHARE:
            arguments += [
                ("postcode", rng.choice(self.postcodes)),
                ("radius", str(rng.choice(RADII))),
                ("unit", rng.choice(("miles", "km"))),
            ]
        if rng.random() < WITH_SECTOR_SHARE:
            arguments.append(("sector", rng.choice(self.sectors)))
        return urllib.parse.urlencode(arguments)


def distinct_searches(seed: int = 23) -> Iterator[str]:
    """Searches never sent before in this run, for ever."""
    drawer, sent = SearchDrawer(seed), set()
    while True:
        search = drawer.draw()
        if search not in sent:
            sent.add(search)
            yield search


def search_set(count: int, seed: int = 23) -> list[str]:
    """`count` distinct searches, to repeat (the warm phase: what the cache remembers)."""
    drawn = distinct_searches(seed)
    return [next(drawn) for _ in range(count)]


@dataclass(frozen=True)
class Targets:
    """The ids users ask for, read from the benchmark's database."""

    suppliers: list[int]
    opportunities: list[int]


def read_targets(engine: Engine) -> Targets:
    with engine.connect() as connection:
        suppliers = connection.scalars(
            text(
                "SELECT organisation_id FROM profiles JOIN organisations o ON o.id = "
                "organisation_id WHERE o.kind = 'supplier' ORDER BY organisation_id"
            )
        ).all()
        opportunities = connection.scalars(
            text("SELECT id FROM opportunities WHERE status = 'published' ORDER BY id")
        ).all()
    return Targets(list(suppliers), list(opportunities))


class EveryOnce:
    """Ids in a seeded random order, each once; when all have been asked for, `on_round`
    is called (the cold phase empties the cache there) and a new order begins. A class,
    not a generator: a greenlet may switch inside `on_round` while another draws."""

    def __init__(self, ids: list[int], seed: int, on_round: Callable[[], None]) -> None:
        self.ids, self.rng, self.on_round = list(ids), random.Random(seed), on_round
        self.order: list[int] = []
        self.rounds = 0

    def __iter__(self) -> EveryOnce:
        return self

    def __next__(self) -> int:
        if not self.order:
            if self.rounds:
                self.on_round()
            self.rounds += 1
            self.rng.shuffle(self.ids)
            self.order = list(self.ids)
        return self.order.pop()


@dataclass(frozen=True)
class Draws:
    """What the next request of each kind asks for."""

    searches: Iterator[str]
    suppliers: Iterator[int]
    opportunities: Iterator[int]


def cold_draws(targets: Targets, seed: int, on_round: Callable[[], None]) -> Draws:
    """Searches never sent before; every supplier and opportunity of the county once
    before any is asked for again (`on_round` at each new round)."""
    return Draws(
        distinct_searches(seed),
        EveryOnce(targets.suppliers, seed, on_round),
        EveryOnce(targets.opportunities, seed, on_round),
    )


def warm_draws(targets: Targets, seed: int, size: int) -> Draws:
    """`size` searches, suppliers and opportunities, asked for over and over."""
    rng = random.Random(seed)
    return Draws(
        itertools.cycle(search_set(size, seed)),
        itertools.cycle(rng.sample(targets.suppliers, min(size, len(targets.suppliers)))),
        itertools.cycle(rng.sample(targets.opportunities, min(size, len(targets.opportunities)))),
    )
