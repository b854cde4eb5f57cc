"""The answer values every layer agrees on.

A response's answers are a mapping keyed by stable item id:

- key present with a value: answered (single choice, grid row, integer -> ``int``;
  multiple choice -> sorted ``list[int]``; text -> ``str``);
- key present with ``None``: shown to the student but not answered;
- key absent: not asked, because a show-condition routed the student past it.

Keeping "not answered" apart from "not asked" matters because indicators use different
denominators for the two.
"""

from collections.abc import Mapping
from typing import TypeAlias

Answer: TypeAlias = int | list[int] | str | None
Answers: TypeAlias = Mapping[str, Answer]
