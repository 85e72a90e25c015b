"""Run requests at the same moment on real, separate database transactions: each thread
stops just before its first write until every other has read what it is about to change,
so the race the tests are about happens every time, not by luck."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


@contextmanager
def meeting_before_first_write(
    parties: int,
) -> Iterator[tuple[set[int], set[int], threading.Barrier]]:
    """Each thread whose ident is added to `racing` waits for the others at its first flush
    (and is then added to `met`)."""
    barrier = threading.Barrier(parties, timeout=10)
    racing: set[int] = set()
    met: set[int] = set()

    def wait_for_the_others(*_args: Any) -> None:
        me = threading.get_ident()
        if me in racing and me not in met:
            met.add(me)
            barrier.wait()

    event.listen(Session, "before_flush", wait_for_the_others)
    try:
        yield racing, met, barrier
    finally:
        event.remove(Session, "before_flush", wait_for_the_others)


def run_together(*calls: Callable[[], Any]) -> list[Any]:
    """Each call in its own thread, meeting before their first writes; their results."""
    results: list[Any] = [None] * len(calls)
    with meeting_before_first_write(len(calls)) as (racing, met, barrier):

        def run(index: int) -> None:
            racing.add(threading.get_ident())
            try:
                results[index] = calls[index]()
            finally:
                if threading.get_ident() not in met:
                    barrier.abort()  # it never wrote: the others need not wait for it

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    return results
