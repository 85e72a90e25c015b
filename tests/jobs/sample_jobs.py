"""Job functions for the queue's tests (RQ imports jobs by module path)."""

import threading

from brokerage.accounts.models import Organisation
from brokerage.extensions import db


def create_organisation(name: str) -> None:
    db.session.add(Organisation(name=name, kind="partner", postcode="OX4 4HH", description=""))
    db.session.flush()


def always_fail(name: str) -> None:
    create_organisation(name)
    raise RuntimeError(f"could not finish {name}")


# Opened by a test to let `create_after_the_gate` go on; cleared by the test that uses it.
GATE = threading.Event()


def create_after_the_gate(name: str) -> None:
    """A slow job: it waits (at most 5 s) for the test to open the gate."""
    GATE.wait(5)
    create_organisation(name)


# The threads `note_thread` ran on, in order.
THREADS_RUN_ON: list[str] = []


def note_thread(name: str) -> None:
    THREADS_RUN_ON.append(threading.current_thread().name)
    create_organisation(name)
