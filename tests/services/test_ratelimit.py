from datetime import timedelta

from oko.models import RateLimitCounter
from oko.services import ratelimit


def test_allows_up_to_the_limit_then_refuses(app) -> None:
    database = app.extensions["oko.db"]
    key = ratelimit.client_key("secret", "code", "192.0.2.1")
    with database.session() as session:
        results = [ratelimit.hit(session, key, limit=3) for _ in range(5)]
    assert results == [True, True, True, False, False]


def test_key_does_not_contain_the_address() -> None:
    key = ratelimit.client_key("secret", "code", "192.0.2.1")
    assert "192.0.2.1" not in key and len(key) == 64
    assert key != ratelimit.client_key("secret", "login", "192.0.2.1")


def test_old_windows_are_deleted(app) -> None:
    database = app.extensions["oko.db"]
    key = ratelimit.client_key("secret", "code", "192.0.2.9")
    with database.session() as session:
        ratelimit.hit(session, key, limit=1)
        counter = session.get(RateLimitCounter, key)
        counter.window_start -= timedelta(minutes=5)
        session.commit()
        assert ratelimit.hit(session, key, limit=1) is True
        assert session.get(RateLimitCounter, key).count == 1
