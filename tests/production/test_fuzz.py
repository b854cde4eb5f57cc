"""Fuzzing the endpoints that take input: the survey's POSTs and the JSON API.

Hypothesis sends random and malformed requests through the Flask test client: bodies that are
random form fields (real field names with wrong values, unknown names, huge values, non-UTF-8
bytes), raw bytes under any content type (form, multipart with or without a boundary, JSON,
text), bodies just under and over the size limit, and odd path segments. Two properties:

- never a 500 (the test app propagates exceptions, so any unhandled error fails the test);
- a refused request (4xx) stores nothing: no response, no new or changed draft, no API token.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from benchmarks.loadkit.world import World, prepare
from oko.db import Database
from oko.models import ApiToken, Draft, Response
from oko.services.research import api_tokens
from oko.services.staff import accounts

# Werkzeug drops (without closing) the spooled file of a multipart file part that ends
# before its boundary; the object is garbage-collected with a ResourceWarning. Harmless, and
# not ours to fix: only that warning is let through.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <function SpooledTemporaryFile.__del__"
    ":pytest.PytestUnraisableExceptionWarning"
)

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LIMIT = 256 * 1024


@pytest.fixture
def fuzz_app(app_config: dict[str, object], request: pytest.FixtureRequest) -> Flask:
    """The app with the rate limits out of the way (a 429 would hide what we want to reach)."""
    app_config.update(
        CODE_ATTEMPTS_PER_WINDOW=10**9,
        FINISHES_PER_MINUTE=10**9,
        API_REQUESTS_PER_MINUTE=10**9,
        API_AUTH_FAILURES_PER_MINUTE=10**9,
        MAX_CONTENT_LENGTH=LIMIT,
    )
    return request.getfixturevalue("app")


@pytest.fixture
def world(fuzz_app: Flask, database_url: str) -> World:
    return prepare(database_url, students=1)


def _stored(database: Database) -> tuple[int, int, list[tuple[int, Any, int]]]:
    with database.session() as session:
        responses = session.execute(select(func.count()).select_from(Response)).scalar_one()
        tokens = session.execute(select(func.count()).select_from(ApiToken)).scalar_one()
        drafts = session.execute(
            select(Draft.id, Draft.answers, Draft.page_index).order_by(Draft.id)
        ).all()
    return responses, tokens, [tuple(row) for row in drafts]


def _check(database: Database, send: Callable[[], TestResponse]) -> TestResponse:
    before = _stored(database)
    response = send()
    event(f"HTTP {response.status_code}")  # see --hypothesis-show-statistics
    assert response.status_code < 500
    if response.status_code >= 400:
        assert _stored(database) == before, f"a refused request ({response.status_code}) wrote"
    return response


# Bodies.

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
_values = st.one_of(
    _text,
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(["1", "2", "7", "0", "-1", "1e3", " 3 ", "", "null", "[1,2]", "\x00", "١"]),
    st.builds(lambda n, c: c * n, st.sampled_from([1_000, 70_000]), st.sampled_from(["x", "é"])),
)


def _names(world: World) -> st.SearchStrategy[str]:
    items = [f"q_{item_id}" for item_id in world.questionnaire.items]
    known = ["action", "restore", "submission_id", "csrf_token", "code"]
    return st.one_of(st.sampled_from(items + known), _text)


def _form(world: World) -> st.SearchStrategy[list[tuple[str, str]]]:
    return st.lists(st.tuples(_names(world), _values), max_size=12)


_restore = st.one_of(
    st.just(""),
    _text,
    st.builds(
        json.dumps,
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text,
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
            max_leaves=12,
        ),
    ),
    st.builds(
        lambda answers, started, furthest: json.dumps(
            {"answers": answers, "started": started, "furthest": furthest}
        ),
        st.dictionaries(
            st.sampled_from(["gender", "age", "alc_lifetime", "comments", "nope"]),
            st.one_of(st.integers(-5, 30), _text, st.lists(st.integers(0, 9), max_size=3)),
            max_size=4,
        ),
        st.one_of(st.none(), st.integers(-(2**40), 2**40), _text),
        st.one_of(st.none(), st.integers(-100, 100), st.booleans()),
    ),
)

_content_types = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=latin-1",
        "multipart/form-data",
        "multipart/form-data; boundary=xyz",
        "application/json",
        "text/plain",
        "application/octet-stream",
        "",
        "form/garbage;;;",
    ]
)
_raw_bodies = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [
            b"q_gender=%ZZ&action=%",
            b"q_gender=\xff\xfe&action=next",
            b'--xyz\r\nContent-Disposition: form-data; name="q_gender"\r\n\r\n1\r\n--xyz--\r\n',
            b'--xyz\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhi\r\n',
            # A part without a name next to a named one (was a 500: None sorted with str).
            b"--xyz\r\nContent-Disposition: form-data\r\n\r\n1\r\n--xyz\r\n"
            b'Content-Disposition: form-data; name="action"\r\n\r\nnext\r\n--xyz--\r\n',
            b'{"q_gender": 1, "action": "next"}',
            b"a=" + b"b" * (LIMIT - 10),
            b"a=" + b"b" * (LIMIT + 10),
        ]
    ),
)


def _post(client: FlaskClient, path: str, body: Any) -> Callable[[], TestResponse]:
    kind, payload = body
    if kind == "form":
        return lambda: client.post(path, data=MultiDict(payload))
    if kind == "multipart":
        return lambda: client.post(
            path, data=MultiDict(payload), content_type="multipart/form-data"
        )
    content_type, raw = payload
    return lambda: client.post(path, data=raw, content_type=content_type or None)


def _bodies(world: World) -> st.SearchStrategy[tuple[str, Any]]:
    form = st.one_of(
        _form(world),
        st.builds(lambda pairs, restore: [*pairs, ("restore", restore)], _form(world), _restore),
    )
    return st.one_of(
        st.tuples(st.just("form"), form),
        st.tuples(st.just("multipart"), form),
        st.tuples(st.just("raw"), st.tuples(_content_types, _raw_bodies)),
    )


def _student(app: Flask, world: World, *, pages: int) -> FlaskClient:
    """A student's browser with a draft, ``pages`` pages in (every page left empty)."""
    client = app.test_client()
    code = world.codes[0]
    response = client.post(f"/s/{code}/start?lang=en")
    for _ in range(pages):
        assert response.status_code == 302, response.text
        response = client.post(response.location, data={"action": "next"})
    assert response.status_code == 302, response.text
    return client


