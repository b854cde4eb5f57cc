"""Aggregate research data: which waves an account may read, and the downloads built from them.

Results are published only for closed waves. While a wave is open its figures change with
every class that submits, and two snapshots differ by exactly the answers of the students in
between: subtracting them would expose those students. A closed wave's results are final.

Scope: admins read every closed wave; researchers the waves granted to them (``user_wave``);
coalition members the waves in which their municipality took part, limited to their
municipality, its schools (where large enough) and its region. Other roles read nothing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from oko.indicators import Area, AreaLevel, Group, GroupKind, WaveResults
from oko.models import Response, School, User, Wave, utcnow
from oko.models.responses import TEST
from oko.research import aggregates, bundles, codebook
from oko.research.plans import plan_tables
from oko.research.tables import Table, Value
from oko.research.writers import table_to_json, to_json, to_xlsx
from oko.services import audit
from oko.services.plans import reading as plans
from oko.services.research import microdata
from oko.services.results import engine as results
from oko.services.results.engine import Settings
from oko.services.staff import authz
from oko.services.transactions import commits

READER_ROLES = ("researcher", "coalition")


class UnknownWave(LookupError):
    """No wave has this slug."""


@dataclass(frozen=True)
class Scope:
    """What of a wave's results an account may see: everything, or one municipality's part."""

    municipality_id: int | None = None

    @property
    def everything(self) -> bool:
        return self.municipality_id is None


def scope_of(user: User) -> Scope:
    authz.require_role(user, *READER_ROLES)
    return Scope(user.municipality_id if user.role == "coalition" else None)


def readable_waves(session: Session, user: User) -> list[Wave]:
    """Closed waves the account may read, newest first."""
    authz.require_role(user, *READER_ROLES)
    query = select(Wave).where(Wave.status == "closed")
    if user.role == "researcher":
        granted = [wave.id for wave in user.waves]
        query = query.where(Wave.id.in_(granted))
    elif user.role == "coalition":
        query = query.where(_municipality_took_part(user.municipality_id))
    query = query.order_by(Wave.closes_at.desc(), Wave.id.desc())
    return list(session.execute(query).scalars())


def readable_wave(session: Session, user: User, slug: str) -> Wave:
    """The wave, if the account may read it: :class:`UnknownWave` or ``authz.Forbidden``."""
    wave = microdata.wave_by_slug(session, slug)
    if wave is None:
        raise UnknownWave(f"There is no wave {slug!r}.")
    authz.require_role(user, *READER_ROLES)
    if user.role == "researcher":
        authz.require_wave(user, wave.id)
    if (
        user.role == "coalition"
        and not session.execute(
            select(_municipality_took_part(user.municipality_id).where(Wave.id == wave.id))
        ).scalar()
    ):
        raise authz.Forbidden(f"your municipality did not take part in wave {slug}")
    if wave.status != "closed":
        raise authz.Forbidden(f"wave {slug} is {wave.status}; results are published once it closes")
    return wave


def _municipality_took_part(municipality_id: int | None):
    return exists().where(
        Response.wave_id == Wave.id,
        Response.school_id == School.id,
        Response.status != TEST,
        School.municipality_id == municipality_id,
    )


class UnknownFilter(ValueError):
    """A results filter names no area, group or indicator of the wave."""


FORMATS = ("csv", "json", "xlsx")
#: What a browser download of each format is: the CSV data package comes as one zip.
EXTENSIONS = {"csv": "zip", "json": "json", "xlsx": "xlsx"}
MEDIA_TYPES = {
    "csv": "application/zip",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: The codebook alone (items, codes, indicators) is a download of its own: a zipped package.
CODEBOOK = "codebook"


@dataclass(frozen=True)
class WaveAggregates:
    """A wave's published results for one reader: the tidy table plus its codebook tables."""

    wave: Wave
    results: Table
    areas_table: Table
    indicators_table: Table
    items_table: Table
    codes_table: Table
    questionnaire_id: str
    questionnaire_version: str
    #: Bytes of each download built from these tables (a format or :data:`CODEBOOK`, with the
    #: plans it held), noted when a file is built: sizes live exactly as long as the cached
    #: tables they come from, and a changed plan is a new key.
    sizes: dict[tuple[object, ...], int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def areas(self) -> list[dict[str, Value]]:
        return list(self.areas_table.records())

    @property
    def indicators(self) -> list[dict[str, Value]]:
        return list(self.indicators_table.records())

    @property
    def tables(self) -> tuple[Table, ...]:
        return (
            self.results,
            self.areas_table,
            self.indicators_table,
            self.items_table,
            self.codes_table,
        )

    def filter(
        self, *, area: str | None = None, group: str | None = None, indicator: str | None = None
    ) -> list[dict[str, Value]]:
        """Result records matching every given filter; an unknown value is an error."""
        wanted = {"area": area, "group": group, "indicator": indicator}
        known = {
            "area": set(self.areas_table.column("area")),
            "indicator": set(self.indicators_table.column("indicator")),
            "group": set(self.results.column("group")),
        }
        for name, value in wanted.items():
            if value is not None and value not in known[name]:
                hint = {
                    "area": "see /areas",
                    "indicator": "see /indicators",
                    "group": "all, gender=<code> or grade=<code> with results in this wave",
                }[name]
                raise UnknownFilter(f"Unknown {name} {value!r} in wave {self.wave.slug} ({hint}).")
        return [
            record
            for record in self.results.records()
            if all(value is None or record[name] == value for name, value in wanted.items())
        ]


#: The goals and actions tables of a download. Not cached with the results: a coalition
#: edits its plan after the wave has closed, and a download shows the plan as it is now.
Plans = tuple[Table, Table]


def _plans(session: Session, wave: Wave, scope: Scope) -> Plans:
    found = plans.for_research(session, wave, scope.municipality_id)
    return plan_tables(found["goals"], found["actions"])


def _size_key(file_format: str, plan: Plans) -> tuple[object, ...]:
    """Which file a noted size is of: the codebook holds no plans, the other files do."""
    if file_format == CODEBOOK:
        return (file_format,)
    return (file_format, *(table.rows for table in plan))


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    data: bytes


#: Built tables per (engine results, scope, area names): a paged API client asks for the same
#: wave many times in a row, and the engine's results object is itself cached.
_tables: OrderedDict[tuple[object, ...], tuple[WaveResults, WaveAggregates]] = OrderedDict()
_tables_lock = threading.Lock()
TABLE_CACHE_SIZE = 32


def wave_aggregates(
    session: Session, wave: Wave, scope: Scope, settings: Settings
) -> WaveAggregates:
    """The wave's results as tidy tables, limited to ``scope``; numbers as the engine gave them."""
    loaded = results.wave_results(session, wave, settings)
    key = (id(loaded.results), scope, tuple(loaded.areas.items()), wave.slug, wave.name)
    with _tables_lock:
        hit = _tables.get(key)
        if hit is not None and hit[0] is loaded.results:
            _tables.move_to_end(key)
            return hit[1]
    built = _build_aggregates(loaded, wave, scope)
    with _tables_lock:
        _tables[key] = (loaded.results, built)
        while len(_tables) > TABLE_CACHE_SIZE:
            _tables.popitem(last=False)
    return built


def _build_aggregates(loaded: results.LoadedResults, wave: Wave, scope: Scope) -> WaveAggregates:
    infos = {
        area: aggregates.AreaInfo(name.id, name.name, name.parent)
        for area, name in loaded.areas.items()
    }
    table = aggregates.result_table(
        loaded.results,
        infos,
        _group_labeller(loaded),
        include=_scope_filter(loaded, scope),
    )
    languages = loaded.questionnaire.languages
    return WaveAggregates(
        wave=wave,
        results=table,
        areas_table=aggregates.area_table(table, infos.values()),
        indicators_table=codebook.indicator_table(loaded.indicators),
        items_table=codebook.item_table(loaded.questionnaire, languages),
        codes_table=codebook.code_table(loaded.questionnaire, languages),
        questionnaire_id=loaded.questionnaire.id,
        questionnaire_version=loaded.questionnaire.version,
    )


def _scope_filter(loaded: results.LoadedResults, scope: Scope):
    if scope.everything:
        return lambda _area: True
    names = loaded.areas
    own = [
        name
        for name in names.values()
        if name.level is AreaLevel.MUNICIPALITY and name.municipality_id == scope.municipality_id
    ]
    region_ids = {name.parent for name in own}

    def include(area: Area) -> bool:
        name = names.get(area)
        if name is None:
            return False
        if area.level is AreaLevel.REGION:
            return name.id in region_ids
        return name.municipality_id == scope.municipality_id

    return include


def _group_labeller(loaded: results.LoadedResults):
    questionnaire = loaded.questionnaire
    gender_item = questionnaire.items.get(questionnaire.demographics.get("gender", ""))
    genders = {o.code: o.label["en"] for o in gender_item.options} if gender_item else {}

    def label(group: Group) -> str:
        if group.kind is GroupKind.ALL:
            return "all students"
        if group.kind is GroupKind.GENDER:
            return genders.get(group.code or 0, f"gender {group.code}")
        return f"grade {group.code}"

    return label


def aggregate_files(
    session: Session, wave: Wave, scope: Scope, file_format: str, settings: Settings
) -> tuple[dict[str, bytes], int]:
    """The files of an aggregate download and its number of result rows.

    csv: a Frictionless data package (results, areas, indicators, items, codes, goals,
    actions, README); json: one document holding every table; xlsx: one workbook with a
    sheet per table. Goals and actions are those of the municipalities in ``scope``.
    """
    _check_format(file_format)
    data = wave_aggregates(session, wave, scope, settings)
    return _files(data, _plans(session, wave, scope), wave, file_format), len(data.results.rows)


def _check_format(file_format: str) -> None:
    if file_format not in FORMATS:
        raise ValueError(f"Unknown format {file_format!r}; choose one of {', '.join(FORMATS)}.")


def _files(data: WaveAggregates, plan: Plans, wave: Wave, file_format: str) -> dict[str, bytes]:
    tables = (*data.tables, *plan)
    created = utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    stem = f"oko-{wave.slug}-aggregates"
    about = [
        ("wave", wave.slug),
        ("wave_name", wave.name),
        ("questionnaire", f"{data.questionnaire_id} {data.questionnaire_version}"),
        ("created", created),
        ("suppression", SUPPRESSION_NOTE),
    ]
    if file_format == "csv":
        files = bundles.csv_package(
            tables,
            name=stem,
            title=f"{wave.name}: indicator results",
            description=SUPPRESSION_NOTE,
            created=created,
            extra={"wave": wave.slug},
        )
        files["README.txt"] = _readme(about).encode("utf-8")
        return files
    if file_format == "json":
        document = {
            "about": dict(about),
            **{table.name: table_to_json(table) for table in tables},
        }
        return {f"{stem}.json": to_json(document)}
    return {f"{stem}.xlsx": to_xlsx(tables, about)}


def _single_file(
    data: WaveAggregates, plan: Plans, wave: Wave, file_format: str
) -> tuple[str, bytes]:
    """Name and bytes of the one file a browser gets, its size noted in ``data.sizes``."""
    if file_format == CODEBOOK:
        stem = f"oko-{wave.slug}-codebook"
        files = bundles.csv_package(
            (data.items_table, data.codes_table, data.indicators_table),
            name=stem,
            title=f"{wave.name}: codebook",
            description="The questionnaire's items and answer codes, and how each indicator "
            "is computed from them.",
            created=utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
            extra={"wave": wave.slug},
        )
        filename, content = f"{stem}.zip", bundles.to_zip(files, stem)
    elif file_format == "csv":
        stem = f"oko-{wave.slug}-aggregates"
        files = _files(data, plan, wave, file_format)
        filename, content = f"{stem}.zip", bundles.to_zip(files, stem)
    else:
        ((filename, content),) = _files(data, plan, wave, file_format).items()
    data.sizes[_size_key(file_format, plan)] = len(content)
    return filename, content


def download_sizes(session: Session, wave: Wave, user: User, settings: Settings) -> dict[str, int]:
    """Bytes of each download of ``wave`` for this reader (formats and the codebook).

    A file not built yet for the cached tables is built once to be measured; the sizes stay
    as long as the tables, so the research page lists them without rebuilding 6 MB of JSON.
    """
    scope = scope_of(user)
    data = wave_aggregates(session, wave, scope, settings)
    plan = _plans(session, wave, scope)
    for file_format in (*FORMATS, CODEBOOK):
        if _size_key(file_format, plan) not in data.sizes:
            _single_file(data, plan, wave, file_format)
    return {name: data.sizes[_size_key(name, plan)] for name in (*FORMATS, CODEBOOK)}


def codebook_download(session: Session, wave: Wave, user: User, settings: Settings) -> Download:
    """The wave's codebook as a zipped CSV data package: not audited, it holds no results."""
    data = wave_aggregates(session, wave, scope_of(user), settings)
    filename, content = _single_file(data, plan_tables((), ()), wave, CODEBOOK)
    return Download(filename, "application/zip", content)


@commits
def aggregate_download(
    session: Session,
    wave: Wave,
    user: User,
    file_format: str,
    settings: Settings,
    *,
    channel: str,
) -> Download:
    """One file for the browser (the CSV package zipped), audited (commits)."""
    _check_format(file_format)
    scope = scope_of(user)
    data = wave_aggregates(session, wave, scope, settings)
    filename, content = _single_file(data, _plans(session, wave, scope), wave, file_format)
    rows = len(data.results.rows)
    record_export(session, wave, file_format, rows, user_id=user.id, channel=channel)
    return Download(filename, MEDIA_TYPES[file_format], content)


def record_export(
    session: Session,
    wave: Wave,
    file_format: str,
    rows: int,
    *,
    user_id: int | None,
    channel: str,
) -> None:
    audit.record(
        session,
        "export.aggregates",
        user_id=user_id,
        target=f"wave:{wave.slug}",
        detail={"format": file_format, "rows": rows, "via": channel},
    )


SUPPRESSION_NOTE = (
    "Suppressed rows (suppressed = true) have no numbers; suppression_reason is 'hidden' "
    "whatever the cause, so it tells nothing about the hidden value. "
    "Proportions are shares from 0 to 1."
)


def _readme(about: list[tuple[str, str]]) -> str:
    lines = [f"{key}: {value}" for key, value in about]
    return "\n".join(
        [
            "oko aggregate results",
            *lines,
            "",
            "results.csv     one row per indicator x area x group",
            "areas.csv       the areas (region, municipalities, schools large enough)",
            "indicators.csv  how each indicator is computed",
            "items.csv       the questionnaire items, in every language",
            "codes.csv       the answer codes and their labels",
            "goals.csv       the goals coalitions set (municipalities in this download)",
            "actions.csv     the actions coalitions took towards them",
            "datapackage.json  Frictionless descriptor: types and meaning of every column",
            "",
        ]
    )
