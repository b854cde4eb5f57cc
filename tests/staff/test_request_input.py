"""Junk in a request never answers 500: every GET route of ``app.url_map``, anonymous and as
every role, with real and junk path arguments and with huge, negative, non-numeric, newline,
NUL, unicode, very long and unknown query parameters.

The routes come from ``app.url_map``, so a route added later is covered without touching this
file. Every known query parameter of the app gets the junk at once, with a few unknown ones
(including names ``url_for`` treats specially), so the number of requests stays small.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from tests.staff.route_world import build_world, client_for, urls

#: Query parameters some page reads; each request sends junk in all of them.
KNOWN_PARAMETERS = (
    "page",
    "per_page",
    "next",
    "lang",
    "municipality",
    "domain",
    "notice",
    "action",
    "wave",
    "area",
    "indicator",
    "school",
    "grade",
    "format",
)
#: Names nobody reads, and names that mean something to ``url_for`` or the route itself.
UNKNOWN_PARAMETERS = ("zzz", "_external", "_scheme", "_anchor", "_method", "wave_slug", "code")
JUNK = (
    "99999999999999999999",
    "-1",
    "abc",
    "\r\nSet-Cookie: x=1",
    "/\r\n/evil.example",
    "\x00",
    "ünï©ødé ✓ 😀",
    "x" * 10_000,
    "",
)
#: Path arguments that match the route but name nothing (or something absurd).
JUNK_INTEGERS = [0, 99999999999999999999]
JUNK_STRINGS = ["no-such-thing", "ünï©ødé", "nul\x00", "x" * 300]


def _junk_arguments(rule: Rule, name: str) -> list[object]:
    converter = rule._converters[name]
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)
    if isinstance(converter, IntegerConverter):
        return JUNK_INTEGERS
    return JUNK_STRINGS


def _query(junk: str) -> str:
    names = KNOWN_PARAMETERS + UNKNOWN_PARAMETERS
    return urlencode([(name, junk) for name in names] + [("page", "1")])


def _get_urls(app) -> list[str]:
    real = [url for _, method, url in urls(app) if method == "GET"]
    junk = [url for _, method, url in urls(app, _junk_arguments) if method == "GET"]
    return sorted(set(real)) + sorted(set(junk) - set(real))


@pytest.fixture
def crawl_app(app):
    build_world(app)
    return app


def _visit(client, target: str) -> tuple[str | None, bool]:
    """(the problem, if the answer is a 5xx or an error; whether the view itself answered,
    rather than a refusal or a redirect to login)."""
    try:
        response = client.get(target)
    except Exception as error:  # the test app lets errors through instead of answering 500
        return f"GET {target[:120]} -> {type(error).__name__}: {str(error)[:120]}", False
    response.close()  # static files are streamed from an open file
    status = response.status_code
    if status >= 500:
        return f"GET {target[:120]} -> {status}", False
    to_login = response.headers.get("Location", "").startswith("/login")
    return None, status < 400 and not to_login


@pytest.mark.parametrize("role", [None, "admin", "coordinator", "coalition", "researcher"])
def test_no_get_route_answers_5xx_to_junk(crawl_app, role: str | None) -> None:
    """Pages the visitor reaches get every kind of junk; refused ones one kind each (the
    refusal must survive junk too), which keeps the number of requests small."""
    client = client_for(crawl_app, role)
    real = {url for _, method, url in urls(crawl_app) if method == "GET"}
    problems = []
    for n, url in enumerate(_get_urls(crawl_app)):
        problem, reached = _visit(client, url)
        if reached and url in real:
            queries = [_query(junk) for junk in JUNK]
        else:
            queries = [_query(JUNK[n % len(JUNK)])]
        found = [problem] + [_visit(client, f"{url}?{query}")[0] for query in queries]
        problems += [p for p in found if p]
    assert not problems, f"{role or 'anonymous'}:\n" + "\n".join(problems)
