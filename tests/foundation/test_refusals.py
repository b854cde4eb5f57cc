"""Every refusal a service can raise has a message in every language of the pages."""

from __future__ import annotations

import pytest

from oko.services.plans.refusals import PlanError
from oko.services.refusal import Refusal
from oko.services.research.api_tokens import TokenError
from oko.services.research.microdata import MicrodataError
from oko.services.staff.accounts import AccountError
from oko.services.staff.admin import AdminError
from oko.services.staff.kit import KitError
from oko.services.survey.class_sessions import SessionError
from oko.services.survey.imports import ImportRefused
from oko.web.i18n import LANGUAGES, catalogue

REFUSALS = (
    AccountError,
    AdminError,
    ImportRefused,
    KitError,
    MicrodataError,
    PlanError,
    SessionError,
    TokenError,
)


def test_every_refusal_subclass_is_listed() -> None:
    assert set(Refusal.__subclasses__()) == set(REFUSALS)


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda cls: cls.__name__)
def test_every_refusal_code_has_a_message_in_every_language(refusal: type[Refusal]) -> None:
    messages = catalogue()
    missing = [code for code in refusal.MESSAGES if f"refusal.{code}" not in messages]
    assert missing == []
    for code in refusal.MESSAGES:
        assert set(messages[f"refusal.{code}"]) >= set(LANGUAGES)
