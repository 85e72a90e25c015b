"""How long a save's response takes on the embedded default: `python -m bench.save_response
[--suppliers 50000] [--rounds 3]`.

Fills a scratch SQLite file (or a PostgreSQL database beside DATABASE_URL's) with the
synthetic county of `bench.county_db`, rebuilds its stored matches as `flask match rebuild`
does, then signs in, through Flask's test client, as a member of the organisation behind a
published offer, need and opportunity, and posts each one's edit form (the save changes
its words, measures and place, so its matches are recomputed; the form is the tests' valid
one for its kind, so the first save changes much and the later ones only the description).
Only the POST is timed, not the edit page fetched before it for its CSRF token. Without
Redis, as the embedded default runs: the response waits for the jobs its commit set off at most
`JOB_WAIT_IN_REQUEST_SECONDS` (brokerage/jobs/in_process.py), and the table prints the
response's wall time and how long the recompute went on after it. The baseline, in the same
run, alternating: the same save with the setting None, the jobs run to their end before the
response (as every save did before). The first save in the process reads the whole
published world (cold) and is printed apart. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bench.county_db import Counts, populate
from bench.scratch import scratch_database
from brokerage.extensions import db
from brokerage.jobs.in_process import JOBS
from brokerage.listings.choices import ListingStatus
from brokerage.listings.models import Listing, Need, Offer, Opportunity
from brokerage.matches import kept, store
from brokerage.matches.supplier_store import rebuild_supplier_matches
from brokerage.toms.service import load_shipped_frameworks
from config import Config
from tests import factories
from tests.helpers.app import build_test_app
from tests.helpers.listings import form_data
from tests.helpers.web import csrf_token, log_in

KINDS: tuple[tuple[str, type[Listing], str], ...] = (
    ("offer", Offer, "offers"),
    ("need", Need, "needs"),
    ("opportunity", Opportunity, "opportunities"),
)


@dataclass(frozen=True)
class Timed:
    response: float  # the POST's wall time
    after: float  # how long its jobs went on after the response


def _save(
    app: Flask, client: FlaskClient, url: str, kind: str, wait: float | None, n: int
) -> Timed:
    app.config["JOB_WAIT_IN_REQUEST_SECONDS"] = wait
    data = form_data(kind, description=f"Saved for the benchmark, round {n}.")
    data["csrf_token"] = csrf_token(client, url)  # the edit page, as a browser has it
    started = time.perf_counter()
    response = client.post(url, data=data)
    answered = time.perf_counter()
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    JOBS.drain()
    return Timed(answered - started, time.perf_counter() - answered)


def _member_client(app: Flask, organisation_id: int) -> FlaskClient:
    with app.app_context():
        user = factories.UserFactory()
        factories.MembershipFactory(user_id=user.id, organisation_id=organisation_id, role="owner")
        db.session.commit()
        email = user.email
    return log_in(app.test_client(), email)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    with scratch_database("bench_save_response") as (folder, url):
        app = build_test_app(url, str(folder))
        app.config["REDIS_URL"] = None
        with app.app_context():
            load_shipped_frameworks()
            populate(Counts(suppliers=arguments.suppliers))
            db.session.commit()
            started = time.perf_counter()
            store.rebuild()
            rebuild_supplier_matches()
            db.session.commit()
            print(
                f"database {db.engine.dialect.name}, {arguments.suppliers:,} suppliers; "
                f"rebuild {time.perf_counter() - started:.0f} s; load average "
                "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
                flush=True,
            )
            chosen = {
                kind: db.session.execute(
                    select(model.id, model.organisation_id)
                    .where(model.status == ListingStatus.PUBLISHED)
                    .order_by(model.id)
                    .limit(1)
                ).one()
                for kind, model, _ in KINDS
            }
        wait = Config.JOB_WAIT_IN_REQUEST_SECONDS
        print(f"JOB_WAIT_IN_REQUEST_SECONDS {wait} against None (the jobs before the response)")
        print(f"{'one save of (median)':<40} {'response s':>11} {'job went on s':>14}")

        def label_of(setting: float | None) -> str:
            return f"waiting {setting} s at most" if setting is not None else "jobs before response"

        for kind, _, path in KINDS:
            listing_id, organisation_id = chosen[kind]
            client = _member_client(app, organisation_id)
            edit = f"/{path}/{listing_id}/edit"
            for setting in (None, wait):  # cold: the published world read afresh
                with app.app_context():
                    kept.forget()
                one = _save(app, client, edit, kind, setting, 0)
                cold = f"{kind}, cold, {label_of(setting)}"
                print(f"{cold:<40} {one.response:>11.3f} {one.after:>14.3f}")
            timed: dict[float | None, list[Timed]] = {wait: [], None: []}
            for n in range(arguments.rounds):
                for setting in (wait, None) if n % 2 else (None, wait):  # each first in turn
                    timed[setting].append(_save(app, client, edit, kind, setting, n + 1))
            for setting in (wait, None):
                label = label_of(setting)
                response = statistics.median(t.response for t in timed[setting])
                after = statistics.median(t.after for t in timed[setting])
                print(f"{kind + ', ' + label:<40} {response:>11.3f} {after:>14.3f}")
        print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
