"""A wave's stored responses as the indicator engine's columns, without a dict per response.

Why: the engine needs a few dozen int16 columns, but a stored response is a JSON object of
every item (about 80 in ``oko-core``, 1.3 kB). Decoding 100,000 of them into Python dicts and
walking the dicts took seconds and a gigabyte of memory, ten times what the statistics take.
So the database pulls out only the items the indicators read, as one short line of text per
response (``3,null,?,1``), and numpy parses all lines at once:

- PostgreSQL: ``coalesce((answers -> 'item')::text, '?')`` per item, joined with commas. A
  missing key gives ``?``, a JSON ``null`` gives ``null``: the "not asked" / "not answered"
  difference survives.
- SQLite: ``json_extract`` with one path per item returns a JSON array; it gives ``null`` for
  both a missing key and a JSON ``null``, so a second expression lists the keys whose value is
  ``null`` (``json_each``), and only those become "not answered".

The text is accepted only if it holds nothing but whole numbers >= 0, ``null`` and ``?``, and
the numbers fit int16. Anything else (a list or text where an indicator expects a code, a
negative number, another database) takes the exact path: decode the answers and run
:func:`oko.indicators.encode_answers`, which raises the usual error for a bad value. Both
paths give identical columns (``tests/services/test_response_columns.py``).

The ``too_fast`` flag is not stored: it is decided here from each response's duration and the
wave's median (:mod:`oko.services.results.durations`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, String, Text, cast, func, literal, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from oko.indicators import NOT_ANSWERED, NOT_ASKED, ResponseColumns, encode_answers
from oko.indicators.columns import MAX_GENDER_CODE
from oko.models import Municipality, Response, School, Wave
from oko.models.responses import ACCEPTED
from oko.questionnaire import FLAGS, too_fast
from oko.questionnaire.quality import TOO_FAST
from oko.services.results.durations import median_duration

#: What the PostgreSQL expression writes for a key that is absent (not asked). jsonb's text
#: output never produces a bare ``?``, so it cannot be mistaken for a stored value.
ABSENT = "?"
_INT16_MAX = np.iinfo(np.int16).max
#: Characters of a line that the fast path understands; anything else means "take the exact
#: path" (quotes: text; brackets: lists; ``-``, ``.``, ``e``: numbers that are not codes).
_UNDERSTOOD = str.maketrans("", "", f"0123456789, nul{ABSENT}")


def wave_columns(
    session: Session,
    wave: Wave,
    item_ids: Sequence[str],
    gender_item: str | None,
    regions: Mapping[str, int],
    *,
    too_fast_share: float,
) -> ResponseColumns:
    """The responses of ``wave`` (to its own questionnaire) in id order, as engine columns.

    ``item_ids`` are the items the indicators read; ``gender_item`` gives the gender column
    (codes ``0..MAX_GENDER_CODE``, anything else "not answered"); ``regions`` numbers the
    municipalities' region names; ``too_fast_share`` is the questionnaire's share of the
    median under which a response is too fast.
    """
    items = list(dict.fromkeys([*item_ids, *([gender_item] if gender_item else [])]))
    dialect = session.get_bind().dialect.name
    extract = _EXTRACTORS.get(dialect)
    where = (
        Response.wave_id == wave.id,
        Response.questionnaire_id == wave.questionnaire_id,
        Response.status == ACCEPTED,
    )
    design = (
        Response.school_id,
        Response.grade,
        School.municipality_id,
        Municipality.region,
        cast(Response.quality_flags, Text),
        Response.class_session_id,
        Response.duration_seconds,
    )

    def fetch(
        *extra: ColumnElement[Any] | InstrumentedAttribute[Any],
    ) -> tuple[int, list[tuple[Any, ...]]]:
        """Row count and one tuple per selected column (the design columns, then ``extra``)."""
        rows = session.execute(
            select(*design, *extra)
            .join(School, School.id == Response.school_id)
            .join(Municipality, Municipality.id == School.municipality_id)
            .where(*where)
            .order_by(Response.id)
        ).all()
        return len(rows), list(zip(*rows, strict=True)) or [()] * (len(design) + len(extra))

    expressions = extract(items) if extract is not None and items else ()
    n, columns = fetch(*expressions)
    codes = _parse(dialect, columns[len(design) :], items, n) if expressions else None
    if codes is None:
        # Read again, design columns included: an open wave may have grown in between.
        n, columns = fetch(Response.answers)
        decoded = [a or {} for a in columns[-1]]
        answer_columns = encode_answers(decoded, item_ids)
        gender = np.array([_gender(a.get(gender_item)) for a in decoded], dtype=np.int16)
    else:
        answer_columns = {item: codes[:, items.index(item)].astype(np.int16) for item in item_ids}
        gender = _gender_codes(codes[:, items.index(gender_item)] if gender_item else None, n)
    (school, grade, municipality, region, flags_text, class_session, durations) = columns[
        : len(design)
    ]
    median = median_duration(session, wave.id)
    flags = _flags(flags_text)
    flags[TOO_FAST] = np.array(
        [too_fast(duration, median, too_fast_share) for duration in durations], dtype=bool
    )
    return ResponseColumns(
        answers=answer_columns,
        psu=np.array(school, dtype=np.int64),
        municipality=np.array(municipality, dtype=np.int64),
        region=np.array([regions[name] for name in region], dtype=np.int64),
        gender=gender,
        grade=np.array(grade, dtype=np.int16),
        class_session=np.array(
            [NOT_ANSWERED if c is None else c for c in class_session], dtype=np.int64
        ),
        flags=flags,
    )


def _postgresql(items: Sequence[str]) -> tuple[ColumnElement[Any], ...]:
    values = [func.coalesce(cast(Response.answers[item], Text), ABSENT) for item in items]
    return (func.concat_ws(",", *values),)


def _sqlite(items: Sequence[str]) -> tuple[ColumnElement[Any], ...]:
    # With a single path json_extract returns the bare value, not an array: ask twice.
    paths = [literal(f'$."{item}"') for item in (items if len(items) > 1 else [*items, *items])]
    entries = func.json_each(Response.answers).table_valued("key", "type")
    nulls = (
        select(func.group_concat(entries.c.key, ","))
        .where(entries.c.type == "null", entries.c.key.in_(list(items)))
        .scalar_subquery()
    )
    return func.json_extract(Response.answers, *paths, type_=String), nulls


_EXTRACTORS = {"postgresql": _postgresql, "sqlite": _sqlite}


def _parse(
    dialect: str, extracted: list[tuple[Any, ...]], items: list[str], n: int
) -> np.ndarray | None:
    """An ``n`` x ``len(items)`` int array of codes, or None when the exact path must decide."""
    if n == 0:
        return np.zeros((0, len(items)), dtype=np.int64)
    lines: Sequence[Any] = extracted[0]
    if dialect == "sqlite":
        if any(not isinstance(line, str) or line[:1] != "[" for line in lines):
            return None
        lines = [line[1:-1] for line in lines]
    elif any(not isinstance(line, str) for line in lines):
        return None
    text = ",".join(lines)
    if text.translate(_UNDERSTOOD):
        return None
    text = text.replace("null", str(NOT_ANSWERED if dialect != "sqlite" else NOT_ASKED))
    text = text.replace(ABSENT, str(NOT_ASKED))
    width = len(items) if dialect != "sqlite" or len(items) > 1 else 2
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            values = np.fromstring(text, dtype=np.int64, sep=",")
    except (ValueError, DeprecationWarning):
        return None
    if values.size != n * width or (values.size and values.max() > _INT16_MAX):
        return None
    codes = values.reshape(n, width)[:, : len(items)]
    if dialect == "sqlite":
        _mark_not_answered(codes, extracted[1], items)
    return codes


def _mark_not_answered(codes: np.ndarray, null_keys: tuple[Any, ...], items: list[str]) -> None:
    """SQLite's ``null`` meant "absent"; the rows' ``null``-valued keys were "not answered"."""
    position = {item: index for index, item in enumerate(items)}
    rows: list[int] = []
    columns: list[int] = []
    for row, keys in enumerate(null_keys):
        if keys:
            for key in keys.split(","):
                rows.append(row)
                columns.append(position[key])
    codes[rows, columns] = NOT_ANSWERED


def _gender_codes(values: np.ndarray | None, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, NOT_ANSWERED, dtype=np.int16)
    valid = (values >= 0) & (values <= MAX_GENDER_CODE)
    return np.where(valid, values, NOT_ANSWERED).astype(np.int16)


def _gender(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_GENDER_CODE:
        return value
    return NOT_ANSWERED


def _flags(texts: Sequence[str | None]) -> dict[str, np.ndarray]:
    """Quality flags from the stored JSON lists as text: a flag name is a quoted string in it."""
    return {
        flag: np.array([t is not None and f'"{flag}"' in t for t in texts], dtype=bool)
        for flag in FLAGS
    }
