"""Probes for load balancers: liveness always, readiness only when the services answer."""

from tests.helpers.redis_server import TEST_REDIS_URL, UNREACHABLE_REDIS_URL, redis_configured


def test_healthz_answers_without_logging_in(anon):
    response = anon.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_reports_the_database_and_that_redis_is_not_used_by_default(anon):
    response = anon.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "redis": "not used"}


def test_readyz_is_503_when_redis_is_configured_but_down(app, anon):
    with redis_configured(app, UNREACHABLE_REDIS_URL):
        response = anon.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"] == "unreachable"


def test_readyz_is_ready_with_a_live_redis(app, anon):
    with redis_configured(app, TEST_REDIS_URL):
        response = anon.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["redis"] == "ok"
