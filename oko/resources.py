"""The data folders oko reads: questionnaires, report definitions and texts, migrations.

The top-level folders of the source checkout are their source of truth. A wheel carries a copy
of each inside the package (``oko/_data/<name>``, mapped in ``setup.py``), so ``pip install .``
works outside the checkout; a source checkout or an editable install has no such copy and reads
the checkout's folders, so an edit there takes effect without reinstalling.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from oko import PROJECT_ROOT

Folder = Literal["questionnaires", "reports", "migrations"]
FOLDERS: tuple[Folder, ...] = ("questionnaires", "reports", "migrations")
#: Where a wheel puts its copies of the folders.
PACKAGED_DIR = Path(__file__).resolve().parent / "_data"


def folder(name: Folder) -> Path:
    """The packaged copy of ``name`` in an installed wheel, the checkout's folder otherwise."""
    packaged = PACKAGED_DIR / name
    if packaged.is_dir():
        return packaged
    return PROJECT_ROOT / name
