"""The engine ranks the delivery plan's real cases the way a partnership officer would."""

from tests.matching.labelled import QUERIES, evaluate

# What the default policy reaches on the labelled set; a change that lowers either fails.
PRECISION_AT_5_FLOOR = 0.86
NDCG_AT_10_FLOOR = 0.97


def test_quality_on_the_labelled_set_does_not_fall():
    quality = evaluate()
    assert quality.precision_at_5 >= PRECISION_AT_5_FLOOR
    assert quality.ndcg_at_10 >= NDCG_AT_10_FLOOR


def test_archs_need_ranks_local_reading_volunteers_above_a_catering_supplier_in_swindon():
    ranking = evaluate().rankings[QUERIES[0].name]
    assert ranking[0] == "tv-print-readers"
    assert "swindon-catering" not in ranking[:5]
    assert ranking.index("rose-hill-helpers") < ranking.index("birmingham-perfect-text")


def test_misspelt_offers_are_still_found():
    quality = evaluate()
    assert "misspelt-readers" in quality.rankings[QUERIES[0].name][:3]
    assert "cleening-misspelt" in quality.rankings[QUERIES[2].name][:2]
