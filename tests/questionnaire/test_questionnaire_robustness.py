"""Whatever an author writes, the loader answers with messages, never with a crash."""

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from oko import PROJECT_ROOT
from oko.questionnaire import Questionnaire, QuestionnaireError
from oko.questionnaire.builder import build

BASE = yaml.safe_load(
    (PROJECT_ROOT / "tests" / "data" / "questionnaires" / "item-types.yaml").read_text("utf-8")
)


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in the tree where a value could be replaced."""
    found = [prefix] if prefix else []
    if isinstance(node, dict | list):
        for key, child in node.items() if isinstance(node, dict) else enumerate(node):
            found += paths(child, (*prefix, key))
    return found


PATHS = paths(BASE)
JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 30)
    | st.floats(allow_nan=False)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


def replaced(path: tuple, value: object) -> Any:
    data = yaml.safe_load(yaml.safe_dump(BASE))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


@settings(max_examples=150, deadline=None)
@given(path=st.sampled_from(PATHS), value=JUNK)
def test_any_replaced_value_gives_a_questionnaire_or_messages(path: tuple, value: object) -> None:
    try:
        result = build(replaced(path, value), "junk.yaml")
    except QuestionnaireError as exc:
        assert exc.errors
        assert all(message.startswith("junk.yaml: ") for message in exc.errors)
    else:
        assert isinstance(result, Questionnaire)
