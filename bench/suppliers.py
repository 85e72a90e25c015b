"""Synthetic suppliers and opportunities for the supplier matching benchmark: real
Oxfordshire postcodes, CPV trades from a few dozen real codes, pooled offers."""

from __future__ import annotations

import random

from bench.county import FILLER, SECTORS, catalogue, oxfordshire_points
from brokerage.matching.model import WantedMeasure
from brokerage.matching.supplier_model import OpportunityQuery, PooledMeasure, SupplierCandidate

TRADES = [
    f"{division}{rest}"
    for division in ("45", "50", "55", "72", "77", "79", "90", "60", "80", "85")
    for rest in ("000000", "100000", "210000", "310000", "330000", "420000", "900000")
]
SIZES = ["micro", "small", "medium", "large"]


def suppliers(count: int, seed: int = 4) -> list[SupplierCandidate]:
    rng = random.Random(seed)
    points = oxfordshire_points()
    codes = catalogue().codes
    result = []
    for key in range(count):
        _, easting, northing = rng.choice(points)
        offers = [key * 10 + i for i in range(rng.randint(0, 4))]  # ids, as stored
        measures = {
            code: PooledMeasure(float(rng.randint(1, 200)), tuple(rng.sample(offers, 1)))
            for code in (rng.sample(codes, rng.randint(1, 5)) if offers else [])
        }
        result.append(
            SupplierCandidate(
                key=key,
                easting=float(easting),
                northing=float(northing),
                service_radius_m=rng.choice([None, 15_000.0, 25_000.0, 40_000.0, 80_000.0]),
                trades=tuple(rng.sample(TRADES, rng.randint(0, 3))),
                category=rng.choice(SECTORS),
                description=" ".join(rng.sample(FILLER, 4) + rng.sample(SECTORS, 2)),
                measures=measures,
                offer_titles={offer: f"Offer {offer}" for offer in offers},
                size=rng.choice(SIZES),
                vcse=rng.random() < 0.2,
                living_wage=rng.random() < 0.4,
                charter_signee=rng.random() < 0.1,
            )
        )
    return result


def opportunities(count: int, seed: int = 5) -> list[OpportunityQuery]:
    rng = random.Random(seed)
    points = oxfordshire_points()
    codes = catalogue().codes
    result = []
    for _ in range(count):
        _, easting, northing = rng.choice(points)
        result.append(
            OpportunityQuery(
                easting=float(easting),
                northing=float(northing),
                trades=tuple(rng.sample(TRADES, rng.randint(1, 2))),
                category=rng.choice(SECTORS),
                text=" ".join(rng.sample(FILLER, 5)),
                measures=tuple(
                    WantedMeasure(code, float(rng.randint(1, 100)), float(rng.randint(1, 3)))
                    for code in rng.sample(codes, rng.randint(1, 4))
                ),
                value_pence=rng.choice([None, 5_000_000, 50_000_000, 500_000_000]),
            )
        )
    return result
