"""Accessible markup on every page of the core questionnaire: labels, fieldsets and legends,
grids as tables with headers, the page language, no inline script or style, AA contrast."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import oko.web
from tests.survey.html_tree import Node, parse
from tests.survey.survey_factories import Student, core_answers

STATIC = Path(oko.web.__file__).parent / "static" / "css"


def _pages(student: Student, language: str) -> dict[str, Node]:
    """Every kind of student page, in ``language``: before starting, each questionnaire page,
    the finish step, the stop page and the thank-you page."""
    code = student.code
    urls = [f"/?lang={language}", f"/s/{code}/intro", "/declined"]
    pages = {url: _get(student, url) for url in urls}
    student.start(language=language)
    student.answer_everything(core_answers(alc_lifetime=3, drunk_lifetime=2, adult_outside=1))
    urls = [student.page_url(page.id) for page in student.questionnaire.pages]
    urls += [f"/s/{code}/finish", f"/s/{code}/stop"]
    pages |= {url: _get(student, url) for url in urls}
    student.send("m" * 32)
    pages["/thanks"] = _get(student, "/thanks/" + "m" * 32)
    return pages


def _get(student: Student, url: str) -> Node:
    response = student.client.get(url)
    assert response.status_code == 200, url
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    return parse(response.data)


def _label_of(tree: Node, node: Node) -> str:
    if "aria-labelledby" in node.attrs:
        return " ".join(tree.by_id(i).text for i in node.attrs["aria-labelledby"].split())
    wrapping = next((a for a in node.ancestors() if a.tag == "label"), None)
    if wrapping is not None:
        return wrapping.text
    return " ".join(label.text for label in tree.find_all("label", for_=node.attrs.get("id", "?")))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_input_is_labelled_and_grouped(student: Student, language: str) -> None:
    for url, tree in _pages(student, language).items():
        assert tree.find("html").attrs["lang"] == language, url
        ids = [n.attrs["id"] for n in tree.iter() if "id" in n.attrs]
        assert len(ids) == len(set(ids)), f"{url}: duplicate ids"
        for node in tree.iter():
            assert "style" not in node.attrs, f"{url}: inline style on <{node.tag}>"
            if node.tag == "script":
                assert "src" in node.attrs and not node.text, f"{url}: inline script"
        for node in tree.find_all("input") + tree.find_all("textarea") + tree.find_all("select"):
            if node.attrs.get("type") in ("hidden", "submit"):
                continue
            assert _label_of(tree, node).strip(), f"{url}: {node.attrs} has no label"
            if node.attrs.get("type") in ("radio", "checkbox"):
                fieldset = next((a for a in node.ancestors() if a.tag == "fieldset"), None)
                assert fieldset is not None, f"{url}: {node.attrs['name']} outside a fieldset"
                legend = next(c for c in fieldset.children if c.tag == "legend")
                assert legend.text.strip()


def test_a_grid_is_a_table_with_row_and_column_headers(student: Student) -> None:
    tree = _pages(student, "en")[student.page_url("family")]
    grid = tree.by_id("el-par_know")
    assert grid.tag == "fieldset"
    assert grid.find("legend").text == "How well do these sentences fit you?"
    table = grid.find("table")
    columns = table.find_all("th", scope="col")
    assert [c.text for c in columns] == [
        "Applies very well",
        "Applies rather well",
        "Applies rather badly",
        "Applies very badly",
    ]
    rows = table.find_all("th", scope="row")
    assert len(rows) == 4
    radio = tree.by_id("q_par_know_where-1")
    # A screen reader hears the statement and the answer: "My parents know where I am in the
    # evening. Applies very well".
    assert _label_of(tree, radio) == (
        "My parents know where I am in the evening. Applies very well"
    )


def test_the_progress_bar_and_buttons(student: Student) -> None:
    pages = _pages(student, "en")
    tree = pages[student.page_url("wellbeing")]
    progress = tree.find("progress")
    assert progress.attrs["aria-labelledby"] == "progress-label"
    # Counted in questions: the first page's five items come before the second page.
    assert tree.by_id("progress-label").text == "Question 6 of 73"
    assert (progress.attrs["value"], progress.attrs["max"]) == ("6", "73")
    buttons = tree.find("div", class_="survey-nav").find_all("button")
    # Next comes first, so Enter in a number box goes forward, not back.
    assert [(b.attrs["value"], b.text) for b in buttons] == [("next", "Next"), ("back", "Back")]
    assert "formnovalidate" in buttons[1].attrs
    first = pages[student.page_url("about_you")]
    assert [
        b.attrs["value"] for b in first.find("div", class_="survey-nav").find_all("button")
    ] == ["next"]


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _variables() -> dict[str, str]:
    css = (STATIC / "oko.css").read_text()
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))


@pytest.mark.parametrize(
    ("foreground", "background"),
    [
        ("ink", "#ffffff"),
        ("ink", "bg"),
        ("ink", "#e6f0f7"),
        ("ink", "#eef2f6"),
        ("ink", "#eef4f9"),
        ("ink", "#f5f7fa"),
        ("muted", "#ffffff"),
        ("muted", "bg"),
        ("muted", "#eef4f9"),
        ("primary", "#ffffff"),
        ("#ffffff", "primary"),
        ("#ffffff", "primary-dark"),
        ("bad", "#ffffff"),
        ("warn", "#ffffff"),
        ("#ffffff", "bad"),
    ],
)
def test_survey_colours_meet_wcag_aa(foreground: str, background: str) -> None:
    colours = _variables()
    fg = colours.get(foreground, foreground)
    bg = colours.get(background, background)
    assert _contrast(fg, bg) >= 4.5, f"{foreground} on {background}: {_contrast(fg, bg):.2f}"


def test_the_survey_stylesheets_use_only_those_colours() -> None:
    allowed = {"#ffffff", "#fff", "#e6f0f7", "#eef2f6", "#eef4f9", "#f5f7fa", "#e3e8ee", "#6b7686"}
    for name in ("survey.css", "survey-nojs.css"):
        used = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{3,6}\b", (STATIC / name).read_text())}
        assert used <= allowed, f"{name}: check the contrast of {used - allowed}"
