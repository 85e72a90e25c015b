"""The app's Flask class asks whether each hook and view is async once, not per request,
and still makes an async one sync."""

from __future__ import annotations

import inspect

import flask.app

from brokerage import app_class
from brokerage.app_class import BrokerageFlask


def test_a_second_request_asks_no_hook_or_view_whether_it_is_async(anon, monkeypatch):
    assert anon.get("/healthz").status_code == 200
    asked: list[object] = []

    def counted(function: object) -> bool:
        asked.append(function)
        return inspect.iscoroutinefunction(function)

    monkeypatch.setattr(flask.app, "iscoroutinefunction", counted)
    monkeypatch.setattr(app_class, "iscoroutinefunction", counted)
    assert anon.get("/healthz").status_code == 200

    assert asked == []


def test_an_async_function_is_still_made_sync_on_each_call_and_a_plain_one_left_alone(
    monkeypatch,
):
    app = BrokerageFlask(__name__)
    made_sync: list[object] = []

    def async_to_sync(function: object) -> object:
        made_sync.append(function)
        return lambda: "ran"

    monkeypatch.setattr(app, "async_to_sync", async_to_sync)

    async def asynchronous() -> None:
        """An async view."""

    def plain() -> None:
        """A plain view."""

    assert app.ensure_sync(asynchronous)() == "ran"
    assert app.ensure_sync(asynchronous)() == "ran"
    assert made_sync == [asynchronous, asynchronous]
    assert app.ensure_sync(plain) is plain and app.ensure_sync(plain) is plain