# The survey.


@FUZZ
@given(data=st.data())
def test_survey_posts_never_fail_and_refusals_store_nothing(
    fuzz_app: Flask, world: World, database: Database, data: st.DataObject
) -> None:
    pages = [page.id for page in world.questionnaire.pages]
    code = world.codes[0]
    segment = st.one_of(st.sampled_from([code, code.lower(), "AAA-AAAA"]), _text.filter(bool))
    path = data.draw(
        st.one_of(
            st.just("/"),
            st.sampled_from(
                [f"/s/{code}/p/{page}" for page in pages]
                + [f"/s/{code}/{step}" for step in ("start", "recover", "finish", "stop")]
            ),
            st.builds(lambda s, p: f"/s/{s}/p/{p}", segment, st.sampled_from([*pages, "x"])),
            st.builds(lambda s: f"/s/{s}/finish", segment),
        ),
        label="path",
    )
    with_draft = data.draw(st.sampled_from([None, 0, 3, len(pages)]), label="draft after pages")
    if with_draft is None:
        client = fuzz_app.test_client()
    else:
        client = _student(fuzz_app, world, pages=with_draft)
    body = data.draw(_bodies(world), label="body")
    _check(database, _post(client, path.replace("\x00", ""), body))


@settings(FUZZ, max_examples=40)
@given(data=st.data())
def test_a_valid_submit_with_fuzzed_extras_stores_at_most_one_response(
    fuzz_app: Flask, world: World, database: Database, data: st.DataObject
) -> None:
    """At the finish step, whatever else is sent: one response or none, never two, and a
    refused submit leaves the draft as it was."""
    client = _student(fuzz_app, world, pages=len(world.questionnaire.pages))
    submission_id = data.draw(
        st.one_of(st.from_regex(r"[A-Za-z0-9_-]{16,64}", fullmatch=True), _text), label="id"
    )
    extra = data.draw(
        st.lists(st.tuples(st.sampled_from(["action", "restore"]), _values), max_size=3)
    )
    fields = [("submission_id", submission_id), ("action", "send"), *extra]
    path = f"/s/{world.codes[0]}/finish"
    before = _stored(database)[0]
    first = _check(database, lambda: client.post(path, data=MultiDict(fields)))
    again = _check(database, lambda: client.post(path, data=MultiDict(fields)))
    added = _stored(database)[0] - before
    assert added <= 1
    if added:
        assert first.status_code == 302 and first.location == f"/thanks/{submission_id}"
        assert again.location == first.location


