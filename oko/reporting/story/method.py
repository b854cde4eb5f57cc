"""The method page: who was asked and the response rate, who was left out, how intervals,
flags, comparisons, the protective-factor profile, weights and hidden figures work, and which
questionnaire was used."""

from __future__ import annotations

from collections.abc import Iterator

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from oko.reporting.document import FixedHeight, Heading
from oko.reporting.numbers import format_number
from oko.reporting.story.common import PAGE_BODY_HEIGHT, Section, boxed, para
from oko.reporting.styles import RULE, table_style


def method(section: Section) -> Iterator[Flowable]:
    """One page in every language, like the key messages."""
    yield Heading(section.text("method.title"), section.styles.h1, level=0, key="method")
    yield FixedHeight(PAGE_BODY_HEIGHT, list(_body(section)))


def _response_rate(section: Section) -> str:
    """The response rate with its definition (handed in / pupils), or "" when unknown."""
    figures, w = section.content.participation, section.content.words
    if figures.rate is None:
        return ""
    return w(
        "method.response_rate",
        rate=w.percent(figures.rate),
        pupils=figures.pupils,
        submitted=figures.submitted,
    )


def _body(section: Section) -> Iterator[Flowable]:
    s, data, w = section.styles, section.content.data, section.content.words
    figures = section.content.participation
    config = data.current.config
    yield Paragraph(section.text("method.who_title"), s.h3)
    who = w(
        f"method.who_{data.kind}",
        students=figures.students,
        schools=figures.schools,
        grades=figures.grades,
        **w.area_values(),
    )
    rate = _response_rate(section)
    yield Paragraph(para(f"{who} {rate}" if rate else who), s.method)

    yield Paragraph(section.text("method.exclusions_title"), s.h3)
    if figures.excluded:
        yield Paragraph(
            section.text(
                "method.exclusions", excluded=figures.excluded, submitted=figures.submitted
            ),
            s.method,
        )
        rows = [
            [Paragraph(para(reason), s.cell), Paragraph(str(count), s.cell_right)]
            for reason, count in figures.excluded_by_reason
        ]
        table = Table(rows, colWidths=[120 * mm, 20 * mm], hAlign="LEFT")
        table.setStyle(
            table_style(
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            )
        )
        yield table
    else:
        yield Paragraph(
            section.text("method.exclusions_none", submitted=figures.submitted), s.method
        )

    d = format_number(config.min_cohens_d, proportion=False, decimal=w.decimal)
    sections = [
        (
            "method.intervals_title",
            w("method.intervals") + " " + w(f"method.design_{config.school_design.value}"),
        ),
        (
            "method.flags_title",
            w(
                "method.flags",
                points=w.points(config.min_difference),
                d=d,
                fdr=w.percent(config.false_discovery_rate),
            ),
        ),
        (
            "method.comparisons_title",
            w(
                f"method.comparisons_{data.kind}",
                region=data.region_name,
                municipality=data.municipality_name,
                area=data.area_name,
            ),
        ),
        *(
            [("method.profile_title", w("method.profile"))]
            if section.definition.profile is not None
            else []
        ),
        ("method.weights_title", w("method.weighted" if data.weighted else "method.unweighted")),
        (
            "method.suppression_title",
            w(
                "method.suppression",
                min_group=config.min_denominator,
                min_school=config.min_school_respondents,
                small_count=config.sensitive_small_count,
            ),
        ),
        (
            "method.questionnaire_title",
            w(
                "method.questionnaire",
                questionnaire=data.questionnaire,
                version=data.questionnaire_version,
            ),
        ),
    ]
    if section.content.goals.goals:
        sections.insert(2, ("method.goals_title", section.content.goals.rule))
    for title, text in sections:
        yield Paragraph(section.text(title), s.h3)
        yield Paragraph(para(text), s.method)
    if data.synthetic:
        yield Spacer(1, 3 * mm)
        yield boxed([Paragraph(section.text("method.synthetic"), s.notice)])
