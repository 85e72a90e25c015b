"""UK postcode format: check and normalise (`ox44hh` -> `OX4 4HH`). The messages give the
partnership's own examples (the default partnership's outside an app)."""

from __future__ import annotations

import re

from ..partnership import current_partnership

# The outward code (area, district) and inward code (sector, unit) as Royal Mail defines them.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][ABD-HJLNP-UW-Z]{2})$")


class InvalidPostcode(ValueError):
    """The text is not a UK postcode."""


def normalise_postcode(text: str) -> str:
    """Return the postcode in its standard form, or raise InvalidPostcode."""
    compact = re.sub(r"\s+", "", text or "").upper()
    match = _POSTCODE.match(compact)
    if not match:
        example = current_partnership().examples["postcode"]
        raise InvalidPostcode(f"“{text.strip()[:20]}” is not a UK postcode, such as {example}.")
    return f"{match.group(1)} {match.group(2)}"


_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_SECTOR = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9])$")


def normalise_prefix(text: str) -> str:
    """A postcode district (`OX4`), sector (`OX4 6`) or whole postcode (`OX4 6JZ`) in its
    standard form, or InvalidPostcode."""
    spaced = " ".join((text or "").upper().split())
    if _DISTRICT.match(spaced) or _SECTOR.match(spaced):
        return spaced
    try:
        return normalise_postcode(spaced)
    except InvalidPostcode:
        examples = current_partnership().examples
        raise InvalidPostcode(
            f"“{(text or '').strip()[:20]}” is not a postcode district "
            f"({examples['district_prefix']}), sector ({examples['sector_prefix']}) "
            f"or postcode ({examples['sector_postcode']})."
        ) from None


def prefixes_of(postcode: str) -> tuple[str, str, str]:
    """The district, sector and whole postcode a normalised postcode belongs to."""
    outward, inward = postcode.split(" ")
    return outward, f"{outward} {inward[0]}", postcode