# The API.


@pytest.fixture
def api_token(fuzz_app: Flask, database: Database, world: World) -> str:
    with database.session() as session:
        user = accounts.create_user(
            session, email="fuzz@example.org", password="tangerine quarry lantern", role="admin"
        )
        _token, secret = api_tokens.create(session, user, "fuzz", ttl_days=1)
        session.commit()
    return secret


_api_paths = st.one_of(
    st.sampled_from(
        [
            "/api/v1/",
            "/api/v1/me",
            "/api/v1/openapi.json",
            "/api/v1/tokens",
            "/api/v1/waves",
            "/api/v1/waves/load-wave",
            "/api/v1/waves/load-wave/microdata",
            "/api/v1/areas",
            "/api/v1/indicators",
            "/api/v1/results",
        ]
    ),
    st.builds(lambda s: f"/api/v1/waves/{quote(s, safe='')}", _text.filter(bool)),
)
_query = st.lists(
    st.tuples(
        st.sampled_from(
            ["wave", "area", "group", "indicator", "page", "per_page", "format", "language", "x"]
        ),
        st.one_of(
            _values,
            st.sampled_from(
                ["load-wave", "municipality:loadtown", "all", "gender=2", "drunk_30d", "csv"]
            ),
        ),
    ),
    max_size=5,
)
_bad_authorization = st.one_of(
    st.none(),
    st.sampled_from(["Bearer", "Bearer ", "Basic abc", "bearer oko_nope", "Bearer \x7f"]),
    # Header values cannot hold line breaks (the client refuses them, as HTTP does).
    _text.filter(lambda s: not {"\r", "\n"} & set(s)).map(lambda s: f"Bearer {s}"),
)
#: Half the requests carry a valid token, so the parameters are checked, not only the token.
_authorization = st.one_of(st.just("valid"), _bad_authorization)


@FUZZ
@given(
    path=_api_paths,
    query=_query,
    method=st.one_of(st.just("GET"), st.sampled_from(["POST", "DELETE", "PUT", "PATCH"])),
    authorization=_authorization,
    body=st.one_of(
        st.none(),
        st.binary(max_size=200),
        st.builds(
            lambda v: json.dumps(v).encode(),
            st.one_of(
                st.dictionaries(st.sampled_from(["name", "x"]), _values | st.integers()),
                st.lists(st.integers(), max_size=3),
            ),
        ),
    ),
)
def test_api_requests_never_fail_and_refusals_store_nothing(
    fuzz_app: Flask,
    database: Database,
    api_token: str,
    path: str,
    query: list[tuple[str, str]],
    method: str,
    authorization: str | None,
    body: bytes | None,
) -> None:
    client = fuzz_app.test_client()
    headers = {}
    if authorization == "valid":
        headers["Authorization"] = f"Bearer {api_token}"
    elif authorization is not None:
        headers["Authorization"] = authorization
    _check(
        database,
        lambda: client.open(
            path.replace("\x00", ""),
            method=method,
            query_string=query,
            headers=headers,
            data=body,
            content_type="application/json" if body is not None else None,
        ),
    )
