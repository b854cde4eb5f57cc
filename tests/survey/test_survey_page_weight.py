"""A survey page, with its stylesheets and script, stays under 100 KB: school Wi-Fi is shared
by a whole class at once, and cheap phones are slow to parse."""

from __future__ import annotations

from tests.survey.html_tree import parse
from tests.survey.survey_factories import Student, core_answers

BUDGET = 100 * 1024


def _weight(client, url: str) -> tuple[int, int]:
    """Bytes of the page and of everything it loads (CSS and JS; there are no images)."""
    page = client.get(url)
    assert page.status_code == 200, url
    tree = parse(page.data)
    assets = [n.attrs["href"] for n in tree.find_all("link", rel="stylesheet")]
    assets += [n.attrs["src"] for n in tree.find_all("script") if "src" in n.attrs]
    assert not [n for n in tree.find_all("img")], "images would need their own budget"
    total = len(page.data)
    for asset in assets:
        assert asset.startswith("/static/"), f"{asset}: everything is served by us (no CDN)"
        response = client.get(asset)
        total += len(response.data)
        response.close()
    return len(page.data), total


def test_every_page_of_the_core_questionnaire_is_under_budget(student: Student) -> None:
    student.start()
    student.answer_everything(core_answers(alc_lifetime=3, drunk_lifetime=2, adult_outside=1))
    urls = [student.page_url(page.id) for page in student.questionnaire.pages]
    urls += ["/", f"/s/{student.code}/finish"]
    weights = {url: _weight(student.client, url) for url in urls}
    heaviest = max(weights, key=lambda url: weights[url][1])
    html, total = weights[heaviest]
    print(f"\nheaviest survey page: {heaviest}: {html} B of HTML, {total} B with CSS and JS")
    assert total < BUDGET, f"{heaviest} weighs {total} bytes"
