"""oko: anonymous youth surveys in schools, turned into local indicators and reports."""

from pathlib import Path

__version__ = "0.1.0"

#: The project checkout that holds ``questionnaires/`` and ``reports/`` next to the package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
