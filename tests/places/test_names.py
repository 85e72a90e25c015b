"""The partnership's place names, as matching reads them (brokerage/places/names.py)."""

from __future__ import annotations

from brokerage.places.names import place_names, single_places


def test_one_word_names_are_places_and_so_are_their_words_in_longer_names():
    found = single_places(
        ["Bicester", "Bicester East", "Ambrosden and Chesterton", "Rose Hill", "North"]
    )
    # "Hill" of Rose Hill is a word that can say the help; "North" alone is a compass point.
    assert found == {"Bicester", "Ambrosden", "Chesterton"}


def test_the_partnerships_towns_villages_and_wards_are_places():
    names = place_names()
    assert {"Oxford", "Bicester", "Banbury", "Ducklington", "Berinsfield"} <= names
    assert not {"Hill", "Park", "Common", "North", "Leys"} & names
