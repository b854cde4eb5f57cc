"""A seeded world for tests that visit every route of the app: two municipalities with their
schools, waves, class sessions and accounts, and the URLs of every rule of ``app.url_map``
filled with the ids and names of that data.

The victim municipality's rows are created first (so they have id 1 in every table) and carry
the word CANARY in their names.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from oko.models import Response
from tests.staff import staff_factories as f

#: Roles and the email they log in with; "other" users belong to the victim municipality.
ROLES = {
    "admin": "admin@example.org",
    "coordinator": "coordinator@example.org",
    "coalition": "coalition@example.org",
    "researcher": "researcher@example.org",
}


def build_world(app) -> None:
    with app.extensions["oko.db"].session() as session:
        # The victim first: id 1 everywhere.
        south = f.municipality(session, "south", "CANARY South Town")
        south_school = f.school(session, south, "south-school", pupils={2: 77})
        south_school.name = "CANARY South School"
        victim_wave = f.wave(session, "2025-autumn")
        victim_session = f.class_session(session, victim_wave, south_school, 2, "SOUTH22")
        victim_session.label = "CANARY"
        session.add(
            Response(
                submission_id="victim-submission",
                wave_id=victim_wave.id,
                school_id=south_school.id,
                grade=2,
                class_session_id=victim_session.id,
                questionnaire_id="oko-core",
                questionnaire_version="2026.1",
                language="nl",
                answers={"comments": "CANARY comment"},
            )
        )
        victim = f.user(session, "coalition", "south@example.org", municipality_row=south)
        victim.name = "CANARY South Member"
        f.user(session, "coordinator", "south-coord@example.org", schools=(south_school,))
        # The visitors' own world: id 2.
        north = f.municipality(session, "north", "North Town")
        north_school = f.school(session, north, "north-school", pupils={2: 50})
        own_wave = f.wave(session, "2026-spring")
        f.class_session(session, own_wave, north_school, 2, "NORTH22")
        f.user(session, "admin")
        f.user(session, "coordinator", schools=(north_school,))
        f.user(session, "coalition", municipality_row=north)
        f.user(session, "researcher", waves=(own_wave,))
        session.commit()


STRING_VALUES = {
    "code": "SOUTH22",
    "submission_id": "victim-submission",
    "municipality": "south",
    "municipality_slug": "south",
    "school": "south-school",
    "school_slug": "south-school",
    "wave": "2025-autumn",
    "wave_slug": "2025-autumn",
    "slug": "2025-autumn",
    "lang": "en",
    "filename": "css/oko.css",
    "page_id": "about",
}


def argument_values(rule: Rule, name: str) -> list[object]:
    converter = rule._converters[name]
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)
    if isinstance(converter, IntegerConverter):
        return [1]
    for key, value in STRING_VALUES.items():
        if name == key:
            return [value]
    for key, value in STRING_VALUES.items():
        if key in name:
            return [value]
    return ["south"]


def urls(
    app, arguments: Callable[[Rule, str], list[object]] = argument_values
) -> Iterator[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule, with every choice ``arguments`` gives for one
    (by default the world's own ids and names, and every choice of an ``any()`` argument)."""
    for rule in app.url_map.iter_rules():
        names = sorted(rule.arguments - set(rule.defaults or {}))
        choices = [arguments(rule, name) for name in names]
        for values in itertools.product(*choices):
            url = rule.build(dict(zip(names, values, strict=True)), append_unknown=False)[1]
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                yield rule.endpoint, method, url


def client_for(app, role: str | None):
    """A test client, logged in as the ``role`` account of the visitors' world (or anonymous)."""
    client = app.test_client()
    if role is not None:
        assert f.login(client, ROLES[role]).status_code == 302
    return client
