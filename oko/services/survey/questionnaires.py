"""Which questionnaire a wave uses: the file with the wave's questionnaire id and version.

A wave stores only the id and version (answers refer to them forever); the frozen definition
comes from the loader's cache, so looking it up on every request costs a ``stat`` call.
"""

from __future__ import annotations

from pathlib import Path

from oko.models import Wave
from oko.questionnaire import Questionnaire, QuestionnaireError, load


class QuestionnaireMissing(LookupError):
    """No valid file in the questionnaire folder has the wave's id and version."""


def for_wave(wave: Wave, directory: str | Path) -> Questionnaire:
    return find(wave.questionnaire_id, wave.questionnaire_version, directory)


def find(questionnaire_id: str, version: str, directory: str | Path) -> Questionnaire:
    """The questionnaire ``id`` at ``version``; ``<id>.yaml`` is tried before the other files."""
    folder = Path(directory)
    preferred = folder / f"{questionnaire_id}.yaml"
    candidates = [preferred, *(p for p in sorted(folder.glob("*.yaml")) if p != preferred)]
    for path in candidates:
        if not path.is_file():
            continue
        try:
            questionnaire = load(path)
        except QuestionnaireError:
            continue  # other files (indicator definitions, drafts) are not ours to judge
        if (questionnaire.id, questionnaire.version) == (questionnaire_id, version):
            return questionnaire
    raise QuestionnaireMissing(
        f"no questionnaire {questionnaire_id!r} version {version!r} in {folder}"
    )
