"""What a newcomer does after ``make demo``, in a real browser: take the survey with the class
code the console printed, then sign in with a printed demo account and find the synthetic
data labelled as such.

The instance is built by ``oko demo --no-serve`` itself (SQLite in a temporary instance
folder), not by fixtures, so this checks the command's promises end to end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from playwright.sync_api import expect

from oko.cli import main
from oko.services.demo.instance import ACCOUNTS
from oko.web import create_app
from tests.browser.browser_helpers import log_in, watch_console

pytestmark = pytest.mark.browser

CODE = re.compile(r"class code ([A-Z0-9]{3}-[A-Z0-9]{4})")


@pytest.fixture(scope="module")
def demo_instance(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A demo instance and the class code the console printed."""
    instance = tmp_path_factory.mktemp("demo") / "instance"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("OKO_DATABASE_URL", raising=False)
        result = CliRunner().invoke(main, ["--instance", str(instance), "demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    return instance, CODE.search(result.output)[1]


@pytest.fixture
def live_app(demo_instance: tuple[Path, str]) -> Iterator[Flask]:
    """The demo instance served as ``oko demo`` serves it (CSRF on)."""
    instance, _code = demo_instance
    app = create_app(
        {"INSTANCE_PATH": str(instance), "DATABASE_URL": f"sqlite:///{instance / 'oko.db'}"}
    )
    yield app
    app.extensions["oko.db"].dispose()


def test_a_newcomer_takes_the_survey_with_the_printed_code(demo_instance, page) -> None:
    errors = watch_console(page)
    page.goto("/")
    expect(page.locator(".synthetic-banner")).to_be_visible()
    page.locator("#code").fill(demo_instance[1].lower())
    page.locator("form.code-form button[type=submit]").click()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Are you a boy or a girl?")).to_be_visible()
    assert errors == []


@pytest.mark.parametrize("role", ["admin", "coalition"])
def test_printed_accounts_sign_in_and_see_synthetic_data(role: str, page) -> None:
    errors = watch_console(page)
    account = next(a for a in ACCOUNTS if a.role == role)
    log_in(page, account.email, account.password)
    expect(page.locator(".synthetic-banner")).to_contain_text("synthetic")
    if role == "coalition":
        page.goto("/dashboard/")
        expect(page.get_by_text("Zilverhaven (synthetisch)").first).to_be_visible()
    assert errors == []
