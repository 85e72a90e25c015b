"""The partnership the brokerage serves: its names, postcode areas, districts, notice
regions, branding and data files, all read from one configuration folder
(`partnerships/<name>/partnership.toml` beside its data; partnerships/README.md). Code
and templates name the place only through this, so a second partnership is a second folder.

The app's partnership is read once by create_app (`PARTNERSHIP_FOLDER`); code running
outside an app (scripts, pure tests) gets the default folder's.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from markupsafe import escape

from . import branding as brand
from .branding import Branding, BrandingInvalid

PARTNERSHIPS_FOLDER = Path(__file__).resolve().parent.parent / "partnerships"
# The folder served when no setting picks one, named by `partnerships/default`.
DEFAULT_FOLDER = PARTNERSHIPS_FOLDER / (PARTNERSHIPS_FOLDER / "default").read_text().strip()
SETTINGS_FILE = "partnership.toml"
EXTENSION = "partnership"
# Each data file the folder must hold, by the key naming it under [files].
DATA_FILES = (
    "districts",
    "priority_places",
    "wards",
    "map",
    "delivery_plan",
    "toolkit",
    "charter_pledges",
    "pledge_resources",
    "local_measures",
)
OPTIONAL_FILES = ("demo",)  # the demo data, for `flask seed-demo`

EXAMPLES = (
    "measure",
    "measures",
    "search",
    "postcode",
    "delivery_postcode",
    "need_postcode",
    "ward",
    "district_prefix",
    "sector_prefix",
    "sector_postcode",
    "partial_sector",
    "beneficiaries",
)


class PartnershipInvalid(ValueError):
    """The configuration folder is missing a setting or a file; the message says which."""


@dataclass(frozen=True)
class Partnership:
    folder: Path
    name: str  # in full, as sentences name the partnership
    short_name: str  # its initials: downloaded files' names
    area: str  # the place, as sentences name it ("across <area>")
    service_name: str  # the site's title
    charter_name: str
    charter_launched_on: date
    # What a pledge code's prefix means ({"OCC": "... list number, not an official code"}).
    charter_code_notes: Mapping[str, str] = field(hash=False)
    procurement_pledges: tuple[str, ...]  # the pledge codes the procurement KPI counts
    contact_email: str
    mail_sender: str
    postcode_areas: tuple[str, ...]  # "OX"
    notice_regions: tuple[str, ...]  # ITL/NUTS codes of the area ("UKJ14")
    districts: tuple[str, ...]  # the local authorities reported on, in report order
    enlarged_district: str | None  # drawn again close up beside the area's map
    enlarged_note: str  # why, after "<district>, enlarged: "
    area_margin_m: int  # how far beyond its postcode areas the area may reach
    branding: Branding
    # Examples help texts and messages give: a measure code, a measures cell, words to
    # search for, postcodes, a ward, postcode prefixes, local groups (EXAMPLES names them).
    examples: Mapping[str, str] = field(hash=False)
    files: Mapping[str, Path] = field(hash=False)

    @property
    def outside_area(self) -> str:
        """The district reported for a postcode well away from the area."""
        return f"outside {self.area}"

    def download_name(self, name: str) -> str:
        """A downloaded file's name, led by the partnership's short name in lower case."""
        return f"{self.short_name.lower()}-{name}"

    def file(self, key: str) -> Path:
        return self.files[key]


@cache
def load_partnership(folder: Path) -> Partnership:
    """The partnership described by a folder, read once per process per folder.
    PartnershipInvalid, naming the folder and what is wrong, for a folder that is not one."""
    try:
        return _read_partnership(folder)
    except PartnershipInvalid as error:
        raise PartnershipInvalid(f"The partnership folder {folder}: {error}") from None


def _read_partnership(folder: Path) -> Partnership:
    settings_path = folder / SETTINGS_FILE
    if not settings_path.is_file():
        raise PartnershipInvalid(f"it holds no {SETTINGS_FILE}.")
    try:
        settings = tomllib.loads(settings_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise PartnershipInvalid(f"{SETTINGS_FILE} is not valid TOML ({error}).") from error
    files = _files(folder, _table(settings, "files"))
    branding, examples = _table(settings, "branding"), _table(settings, "examples")
    districts = _texts(settings, "districts")
    return Partnership(
        folder=folder,
        name=_text(settings, "name"),
        short_name=_text(settings, "short_name"),
        area=_text(settings, "area"),
        service_name=_text(settings, "service_name"),
        charter_name=_text(settings, "charter_name"),
        charter_launched_on=_date(settings, "charter_launched_on"),
        charter_code_notes=_optional_table(settings, "charter_code_notes"),
        procurement_pledges=_texts(settings, "procurement_pledges", required=False),
        contact_email=_text(settings, "contact_email"),
        mail_sender=_text(settings, "mail_sender"),
        postcode_areas=tuple(area.upper() for area in _texts(settings, "postcode_areas")),
        notice_regions=tuple(region.upper() for region in _texts(settings, "notice_regions")),
        districts=districts,
        enlarged_district=_enlarged_district(settings, districts),
        enlarged_note=str(settings.get("enlarged_note", "")),
        area_margin_m=_metres(settings, "area_margin_m"),
        branding=_branding(branding),
        examples={key: _text(examples, key) for key in EXAMPLES},
        files=files,
    )


def _table(settings: dict[str, Any], key: str) -> dict[str, Any]:
    value = settings.get(key)
    if not isinstance(value, dict):
        raise PartnershipInvalid(f"{SETTINGS_FILE} needs a [{key}] table.")
    return value


def _optional_table(settings: dict[str, Any], key: str) -> dict[str, str]:
    value = settings.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise PartnershipInvalid(f"{SETTINGS_FILE} needs [{key}] as a table of texts.")
    return value


def _text(settings: dict[str, Any], key: str) -> str:
    value = settings.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PartnershipInvalid(f"{SETTINGS_FILE} needs {key} as text.")
    return value.strip()


def _branding(settings: dict[str, Any]) -> Branding:
    try:
        return brand.read_branding(settings, logo_text=_text(settings, "logo_text"))
    except BrandingInvalid as error:
        raise PartnershipInvalid(f"{SETTINGS_FILE}: {error}") from error


def _date(settings: dict[str, Any], key: str) -> date:
    value = settings.get(key)
    if not isinstance(value, date):
        raise PartnershipInvalid(f"{SETTINGS_FILE} needs {key} as a date (2023-01-24).")
    return value


def _texts(settings: dict[str, Any], key: str, *, required: bool = True) -> tuple[str, ...]:
    """A list of texts: at least one when `required`, else possibly none or absent."""
    value = settings.get(key, None if required else [])
    if (
        not isinstance(value, list)
        or (required and not value)
        or not all(isinstance(v, str) for v in value)
    ):
        raise PartnershipInvalid(f"{SETTINGS_FILE} needs {key} as a list of texts.")
    return tuple(value)


def _metres(settings: dict[str, Any], key: str) -> int:
    value = settings.get(key, 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise PartnershipInvalid(f"{SETTINGS_FILE} needs {key} as a whole number of metres.")
    return value


def _enlarged_district(settings: dict[str, Any], districts: tuple[str, ...]) -> str | None:
    """The district the impact page draws again close up: one of `districts`, or none."""
    value = settings.get("enlarged_district") or None
    if value is not None and value not in districts:
        raise PartnershipInvalid(
            f"{SETTINGS_FILE} names enlarged_district {value!r}, which is not one of its "
            f"districts ({', '.join(districts)})."
        )
    return value


def _files(folder: Path, names: dict[str, Any]) -> dict[str, Path]:
    missing = [key for key in DATA_FILES if not isinstance(names.get(key), str)]
    if missing:
        raise PartnershipInvalid(f"{SETTINGS_FILE} [files] needs {', '.join(missing)}.")
    keys = [*DATA_FILES, *(key for key in OPTIONAL_FILES if isinstance(names.get(key), str))]
    paths = {key: folder / names[key] for key in keys}
    absent = [path.name for path in paths.values() if not path.is_file()]
    if absent:
        raise PartnershipInvalid(f"it is missing {', '.join(absent)}.")
    return paths


class ExampleText(str):
    """Help text naming the partnership's examples (`{measure}`), filled in when shown: a
    form field's description is written once, at import, before any app is built. A str,
    as WTForms expects; templates read it through `__html__`, code through `str()`."""

    def __str__(self) -> str:
        return super().__str__().format_map(current_partnership().examples)

    def __html__(self) -> str:
        return str(escape(str(self)))


def init_app(app: Flask) -> None:
    """Read the configured partnership, fill the settings it implies, serve its stylesheet,
    and give every template (and every macro, imported with context or not) `partnership`."""
    folder = Path(app.config.get("PARTNERSHIP_FOLDER") or DEFAULT_FOLDER)
    partnership = load_partnership(folder.resolve())
    app.extensions[EXTENSION] = partnership
    app.config["MAIL_SENDER"] = app.config.get("MAIL_SENDER") or partnership.mail_sender
    app.config["CONTACT_EMAIL"] = app.config.get("CONTACT_EMAIL") or partnership.contact_email
    app.config["NOTICES_AREA_REGIONS"] = app.config.get("NOTICES_AREA_REGIONS") or list(
        partnership.notice_regions
    )
    brand.init_app(app, partnership.branding)
    app.jinja_env.globals["partnership"] = partnership


def current_partnership() -> Partnership:
    """The app's partnership; outside an app, the default folder's."""
    if has_app_context():
        partnership: Partnership = current_app.extensions[EXTENSION]
        return partnership
    return load_partnership(DEFAULT_FOLDER)
