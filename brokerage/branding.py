"""A partnership's look: the logo text and the colours under `[branding]` in its
partnership.toml, checked when read, and served to every page as a small stylesheet of CSS
custom properties (`/partnership.css`), so the content security policy stays
`default-src 'self'` with no inline style.

The stylesheet's URL carries a version made from its content, so a browser keeps it for a
year and fetches it again only when the colours change.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from flask import Flask, Response, current_app, request

HEX_COLOUR = re.compile(r"#[0-9a-f]{6}")
WHITE = "#ffffff"
# WCAG 2.2 success criterion 1.4.3 (AA): normal text needs a contrast ratio of 4.5:1.
AA_TEXT_CONTRAST = 4.5
# The keys under [branding] naming a colour, each with the CSS custom property it sets.
COLOUR_PROPERTIES = {
    "brand": "--brand",
    "brand_dark": "--brand-dark",
    "accent": "--accent",
    "hero": "--hero",
}
# Buttons and the navbar put white text on these.
UNDER_WHITE_TEXT = ("brand", "brand_dark")
ENDPOINT = "partnership_stylesheet"
A_YEAR = 365 * 24 * 60 * 60


class BrandingInvalid(ValueError):
    """A colour under [branding] is not #rrggbb, or too pale for white text; the message
    names the key."""


@dataclass(frozen=True)
class Branding:
    logo_text: str  # beside "Social Value Brokerage" in the header
    brand: str  # the navbar, buttons, links and charts' bars, under white text
    brand_dark: str  # buttons when hovered or pressed, under white text
    accent: str  # focus outlines and the navbar's links when hovered
    hero: str  # the home page hero's background, under dark text

    @cached_property
    def stylesheet(self) -> str:
        """The CSS custom properties static/css/app.css reads."""
        lines = [f"  {name}: {getattr(self, key)};" for key, name in COLOUR_PROPERTIES.items()]
        return "/* From [branding] in partnership.toml. */\n:root {\n" + "\n".join(lines) + "\n}\n"

    @cached_property
    def version(self) -> str:
        """Changes whenever the stylesheet does: its URL's cache key, and its ETag."""
        return hashlib.sha256(self.stylesheet.encode()).hexdigest()[:16]


def read_branding(settings: Mapping[str, Any], logo_text: str) -> Branding:
    """The [branding] table's colours, each #rrggbb, those under white text at AA contrast."""
    colours = {key: _colour(settings, key) for key in COLOUR_PROPERTIES}
    for key in UNDER_WHITE_TEXT:
        ratio = contrast_ratio(colours[key], WHITE)
        if ratio < AA_TEXT_CONTRAST:
            raise BrandingInvalid(
                f"[branding] {key} = {colours[key]} has a contrast of {ratio:.2f}:1 with white "
                f"text; buttons and the navbar need at least {AA_TEXT_CONTRAST}:1 (WCAG AA)."
            )
    return Branding(logo_text=logo_text, **colours)


def _colour(settings: Mapping[str, Any], key: str) -> str:
    value = settings.get(key)
    colour = value.strip().lower() if isinstance(value, str) else ""
    if not HEX_COLOUR.fullmatch(colour):
        raise BrandingInvalid(
            f"[branding] needs {key} as a colour written #rrggbb (such as #1d4f6e), not {value!r}."
        )
    return colour


def relative_luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of an sRGB #rrggbb colour: 0 for black, 1 for white."""
    red, green, blue = (_linear(int(colour[at : at + 2], 16) / 255) for at in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.2's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)))[::-1]
    return (lighter + 0.05) / (darker + 0.05)


def init_app(app: Flask, branding: Branding) -> None:
    """Serve the partnership's stylesheet at /partnership.css."""
    app.extensions[ENDPOINT] = branding
    app.add_url_rule("/partnership.css", ENDPOINT, serve_stylesheet)


def serve_stylesheet() -> Response:
    """The stylesheet, kept a year by browsers when asked for by its versioned URL (the
    only URL pages link), answered 304 when the browser already holds this version."""
    branding: Branding = current_app.extensions[ENDPOINT]
    response = Response(branding.stylesheet, mimetype="text/css")
    response.set_etag(branding.version)
    if request.args.get("v") == branding.version:
        response.cache_control.public = True
        response.cache_control.max_age = A_YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    response.make_conditional(request)  # 304, with no body, when the ETag matches
    return response
