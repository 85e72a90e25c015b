"""UK postcode format: check and normalise (`ox44hh` -> `OX4 4HH`)."""

from __future__ import annotations

import re

# The outward code (area, district) and inward code (sector, unit) as Royal Mail defines them.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][ABD-HJLNP-UW-Z]{2})$")


class InvalidPostcode(ValueError):
    """The text is not a UK postcode."""


def normalise_postcode(text: str) -> str:
    """Return the postcode in its standard form, or raise InvalidPostcode."""
    compact = re.sub(r"\s+", "", text or "").upper()
    match = _POSTCODE.match(compact)
    if not match:
        raise InvalidPostcode(f"“{text.strip()[:20]}” is not a UK postcode, such as OX4 4HH.")
    return f"{match.group(1)} {match.group(2)}"
