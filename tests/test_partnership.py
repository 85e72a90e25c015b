"""A partnership folder that is missing or wrong stops the app as it is built, with a message
naming the folder and what to fix, never later as a traceback deep in a page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from brokerage import create_app
from brokerage.partnership import (
    DEFAULT_FOLDER,
    SETTINGS_FILE,
    PartnershipInvalid,
    load_partnership,
)
from config import TestConfig


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the default partnership's folder, to break one setting at a time."""
    copy = tmp_path / "copied"
    shutil.copytree(DEFAULT_FOLDER, copy)
    return copy


def _set(folder: Path, key: str, value: str) -> None:
    """Give `key` (a top-level setting: the first of that name, before any table) this TOML
    value in the folder's settings file."""
    path = folder / SETTINGS_FILE
    text = path.read_text(encoding="utf-8")
    settings, count = re.subn(rf"^{key} = .*$", f"{key} = {value}", text, count=1, flags=re.M)
    assert count == 1, f"{key} is not set in {path}"
    path.write_text(settings, encoding="utf-8")


def test_a_copy_of_the_default_folder_is_a_partnership(folder: Path):
    assert load_partnership(folder).name == load_partnership(DEFAULT_FOLDER).name


def test_settings_that_are_not_toml_are_named_with_their_line(folder: Path):
    (folder / SETTINGS_FILE).write_text('name = "Unclosed\n', encoding="utf-8")

    with pytest.raises(PartnershipInvalid, match=r"partnership\.toml is not valid TOML.*line 1"):
        load_partnership(folder)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("area_margin_m", '"ten kilometres"', "area_margin_m as a whole number of metres"),
        ("area_margin_m", "-5", "area_margin_m as a whole number of metres"),
        ("procurement_pledges", '"OCC-1"', "procurement_pledges as a list of texts"),
        ("enlarged_district", '"Nowhere"', "enlarged_district 'Nowhere', which is not one of"),
        ("districts", "[]", "districts as a list of texts"),
        ("charter_launched_on", '"January 2023"', "charter_launched_on as a date"),
    ],
)
def test_a_wrong_setting_is_named(folder: Path, key: str, value: str, message: str):
    _set(folder, key, value)

    with pytest.raises(PartnershipInvalid, match=re.escape(message)) as raised:
        load_partnership(folder)

    assert str(folder) in str(raised.value)


def test_notes_on_pledge_codes_must_be_a_table_of_texts(folder: Path):
    path = folder / SETTINGS_FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace('OCC = "', "OCC = 1 #"), encoding="utf-8"
    )

    with pytest.raises(PartnershipInvalid, match=r"\[charter_code_notes\] as a table of texts"):
        load_partnership(folder)


def test_a_missing_data_file_is_named(folder: Path):
    (folder / "priority-places.csv").unlink()

    with pytest.raises(PartnershipInvalid, match="is missing priority-places.csv"):
        load_partnership(folder)


def test_the_app_is_not_built_on_a_folder_that_is_no_partnership(tmp_path: Path):
    config = type("MissingPartnership", (TestConfig,), {"PARTNERSHIP_FOLDER": str(tmp_path)})

    with pytest.raises(PartnershipInvalid, match=f"{re.escape(str(tmp_path))}: it holds no"):
        create_app(config)
