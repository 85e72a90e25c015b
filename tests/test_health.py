"""Probes for load balancers: liveness always, readiness only when the services answer."""


def test_healthz_answers_without_logging_in(anon):
    response = anon.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_reports_the_database_and_that_redis_is_not_used_by_default(anon):
    response = anon.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "redis": "not used"}


def test_readyz_is_503_when_redis_is_configured_but_down(app, anon):
    app.config.update(REDIS_URL="redis://127.0.0.1:1/0")
    app.extensions.pop("redis", None)
    try:
        response = anon.get("/readyz")
    finally:
        app.config.update(REDIS_URL=None)
        app.extensions.pop("redis", None)
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"] == "unreachable"


def test_readyz_is_ready_with_a_live_redis(app, anon):
    app.config.update(REDIS_URL="redis://127.0.0.1:6379/15")
    app.extensions.pop("redis", None)
    try:
        response = anon.get("/readyz")
    finally:
        app.config.update(REDIS_URL=None)
        app.extensions.pop("redis", None)
    assert response.status_code == 200
    assert response.get_json()["checks"]["redis"] == "ok"
