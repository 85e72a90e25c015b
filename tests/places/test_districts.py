"""Which district of the default partnership (Oxfordshire) a postcode is in, from the
reference table: never a guess."""

from __future__ import annotations

import pytest

from brokerage.partnership import DEFAULT_FOLDER, load_partnership
from brokerage.places.districts import UNKNOWN, district_of, reference_districts
from brokerage.places.postcodes import InvalidPostcode

OXFORDSHIRE = load_partnership(DEFAULT_FOLDER)


@pytest.mark.parametrize(
    ("postcode", "district"),
    [
        ("OX4 4HH", "Oxford"),
        ("ox1 1nd", "Oxford"),
        ("OX10 7NL", "South Oxfordshire"),
        ("OX12 8AB", "Vale of White Horse"),
        ("OX15 4AA", "Cherwell"),
        ("OX16 0BZ", "Cherwell"),
        ("OX28 1NB", "West Oxfordshire"),
    ],
)
def test_a_postcode_in_a_listed_district_gets_the_tables_authority(postcode, district):
    assert district_of(postcode) == district


@pytest.mark.parametrize("postcode", ["OX44 7AF", "OX29 4AA", "OX17 3AA"])
def test_a_district_the_table_leaves_empty_is_unknown(postcode):
    assert district_of(postcode) == UNKNOWN


@pytest.mark.parametrize(
    "postcode",
    [
        "RG9 1AA",  # Henley-on-Thames: in South Oxfordshire, but the table has no RG rows
        "SN7 7AA",  # Faringdon: Vale of White Horse, likewise
        "RG8 9AB",  # Goring
        "HP14 3AA",
        "QQ1 1AA",  # well formed, but Code-Point Open has no such postcode
        "M35 5AN",  # listed by Code-Point Open, but without a position
    ],
)
def test_a_postcode_near_the_county_or_not_placed_is_unknown(postcode):
    assert district_of(postcode) == UNKNOWN


@pytest.mark.parametrize("postcode", ["M1 1AE", "W1A 0BL", "E1W 1AA"])
def test_a_postcode_far_from_every_ox_postcode_is_outside_oxfordshire(postcode):
    assert district_of(postcode) == "outside Oxfordshire"


def test_text_that_is_not_a_postcode_is_refused():
    with pytest.raises(InvalidPostcode):
        district_of("not a postcode")


def test_the_reference_table_is_kept_as_written_with_only_the_five_districts():
    table = reference_districts()

    assert len(table) == 26
    assert {row.local_authority for row in table.values()} == {None, *OXFORDSHIRE.districts}
    assert [code for code, row in table.items() if row.local_authority is None] == [
        "OX17",
        "OX25",
        "OX27",
        "OX29",
        "OX33",
        "OX39",
        "OX44",
        "OX49",
    ]
    assert table["OX12"].is_provisional
    assert not table["OX4"].is_provisional
    assert table["OX4"].source == "https://en.wikipedia.org/wiki/OX_postcode_area"
    assert "Blackbird Leys" in table["OX4"].notes
