"""The Common Procurement Vocabulary (CPV 2008): the codes UK public buyers classify what
they buy with, and their hierarchy. Pure: no Flask, no database.

`data/cpv-2008.csv` is the vocabulary of Commission Regulation (EC) No 213/2008 (see the
README's data sources): 9,454 codes, each `code,level,description`. A code has 8 digits;
notices also write a check digit after a hyphen (`45000000-7`), which is dropped here.
A division is named by its first 2 digits, a group by 3, a class by 4; a category by 5 or
more.

    lookup("45000000-7").description   # "Construction work"
    ancestors("77314000")               # ("77000000", "77300000", "77310000")
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rapidfuzz import fuzz, process, utils

LEVELS = ("division", "group", "class", "category")
# Significant digits of each level above category (a category has 5 or more).
LEVEL_DIGITS = {"division": 2, "group": 3, "class": 4}
_CODE = re.compile(r"^\s*(\d{8})(?:\s*-\s*\d)?\s*$")


@dataclass(frozen=True)
class CpvCode:
    code: str
    level: str
    description: str

    @property
    def label(self) -> str:
        return f"{self.code} {self.description}"


@cache
def vocabulary() -> dict[str, CpvCode]:
    """Every code, by its 8 digits, in the file's order (divisions before their groups)."""
    text = resources.files(__package__).joinpath("data/cpv-2008.csv").read_text("utf-8")
    return {
        row["code"]: CpvCode(row["code"], row["level"], row["description"])
        for row in csv.DictReader(text.splitlines())
    }


def normalise_code(text: str) -> str | None:
    """The 8 digits of a code as written in a notice or a file, or None if it is not one."""
    found = _CODE.match(text or "")
    return found.group(1) if found else None


def lookup(text: str) -> CpvCode | None:
    """The code written as `text` (with or without its check digit), if the vocabulary has
    it."""
    code = normalise_code(text)
    return vocabulary().get(code) if code else None


def prefix_at(code: str, level: str) -> str:
    """The digits that name `code`'s division, group or class."""
    return code[: LEVEL_DIGITS[level]]


def ancestors(code: str) -> tuple[str, ...]:
    """The codes above `code` that the vocabulary holds, broadest first."""
    known = vocabulary()
    above = []
    for digits in range(2, 8):
        candidate = code[:digits].ljust(8, "0")
        if candidate != code and candidate in known and candidate not in above:
            above.append(candidate)
    return tuple(above)


def search(query: str, limit: int = 20) -> list[CpvCode]:
    """Codes for what someone typed: a code or its first digits, or words of descriptions
    (each word may be misspelt or shortened). Codes matching more of the words come first,
    then broader codes, then shorter descriptions."""
    text = query.strip()
    if not text:
        return []
    known = vocabulary()
    digits = re.sub(r"[\s-]", "", text)
    if digits.isdigit():
        return [entry for code, entry in known.items() if code.startswith(digits[:8])][:limit]
    index = _word_index()
    scores: dict[str, float] = {}
    for word in _words(text):
        similar = process.extract(
            word, index.keys(), scorer=_word_similarity, limit=None, score_cutoff=85
        )
        best: dict[str, float] = {}
        for found, similarity, _ in similar:
            for code in index[found]:
                best[code] = max(best.get(code, 0.0), similarity)
        for code, similarity in best.items():
            scores[code] = scores.get(code, 0.0) + similarity
    ranked = sorted(
        scores,
        key=lambda code: (
            -round(scores[code]),
            LEVELS.index(known[code].level),
            len(known[code].description),
        ),
    )
    return [known[code] for code in ranked[:limit]]


def _word_similarity(typed: str, word: str, **_: object) -> float:
    """How well a typed word names a vocabulary word: its start ("maint" for
    "maintenance") counts in full; otherwise spelling similarity."""
    if len(typed) >= 4 and word.startswith(typed):
        return 100.0
    return fuzz.ratio(typed, word)


def _words(text: str) -> list[str]:
    return [word for word in utils.default_process(text).split() if len(word) > 2]


@cache
def _word_index() -> dict[str, tuple[str, ...]]:
    """Each word of the descriptions, with the codes whose description has it."""
    codes: dict[str, list[str]] = {}
    for code, entry in vocabulary().items():
        for word in set(_words(entry.description)):
            codes.setdefault(word, []).append(code)
    return {word: tuple(found) for word, found in codes.items()}
