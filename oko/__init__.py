"""oko: anonymous youth surveys in schools, turned into local indicators and reports."""

from pathlib import Path

__version__ = "0.1.0"

#: The source checkout around the package (tests, benchmarks); oko itself finds its data folders
#: through ``oko.resources``, which also works for an installed wheel.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
