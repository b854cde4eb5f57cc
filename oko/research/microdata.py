"""Response-level data for an approved researcher, made safe to hand over.

What is done to the responses, and why:

- **Schools are pseudonymised** with a keyed hash (HMAC-SHA256 with the grant's key): stable
  across the downloads of one grant, useless for linking two grants, irreversible without the
  key, which never leaves the server. The pseudonym keeps the school as the cluster (PSU) for
  design-based standard errors.
- **Small schools are merged**: schools with fewer responses than the minimum school size share
  one pseudonym; if that group is itself too small (or a single school), the smallest other
  schools join it until it is neither.
- **Free text is left out**: text items can name people and places.
- **Rare categories are top- and bottom-coded** on ordered items: the highest (and lowest)
  answer codes are merged inwards until the merged category holds at least the minimum cell
  size, e.g. age 19 and 20 become "18 or older". On unordered items (gender, school type) a
  rare category is withheld (code -3) instead, since merging "other" into "girl" would be false.
  A rare option of a multiple-choice item drops that option's column.
- **No identifying metadata**: no submission id, class, timestamps, duration or language; rows
  are shuffled by a keyed hash so their order does not reveal the order of submission.

Codes: answers keep the questionnaire's codes; -1 not answered, -2 not asked (routed past),
-3 withheld. The SPSS file declares these three as user-missing values.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from oko.indicators.columns import NOT_ANSWERED, NOT_ASKED
from oko.questionnaire import FLAGS, Item, Questionnaire, Text
from oko.questionnaire.question_types import Measure
from oko.questionnaire.values import Answer
from oko.research.tables import Field, Table, Value

#: A rare category withheld on an unordered item.
WITHHELD = -3
MISSING_CODES = (NOT_ANSWERED, NOT_ASKED, WITHHELD)
MISSING_LABELS: Mapping[int, Mapping[str, str]] = MappingProxyType(
    {
        NOT_ANSWERED: {"nl": "niet beantwoord", "en": "not answered"},
        NOT_ASKED: {"nl": "niet gevraagd (overgeslagen)", "en": "not asked (routed past)"},
        WITHHELD: {"nl": "achtergehouden (zeldzame categorie)", "en": "withheld (rare category)"},
    }
)
#: Between a question and the part a column stands for: a grid's row, a multiple item's option.
LABEL_SEPARATOR = " — "
#: Between the option labels of a merged (top- or bottom-coded) category.
MERGED_SEPARATOR = " / "
#: Demographic roles whose codes have no order: rare codes are withheld, not merged.
NOMINAL_ROLES = ("gender", "school_type")
SOURCES = ("web", "import", "synthetic")


@dataclass(frozen=True)
class ResponseRecord:
    """One stored response as the service loads it; ``response_id`` only orders the rows."""

    response_id: int
    school_id: int
    grade: int
    answers: Mapping[str, Answer]
    quality_flags: tuple[str, ...] = ()
    source: str = "web"


@dataclass(frozen=True)
class Policy:
    """The disclosure-control settings of one export."""

    pseudonym_key: bytes
    min_school_size: int
    #: A category (or option) chosen by fewer respondents than this is merged or withheld.
    min_category_size: int


@dataclass(frozen=True)
class Variable:
    """One column of the microdata file, with what the codebook and SPSS need to label it."""

    name: str
    label: Mapping[str, str]
    #: "integer" codes or "string" (the school pseudonym, the source).
    type: str
    #: Value labels per code, missing codes included, in every language.
    values: Mapping[int, Mapping[str, str]] = field(default_factory=dict)
    #: The questionnaire item the column comes from, if any.
    item: str = ""
    #: Original code -> published code, for the codes top-, bottom-coded or withheld.
    recoded: Mapping[int, int] = field(default_factory=dict)
    note: str = ""
    #: Measurement level for SPSS and the codebook: codes without order are nominal.
    measure: Measure = "nominal"


@dataclass(frozen=True)
class Microdata:
    table: Table
    variables: tuple[Variable, ...]
    #: Item ids left out, with the reason: free text, an option too rare to publish, ...
    omitted: Mapping[str, str]
    schools: int
    merged_schools: int


def pseudonym(key: bytes, material: str) -> str:
    return "S" + hmac.new(key, material.encode(), hashlib.sha256).hexdigest()[:10]


def school_groups(sizes: Mapping[int, int], min_size: int) -> dict[int, frozenset[int]]:
    """Each school id -> the set of schools it is published with (itself, unless merged).

    Schools below ``min_size`` are merged; the merged group grows by the smallest remaining
    schools (ties broken by id, so the result is deterministic) until it has at least
    ``min_size`` responses and two schools, or no school is left to add.
    """
    small = sorted(school for school, n in sizes.items() if n < min_size)
    if not small:
        return {school: frozenset({school}) for school in sizes}
    rest = sorted((school for school in sizes if school not in small), key=lambda s: (sizes[s], s))
    merged = list(small)
    while rest and (sum(sizes[s] for s in merged) < min_size or len(merged) < 2):
        merged.append(rest.pop(0))
    group = frozenset(merged)
    groups = {school: group for school in merged}
    groups.update({school: frozenset({school}) for school in rest})
    return groups


def build(
    questionnaire: Questionnaire,
    records: Sequence[ResponseRecord],
    policy: Policy,
) -> Microdata:
    """The publishable table for ``records`` (all of one wave and questionnaire version)."""
    sizes = Counter(record.school_id for record in records)
    groups = school_groups(sizes, policy.min_school_size)
    names = {
        school: pseudonym(
            policy.pseudonym_key,
            "school:" + ",".join(str(s) for s in sorted(group)),
        )
        for school, group in groups.items()
    }
    ordered = sorted(
        records,
        key=lambda r: hmac.new(
            policy.pseudonym_key, f"row:{r.response_id}".encode(), "sha256"
        ).hexdigest(),
    )
    columns, variables, omitted = _item_columns(questionnaire, ordered, policy.min_category_size)
    design = _design_columns(ordered, names, groups)
    fields = tuple(spec for spec, _ in design) + tuple(spec for spec, _ in columns)
    values = [list(vals) for _, vals in design] + [list(vals) for _, vals in columns]
    rows = tuple(zip(*values, strict=True)) if records else ()
    table = Table(
        name="microdata",
        title=f"{questionnaire.title['en']}: responses",
        description="One row per response; see variables.csv and values.csv for the codes.",
        fields=fields,
        rows=rows,
        primary_key=("row",),
    )
    return Microdata(
        table=table,
        variables=_design_variables() + tuple(variables),
        omitted=MappingProxyType(omitted),
        schools=len(set(names.values())),
        merged_schools=sum(1 for group in groups.values() if len(group) > 1),
    )


def _design_columns(
    records: Sequence[ResponseRecord],
    names: Mapping[int, str],
    groups: Mapping[int, frozenset[int]],
) -> list[tuple[Field, list[Value]]]:
    design: list[tuple[Field, list[Value]]] = [
        (Field("row", "integer", "Row number (rows are in random order)."), []),
        (Field("school", "string", "School pseudonym: the cluster for standard errors."), []),
        (
            Field("school_merged", "integer", "1 when several small schools share the pseudonym."),
            [],
        ),
        (Field("class_grade", "integer", "School year of the class that took part."), []),
        (Field("source", "string", "web, import or synthetic (demo data).", SOURCES), []),
    ]
    flag_columns: list[tuple[Field, list[Value]]] = [
        (Field(f"flag_{flag}", "integer", f"1 when the data-quality flag {flag} is set."), [])
        for flag in FLAGS
    ]
    for number, record in enumerate(records, start=1):
        design[0][1].append(number)
        design[1][1].append(names[record.school_id])
        design[2][1].append(int(len(groups[record.school_id]) > 1))
        design[3][1].append(record.grade)
        design[4][1].append(record.source)
        for (_, column), flag in zip(flag_columns, FLAGS, strict=True):
            column.append(int(flag in record.quality_flags))
    return design + flag_columns


def _design_variables() -> tuple[Variable, ...]:
    yes_no = {0: {"nl": "nee", "en": "no"}, 1: {"nl": "ja", "en": "yes"}}
    return (
        Variable("row", {"nl": "Rijnummer", "en": "Row number"}, "integer", measure="scale"),
        Variable("school", {"nl": "School (pseudoniem)", "en": "School (pseudonym)"}, "string"),
        Variable(
            "school_merged",
            {"nl": "Samengevoegde kleine scholen", "en": "Merged small schools"},
            "integer",
            yes_no,
        ),
        Variable(
            "class_grade",
            {"nl": "Leerjaar van de klas", "en": "Grade of the class"},
            "integer",
            measure="ordinal",
        ),
        Variable(
            "source", {"nl": "Herkomst van de gegevens", "en": "Source of the data"}, "string"
        ),
        *(
            Variable(
                f"flag_{flag}",
                {"nl": f"Kwaliteitsvlag: {flag}", "en": f"Quality flag: {flag}"},
                "integer",
                yes_no,
            )
            for flag in FLAGS
        ),
    )


def _item_columns(
    questionnaire: Questionnaire, records: Sequence[ResponseRecord], min_count: int
) -> tuple[list[tuple[Field, list[Value]]], list[Variable], dict[str, str]]:
    nominal = {questionnaire.demographics.get(role) for role in NOMINAL_ROLES}
    columns: list[tuple[Field, list[Value]]] = []
    variables: list[Variable] = []
    omitted: dict[str, str] = {}
    for item in questionnaire.items.values():
        label = _item_label(questionnaire, item)
        kind = item.kind
        if kind.not_exported:
            omitted[item.id] = kind.not_exported
            continue
        if kind.several:
            for option in item.options:
                name = f"{item.id}_{option.code}"
                raw = [_dummy(record.answers, item.id, option.code) for record in records]
                if 0 < sum(1 for v in raw if v == 1) < min_count:
                    omitted[name] = f"chosen by fewer than {min_count} respondents"
                    continue
                option_label = {
                    lang: f"{label[lang]}{LABEL_SEPARATOR}{option.label[lang]}"
                    for lang in questionnaire.languages
                }
                values = {
                    0: {"nl": "niet gekozen", "en": "not chosen"},
                    1: {"nl": "gekozen", "en": "chosen"},
                    **MISSING_LABELS,
                }
                columns.append((Field(name, "integer", option_label["en"]), list(raw)))
                variables.append(
                    Variable(
                        name, option_label, "integer", values, item=item.id, measure=kind.measure
                    )
                )
            continue
        raw = [_code(record.answers, item.id) for record in records]
        counts = Counter(code for code in raw if code >= 0)
        if item.id in nominal:
            recoded = {code: WITHHELD for code, n in counts.items() if n < min_count}
        else:
            codes = sorted(set(item.codes) | set(counts)) if item.options else sorted(counts)
            recoded = _tail_coding(codes, counts, min_count)
        published = [recoded.get(code, code) for code in raw]
        values = _value_labels(questionnaire, item, recoded)
        note = _recode_note(recoded)
        measure = "nominal" if item.id in nominal else kind.measure
        columns.append((Field(item.id, "integer", label["en"]), list(published)))
        variables.append(
            Variable(item.id, label, "integer", values, item.id, recoded, note, measure)
        )
    return columns, variables, omitted


def _code(answers: Mapping[str, Answer], item_id: str) -> int:
    if item_id not in answers:
        return NOT_ASKED
    value = answers[item_id]
    return value if isinstance(value, int) and not isinstance(value, bool) else NOT_ANSWERED


def _dummy(answers: Mapping[str, Answer], item_id: str, code: int) -> int:
    if item_id not in answers:
        return NOT_ASKED
    value = answers[item_id]
    if not isinstance(value, list):
        return NOT_ANSWERED
    return int(code in value)


def _tail_coding(codes: Sequence[int], counts: Mapping[int, int], min_count: int) -> dict[int, int]:
    """Merge the rare highest codes downwards and the rare lowest codes upwards.

    A tail grows over the next non-empty code until it holds ``min_count`` answers; empty codes
    between its ends join it (so no label promises a code the merged category also holds),
    empty codes outside it reveal nothing and stay as they are. Returns original -> published
    code.
    """
    used = [code for code in codes if counts.get(code, 0) > 0]
    recoded: dict[int, int] = {}
    for tail in (used[::-1], used):
        bucket: list[int] = []
        for code in tail:
            if code in recoded:
                break
            bucket.append(code)
            if sum(counts[c] for c in bucket) >= min_count:
                break
        if len(bucket) > 1:
            target = bucket[-1]
            low, high = min(bucket), max(bucket)
            inside = (code for code in codes if low <= code <= high and code != target)
            recoded.update(dict.fromkeys(inside, target))
    return recoded


def _item_label(questionnaire: Questionnaire, item: Item) -> dict[str, str]:
    grid = questionnaire.grids.get(item.grid) if item.grid else None
    return {
        lang: f"{grid.text[lang]}{LABEL_SEPARATOR}{item.text[lang]}" if grid else item.text[lang]
        for lang in questionnaire.languages
    }


def _value_labels(
    questionnaire: Questionnaire, item: Item, recoded: Mapping[int, int]
) -> dict[int, Mapping[str, str]]:
    """Option labels; a merged tail is labelled with what it holds.

    With options, the merged category lists their labels ("0 - worst possible life / 1 / 2"):
    an option's own words may already say "or younger", or not be a number at all ("never").
    A number without options (an integer item) becomes "14 or more" / "11 or less".
    """
    labels: dict[int, Mapping[str, str]] = {}
    options: dict[int, Text] = {option.code: option.label for option in item.options}
    for code, text in options.items():
        if code not in recoded:
            labels[code] = {lang: text[lang] for lang in questionnaire.languages}
    for target in set(recoded.values()) - {WITHHELD}:
        merged = sorted([target, *(code for code, to in recoded.items() if to == target)])
        if options:
            labels[target] = {
                lang: MERGED_SEPARATOR.join(
                    options[code][lang] if code in options else str(code) for code in merged
                )
                for lang in questionnaire.languages
            }
            continue
        upward = merged[-1] > target
        words = {
            "nl": "of meer" if upward else "of minder",
            "en": "or more" if upward else "or less",
        }
        labels[target] = {
            lang: f"{target} {words.get(lang, words['en'])}" for lang in questionnaire.languages
        }
    labels.update(MISSING_LABELS)
    return labels


def _recode_note(recoded: Mapping[int, int]) -> str:
    if not recoded:
        return ""
    parts = [f"{code}→{to}" for code, to in sorted(recoded.items())]
    return "recoded (rare categories): " + ", ".join(parts)


def codebook_tables(microdata: Microdata, languages: Iterable[str]) -> tuple[Table, Table]:
    """``variables`` and ``values`` tables describing every column of the microdata file."""
    languages = tuple(languages)
    variables = Table(
        name="variables",
        title="Variables",
        description="Every column of microdata.csv: label, source item and recoding.",
        fields=(
            Field("variable", "string", "Column name in microdata.csv."),
            Field("type", "string", "integer codes or string", ("integer", "string")),
            Field(
                "measure",
                "string",
                "Measurement level: nominal (no order), ordinal (ordered codes) or scale.",
                ("nominal", "ordinal", "scale"),
            ),
            *(Field(f"label_{lang}", "string", f"Label ({lang}).") for lang in languages),
            Field("item", "string", "Questionnaire item the column comes from."),
            Field("note", "string", "Recoding applied before export."),
        ),
        rows=tuple(
            (
                v.name,
                v.type,
                v.measure,
                *(v.label.get(lang, "") for lang in languages),
                v.item or None,
                v.note or None,
            )
            for v in microdata.variables
        ),
        primary_key=("variable",),
    )
    values = Table(
        name="values",
        title="Value labels",
        description="The meaning of every code, missing codes (-1, -2, -3) included.",
        fields=(
            Field("variable", "string", "Column name in microdata.csv."),
            Field("code", "integer", "The stored code."),
            *(Field(f"label_{lang}", "string", f"Label ({lang}).") for lang in languages),
            Field("missing", "boolean", "True for user-missing codes."),
        ),
        rows=tuple(
            (
                v.name,
                code,
                *(label.get(lang, "") for lang in languages),
                code in MISSING_CODES,
            )
            for v in microdata.variables
            for code, label in sorted(v.values.items())
        ),
        primary_key=("variable", "code"),
        foreign_keys=(("variable", "variables", "variable"),),
    )
    return variables, values
