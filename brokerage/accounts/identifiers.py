"""Official identifiers of an organisation: its Companies House and Charity Commission
numbers, read as people write them and answered as org-ids (org-id.guide).

    company_number(" sc 12345 ")   # "SC012345"
    company_number("445790")       # "00445790"
    charity_number("1 123 456")    # "1123456"
    org_ids("01234567", "1123456") # ["GB-COH-01234567", "GB-CHC-1123456"]
"""

from __future__ import annotations

import re

from ..formatting import possessive

COMPANY_NUMBER_LENGTH = 8
# Companies House prefixes (two characters, then six digits); no prefix: England and Wales.
# AC ZC FC CE GE CS LP OC SE: England and Wales (assurance, unregistered, overseas,
# charitable incorporated organisation, EEIG, Scottish CIO, limited partnership, LLP,
# Societas Europaea); SA SZ SF GS SL SO SC ES SG: Scotland; NA NZ NF GN NL NC R0 NI EN:
# Northern Ireland (R0: registered before partition).
COMPANY_PREFIXES = frozenset(
    "AC ZC FC CE GE CS LP OC SE SA SZ SF GS SL SO SC ES SG NA NZ NF GN NL NC R0 NI EN".split()
)
CHARITY_DIGITS = (6, 8)
COMPANY_ORG_ID = "GB-COH-"
CHARITY_ORG_ID = "GB-CHC-"
_SPACES = re.compile(r"\s+")


class InvalidIdentifier(ValueError):
    """A number that cannot be the identifier asked for; the message says what one is."""


def company_number(text: str) -> str:
    """A Companies House number as the register writes it: 8 digits, or a prefix from
    COMPANY_PREFIXES and 6 digits. Accepted as well: lower case; spaces anywhere; `RO`
    (letter O) for `R0`; and leading zeros left off, when that can mean one number only:
    6 or 7 digits (`445790` is 00445790), or a prefix and 5 digits (`SC45551` is SC045551).
    Anything else raises InvalidIdentifier."""
    value = _SPACES.sub("", text).upper()
    if value.startswith("RO"):
        value = "R0" + value[2:]
    prefix = "" if value[:2].isdigit() else value[:2]
    digits = value[len(prefix) :]
    if prefix and prefix not in COMPANY_PREFIXES:
        raise InvalidIdentifier(
            f"Company number {text.strip()[:20]} starts with {prefix}, which is not a "
            "Companies House prefix (such as SC, NI or OC)."
        )
    wanted = COMPANY_NUMBER_LENGTH - len(prefix)
    shortest = wanted - (1 if prefix else 2)
    if not (digits.isascii() and digits.isdigit() and shortest <= len(digits) <= wanted):
        raise InvalidIdentifier(
            f"Company number {text.strip()[:20]} is not a Companies House number: those are "
            "8 digits (like 01234567) or two letters and 6 digits (like SC123456)."
        )
    return prefix + digits.zfill(wanted)


def charity_number(text: str) -> str:
    """A Charity Commission (England and Wales) registered number: 6 to 8 digits, spaces
    anywhere allowed. Anything else raises InvalidIdentifier."""
    value = _SPACES.sub("", text)
    low, high = CHARITY_DIGITS
    if not (value.isascii() and value.isdigit() and low <= len(value) <= high):
        raise InvalidIdentifier(
            f"Charity number {text.strip()[:20]} is not a Charity Commission number: those "
            f"are {low} to {high} digits (like 1123456)."
        )
    return value


def org_ids(company: str | None, charity: str | None) -> list[str]:
    """The org-ids of an organisation with these numbers (either may be None)."""
    return [
        *([COMPANY_ORG_ID + company] if company else []),
        *([CHARITY_ORG_ID + charity] if charity else []),
    ]


# The column of each identifier, how a person names it, and how it is read.
LABELS = {"company_number": "Company number", "charity_number": "Charity number"}
READERS = {"company_number": company_number, "charity_number": charity_number}


def taken(column: str, number: str, owner: str, where: str = "") -> str:
    """What a second organisation with the same number is told."""
    return f"{LABELS[column]} {number} is already {possessive(owner)}{where}."
