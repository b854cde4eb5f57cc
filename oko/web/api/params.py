"""Query parameters, checked strictly: a typo in a filter is a 400 that names it, never a
silently unfiltered answer."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from flask import request, url_for

from oko.web.api.access import ApiError

#: Shapes of the results filters (also in the OpenAPI document): a malformed value is a 400,
#: a well-formed one that names nothing in the wave a 404.
NON_BLANK = r"\S"
AREA_PATTERN = r"^(region|municipality|school):[a-z0-9][a-z0-9_-]*$"
GROUP_PATTERN = r"^(all|gender=[0-9]{1,2}|grade=[0-9]{1,2})$"
INDICATOR_PATTERN = r"^[a-z][a-z0-9_]*$"
DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 1000
MAX_PAGE = 10**9
_WHOLE = re.compile(r"^[0-9]{1,9}$")


def check_known(allowed: Collection[str]) -> None:
    unknown = sorted(set(request.args) - set(allowed))
    if unknown:
        raise ApiError(
            400,
            f"Unknown query parameter {unknown[0]!r}; this endpoint accepts: "
            f"{', '.join(sorted(allowed)) or 'none'}.",
        )


def single(name: str) -> str | None:
    values = request.args.getlist(name)
    if len(values) > 1:
        raise ApiError(400, f"Give {name!r} once.")
    if values and not values[0].strip():
        raise ApiError(400, f"{name!r} is empty.")
    return values[0].strip() if values else None


def required(name: str) -> str:
    value = single(name)
    if value is None:
        raise ApiError(400, f"The query parameter {name!r} is required.")
    return value


def matching(name: str, pattern: str, example: str) -> str | None:
    value = single(name)
    if value is not None and not re.search(pattern, value):
        raise ApiError(400, f"{name!r} is malformed: {value!r}; expected e.g. {example}.")
    return value


def whole_number(name: str, default: int, low: int, high: int) -> int:
    raw = single(name)
    if raw is None:
        return default
    if not _WHOLE.match(raw) or not low <= int(raw) <= high:
        raise ApiError(400, f"{name!r} must be a whole number from {low} to {high}, not {raw!r}.")
    return int(raw)


@dataclass(frozen=True)
class Page:
    number: int
    size: int


def page() -> Page:
    return Page(
        whole_number("page", 1, 1, MAX_PAGE),
        whole_number("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
    )


def paginate(items: Sequence[Any], chosen: Page, endpoint: str, **values: Any) -> dict[str, Any]:
    """The envelope ``{"data", "meta", "links"}``; a page past the last one is a 404."""
    total = len(items)
    pages = max(1, math.ceil(total / chosen.size))
    if chosen.number > pages:
        raise ApiError(
            404,
            f"Page {chosen.number} does not exist: there {_are(pages)} at {chosen.size} per page.",
        )
    start = (chosen.number - 1) * chosen.size
    args = {k: v for k, v in request.args.items() if k not in ("page", "per_page")} | values

    def link(number: int) -> str:
        return url_for(endpoint, page=number, per_page=chosen.size, **args)

    return {
        "data": list(items[start : start + chosen.size]),
        "meta": {"page": chosen.number, "per_page": chosen.size, "total": total, "pages": pages},
        "links": {
            "self": link(chosen.number),
            "next": link(chosen.number + 1) if chosen.number < pages else None,
            "prev": link(chosen.number - 1) if chosen.number > 1 else None,
        },
    }


def _are(pages: int) -> str:
    return "is 1 page" if pages == 1 else f"are {pages} pages"
