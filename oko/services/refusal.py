"""A refused request that both the command line and the web pages can explain.

The service raises it with a message code and values; ``str()`` gives the English sentence
(for the CLI and logs), and the web layer looks up ``refusal.<code>`` in its message files
for the visitor's language.
"""

from __future__ import annotations

from typing import ClassVar


class Refusal(ValueError):
    #: code -> English template with ``{name}`` placeholders; filled in by each subclass.
    MESSAGES: ClassVar[dict[str, str]] = {}

    def __init__(self, code: str, **values: object) -> None:
        self.code = code
        self.values = values
        super().__init__(self.MESSAGES[code].format(**values))
