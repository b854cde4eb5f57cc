"""Packaging beyond pyproject.toml: the wheel carries the top-level data folders.

``questionnaires/``, ``reports/`` and ``migrations/`` stay at the top of the checkout (their
source of truth); mapped to packages under ``oko._data`` they are copied into the wheel, where
``oko.resources`` finds them when oko runs outside a checkout.
"""

from setuptools import find_namespace_packages, setup

DATA_PACKAGES = {
    "oko._data.questionnaires": "questionnaires",
    "oko._data.questionnaires.modules": "questionnaires/modules",
    "oko._data.reports": "reports",
    "oko._data.reports.texts": "reports/texts",
    "oko._data.reports.fieldwork": "reports/fieldwork",
    "oko._data.migrations": "migrations",
    "oko._data.migrations.versions": "migrations/versions",
}

setup(
    packages=[*find_namespace_packages(include=["oko*"]), *DATA_PACKAGES],
    package_dir=DATA_PACKAGES,
)
