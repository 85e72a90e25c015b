"""Notices import benchmark: `python -m bench.notices [--releases 10000]`.

Writes a JSON Lines file of `--releases` OCDS releases shaped like Find a Tender's (a UK4
tender for each procurement, and for every other one a UK6 award after it; 60% delivered
at real OX postcodes, the rest in Leeds), then times, in a scratch database (a new SQLite
file, or a new PostgreSQL database beside the one DATABASE_URL names): merely parsing the
file (one streamed pass), importing it (one transaction), and importing it again (every
procurement unchanged). Prints each time, wall and CPU (the machine is shared: CPU time
is what the work costs, wall what it waited too), the import's ratio to the parse, the
load average, and the process's peak memory beside the file's size. The issue's budget:
importing 10,000 releases in 30 s or less on SQLite. Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import tempfile
import time
from datetime import date
from pathlib import Path
from unittest import mock

from bench.county import oxfordshire_points
from brokerage.extensions import db
from brokerage.notices.reader import releases_in
from brokerage.notices.service import ImportSettings, import_file
from tests.helpers.app import build_test_app, fresh_database

CPV = ["77310000", "77314000", "90910000", "45000000", "72000000", "79340000", "85300000"]
OUTSIDE = ("LS1 4AP", "UKE42")
BUYERS, SUPPLIERS = 40, 800
IMPORT_DAY = date(2026, 12, 1)  # every generated tender is still open on this day


def _party(kind: str, n: int, postcode: str, region: str, role: str) -> dict:
    return {
        "id": f"GB-PPON-{kind}-{n:05d}",
        "name": f"Bench {kind} {n:05d}",
        "identifier": {"scheme": "GB-PPON", "id": f"{kind}-{n:05d}"},
        "address": {"postalCode": postcode, "region": region},
        "details": {"scale": "sme" if n % 3 else "large"},
        "roles": [role],
    }


def write_file(path: Path, releases: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    points = [code for code, _, _ in oxfordshire_points()]
    written, n = 0, 0
    with path.open("w", encoding="utf-8") as handle:
        while written < releases:
            n += 1
            local = rng.random() < 0.6
            postcode, region = (rng.choice(points), "UKJ14") if local else OUTSIDE
            buyer = _party("B", rng.randrange(BUYERS), postcode, region, "buyer")
            ocid = f"ocds-bench-{n:06d}"
            address = {"postalCode": postcode, "region": region}
            tender = {
                "ocid": ocid, "id": f"{ocid}-1", "date": "2026-11-20T09:00:00Z", "tag": ["tender"],
                "parties": [buyer], "buyer": {"id": buyer["id"], "name": buyer["name"]},
                "tender": {
                    "id": ocid, "title": f"Bench tender {n}",
                    "description": "Services for the district.",
                    "classification": {"scheme": "CPV", "id": rng.choice(CPV)},
                    "items": [{"id": "1", "deliveryAddresses": [address]}],
                    "value": {"amount": rng.randrange(10_000, 2_000_000), "currency": "GBP"},
                    "tenderPeriod": {"endDate": "2027-02-26T12:00:00Z"},
                    "documents": [{"id": f"{n}-t", "noticeType": "UK4", "url": f"https://example.org/{n}"}],
                },
            }  # fmt: skip
            handle.write(json.dumps(tender) + "\n")
            written += 1
            if n % 2 == 0 and written < releases:
                supplier = _party(
                    "S", rng.randrange(SUPPLIERS), rng.choice(points), "UKJ14", "supplier"
                )
                award = {
                    "ocid": ocid, "id": f"{ocid}-2", "date": "2026-11-25T09:00:00Z",
                    "tag": ["award"],
                    "parties": [buyer, supplier], "buyer": {"id": buyer["id"]},
                    "awards": [{
                        "id": "1", "status": "active", "date": "2026-11-24T00:00:00Z",
                        "suppliers": [{"id": supplier["id"], "name": supplier["name"]}],
                        "value": {"amount": rng.randrange(10_000, 2_000_000), "currency": "GBP"},
                        "documents": [{"id": f"{n}-a", "noticeType": "UK6"}],
                    }],
                }  # fmt: skip
                handle.write(json.dumps(award) + "\n")
                written += 1


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(work) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=10_000)
    releases = parser.parse_args().releases
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        path = folder / "releases.jsonl"
        write_file(path, releases)
        size_mb = path.stat().st_size / 1_000_000
        load_before = os.getloadavg()[0]
        parse_s, parse_cpu = timed(lambda: sum(1 for _ in releases_in(path)))
        with fresh_database(folder, "bench_notices") as url:
            app = build_test_app(url, str(folder / "outbox"))
            with (
                app.app_context(),
                mock.patch("brokerage.notices.service.today", lambda: IMPORT_DAY),
            ):
                reports = []

                def run() -> None:
                    reports.append(import_file(path, ImportSettings()))
                    db.session.commit()

                first_s, first_cpu = timed(run)
                again_s, again_cpu = timed(run)
                db.engine.dispose()
    print(f"{releases:,} releases, {size_mb:.1f} MB, database {url.split(':')[0]}")
    print(f"load average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"parse only (one streamed pass): {parse_s:.2f} s (CPU {parse_cpu:.2f} s)")
    print(
        f"import: {first_s:.2f} s (CPU {first_cpu:.2f} s), {first_s / parse_s:.1f}x the parse "
        f"({first_cpu / parse_cpu:.1f}x in CPU)"
    )
    print(f"import again (unchanged): {again_s:.2f} s (CPU {again_cpu:.2f} s)")
    print(f"peak memory {peak_memory_mb():.0f} MB")
    print(reports[0].summary().splitlines()[0])
    print(reports[0].summary().splitlines()[1])
    print(reports[1].summary().splitlines()[1])


if __name__ == "__main__":
    main()
