"""Issue 20 point 6: the partnership's colours come from [branding] in its partnership.toml,
served as /partnership.css. Oxfordshire's pages keep today's look; the loader refuses a
colour that is not #rrggbb, or too pale for the white text buttons and the navbar put on it;
the content security policy stays as strict as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from brokerage.branding import contrast_ratio, relative_luminance
from brokerage.partnership import PartnershipInvalid, load_partnership
from tests.helpers.app import EXAMPLESHIRE
from tests.helpers.pages import partnership_stylesheet, stylesheets

# The colours static/css/app.css fixed before they moved to partnership.toml.
OXFORDSHIRE_COLOURS = {
    "--brand": "#1d4f6e",
    "--brand-dark": "#143a52",
    "--accent": "#f2b705",
    "--hero": "#e8f1f6",
}
# The policy every page carried before: no inline style, everything from our own origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def test_oxfordshire_pages_get_todays_colours_after_the_house_style(anon: FlaskClient):
    url, response = partnership_stylesheet(anon)
    linked = stylesheets(anon.get("/"))

    assert response.status_code == 200
    assert response.mimetype == "text/css"
    sheet = response.get_data(as_text=True)
    for name, colour in OXFORDSHIRE_COLOURS.items():
        assert f"{name}: {colour};" in sheet
    assert linked.index(url) == linked.index("/static/css/app.css") + 1


def test_the_house_style_reads_the_colours_it_no_longer_fixes(anon: FlaskClient):
    house_style = anon.get("/static/css/app.css").get_data(as_text=True)

    for colour in OXFORDSHIRE_COLOURS.values():
        assert colour not in house_style
    assert ".hero { background: var(--hero); }" in house_style


def test_the_stylesheet_is_kept_by_the_browser_until_the_colours_change(anon: FlaskClient):
    url, response = partnership_stylesheet(anon)

    again = anon.get(url, headers={"If-None-Match": response.headers["ETag"]})
    unversioned = anon.get("/partnership.css")

    assert response.cache_control.public
    assert response.cache_control.max_age == 365 * 24 * 60 * 60
    assert response.cache_control.immutable
    assert again.status_code == 304
    assert again.get_data() == b""
    assert unversioned.status_code == 200
    assert unversioned.cache_control.no_cache
    assert unversioned.headers["ETag"] == response.headers["ETag"]


def test_the_content_security_policy_is_unchanged(anon: FlaskClient):
    url, stylesheet = partnership_stylesheet(anon)
    page = anon.get("/")

    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert stylesheet.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "style=" not in page.get_data(as_text=True)


def test_contrast_follows_wcag_22():
    assert relative_luminance("#000000") == 0
    assert relative_luminance("#ffffff") == pytest.approx(1)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21)
    # #767676 is the palest grey with 4.5:1 on white; #777777 falls just short.
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.005)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.005)


@pytest.mark.parametrize("colour", ["blue", "#1d4f6", "#1d4f6e0", "1d4f6e", "#1g4f6e", 3, ""])
def test_a_colour_not_written_rrggbb_is_refused_by_name(tmp_path: Path, colour: object):
    folder = _exampleshire_with(tmp_path, "accent", colour)

    with pytest.raises(PartnershipInvalid, match=r"\[branding\] needs accent as a colour"):
        load_partnership(folder)


@pytest.mark.parametrize("key", ["brand", "brand_dark"])
def test_a_colour_too_pale_for_white_text_is_refused_by_name(tmp_path: Path, key: str):
    folder = _exampleshire_with(tmp_path, key, "#777777")

    with pytest.raises(PartnershipInvalid) as refused:
        load_partnership(folder)

    assert f"[branding] {key} = #777777 has a contrast of 4.48:1 with white text" in str(
        refused.value
    )


def test_a_missing_colour_is_refused_by_name(tmp_path: Path):
    folder = _exampleshire_with(tmp_path, "hero", None)

    with pytest.raises(PartnershipInvalid, match=r"\[branding\] needs hero as a colour"):
        load_partnership(folder)


def test_the_palest_grey_white_text_reads_on_is_accepted(tmp_path: Path):
    folder = _exampleshire_with(tmp_path, "brand", "#767676")

    assert load_partnership(folder).branding.brand == "#767676"


def _exampleshire_with(tmp_path: Path, key: str, colour: object) -> Path:
    """A copy of the Exampleshire folder with one [branding] colour replaced (or dropped)."""
    folder = tmp_path / "partnership"
    shutil.copytree(EXAMPLESHIRE, folder)
    settings = folder / "partnership.toml"
    lines = settings.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith(f"{key} = ")]
    assert len(kept) == len(lines) - 1, f"Exampleshire's [branding] has no {key}"
    if colour is not None:
        value = f'"{colour}"' if isinstance(colour, str) else str(colour)
        kept.insert(kept.index("[branding]") + 1, f"{key} = {value}")
    settings.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return folder
