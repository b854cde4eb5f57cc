"""What a URL may hold before a view sees it.

``<int:...>`` path arguments are database ids: a number too large for the database's integer
column answers 404 instead of an overflow error from the driver. A NUL character in the path
or the query string answers 404 too: no row is named that way, and PostgreSQL refuses NUL in
text, so a view passing it on to a query would fail.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, Map

#: The largest id PostgreSQL's INTEGER holds (SQLite's holds more; neither reaches it).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``int`` with an upper bound by default, so every ``<int:...>`` rule refuses huge ids."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def refuse_nul_characters() -> None:
    if "\x00" in request.path or any(
        "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)
    ):
        abort(404)


def init_app(app: Flask) -> None:
    """Must run before blueprints register their rules (converters bind when a rule is added)."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_characters)
