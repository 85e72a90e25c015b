"""Bulk import benchmark: `python -m bench.import [--rows 50000]`.

Writes a suppliers file and an offers file of `--rows` rows each (real Oxfordshire
postcodes, OIEP measure codes), then times, in a scratch database (a new SQLite file,
or a new PostgreSQL database beside the one DATABASE_URL names), importing each file,
then importing both files again (every row unchanged). Prints rows per second
(and the CPU time, which other work on a busy machine does not inflate as it does the
wall-clock time) and the process's peak memory beside the file's size, so holding the
file in memory (let alone twice) would show. Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import time
from pathlib import Path

from bench.county import oxfordshire_points
from bench.scratch import scratch_database
from brokerage.bulk.formats import KINDS
from brokerage.bulk.service import import_file
from brokerage.extensions import db
from brokerage.toms.service import load_shipped_frameworks
from tests.helpers.app import build_test_app

SECTORS = ["catering", "cleaning", "construction", "printing", "digital", "professional"]
SIZES = ["micro", "small", "medium", "large"]
CODES = ["OIEP-J1", "OIEP-J4", "OIEP-S1", "OIEP-S6", "OIEP-S8", "OIEP-G1", "OIEP-G3"]


def write_files(folder: Path, rows: int, seed: int = 7) -> tuple[Path, Path]:
    rng = random.Random(seed)
    points = oxfordshire_points()
    suppliers, offers = folder / "suppliers.csv", folder / "offers.csv"
    with suppliers.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(KINDS["suppliers"].columns)
        for n in range(rows):
            writer.writerow(
                [
                    f"S-{n:06d}",
                    f"Bench Supplier {n:06d}",
                    rng.choice(points)[0],
                    rng.choice(SECTORS),
                    rng.choice(SIZES),
                    rng.choice(["yes", "no"]),
                    rng.choice(["yes", "no"]),
                    "A local business that offers volunteering and jobs to people nearby.",
                    f"https://supplier{n}.example.org",
                ]
            )
    with offers.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(KINDS["offers"].columns)
        for n in range(rows):
            codes = rng.sample(CODES, 2)
            writer.writerow(
                [
                    f"O-{n:06d}",
                    f"S-{n:06d}",
                    "Staff volunteering days",
                    "Volunteers for reading schemes and local projects.",
                    f"{codes[0]}:{rng.randint(1, 80)};{codes[1]}:{rng.randint(1, 10)}",
                    "",
                    "2030-12-31",
                ]
            )
    return suppliers, offers


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_import(kind: str, path: Path) -> None:
    """The import (check and save), then the commit apart: listeners of other features
    (matches recomputed after listings change) run at commit time."""
    start, cpu = time.perf_counter(), time.process_time()
    report = import_file(kind, path)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    memory = peak_memory_mb()
    db.session.commit()
    commit = time.perf_counter() - start - seconds
    print(
        f"{kind:<10} {report.rows:>7} rows in {seconds:6.1f} s: {report.rows / seconds:8.0f} "
        f"rows/s, {cpu:.1f} s of CPU  ({report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.bad_count} bad); peak memory {memory:.0f} MB; "
        f"then the commit {commit:.1f} s (peak memory {peak_memory_mb():.0f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    arguments = parser.parse_args()
    with scratch_database("bench_import") as (folder, url):
        suppliers, offers = write_files(folder, arguments.rows)
        size = suppliers.stat().st_size / 1024 / 1024
        print(f"suppliers file {size:.1f} MB, offers file {offers.stat().st_size / 2**20:.1f} MB")
        app = build_test_app(url, str(folder))
        with app.app_context():
            load_shipped_frameworks()
            db.session.commit()
            print(
                f"database {db.engine.dialect.name}; peak memory before {peak_memory_mb():.0f} MB"
            )
            timed_import("suppliers", suppliers)
            timed_import("offers", offers)
            timed_import("suppliers", suppliers)
            timed_import("offers", offers)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
