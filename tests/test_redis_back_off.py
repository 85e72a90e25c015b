"""After Redis fails, the cache and the queue each leave it alone for REDIS_RETRY_PAUSE."""

from __future__ import annotations

from brokerage import redis_back_off
from brokerage.redis_back_off import back_off_for


def test_redis_is_left_alone_for_the_pause_after_it_failed(app, monkeypatch, caplog):
    now = 1000.0
    monkeypatch.setattr(redis_back_off.time, "monotonic", lambda: now)
    with app.app_context():
        back_off = back_off_for("test")
        assert not back_off.resting
        back_off.failed("read the test entry", "Working without it")
        assert back_off.resting
        now += app.config["REDIS_RETRY_PAUSE"] - 0.1
        assert back_off.resting
        now += 0.2
        assert not back_off.resting
        app.extensions.pop("redis_back_off.test")
    assert "Could not read the test entry: Redis is unreachable. Working without it" in caplog.text


def test_each_user_of_redis_has_its_own_back_off(app):
    with app.app_context():
        assert back_off_for("one") is not back_off_for("two")
        assert back_off_for("one") is back_off_for("one")
        for user in ("one", "two"):
            app.extensions.pop(f"redis_back_off.{user}")
