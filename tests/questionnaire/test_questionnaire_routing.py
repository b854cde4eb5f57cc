"""Routing: what is shown, what is pruned after a change, which page comes next."""

from oko.questionnaire import Questionnaire


def ids(items: tuple) -> list[str]:
    return [item.id for item in items]


def test_items_are_flat_and_ordered_with_grid_rows(item_types: Questionnaire) -> None:
    assert list(item_types.items) == [
        "gender", "age", "pets", "smokes", "amount", "feel_happy", "feel_sad", "remarks",
    ]  # fmt: skip
    row = item_types.items["feel_sad"]
    assert (row.type, row.grid, row.page, row.codes) == ("single", "feelings", "second", (1, 2, 3))
    assert list(item_types.grids) == ["feelings"]


def test_page_index_and_progress(skip_chain: Questionnaire) -> None:
    assert [skip_chain.page_index(p.id) for p in skip_chain.pages] == [0, 1, 2]
    assert skip_chain.page("end").id == "end"
    assert [skip_chain.progress(p.id) for p in skip_chain.pages] == [0.0, 1 / 3, 2 / 3]


def test_a_follow_up_is_shown_only_when_its_condition_holds(skip_chain: Questionnaire) -> None:
    page = skip_chain.page("drinking")
    assert ids(skip_chain.visible_items(page, {})) == ["drinks"]
    assert ids(skip_chain.visible_items(page, {"drinks": 1})) == ["drinks"]
    assert ids(skip_chain.visible_items(page, {"drinks": 2})) == ["drinks", "drunk"]
    assert ids(skip_chain.visible_items(page, {"drinks": None})) == ["drinks"]


def test_visible_elements_keep_grids_whole(item_types: Questionnaire) -> None:
    page = item_types.page("second")
    assert ids(item_types.visible_elements(page, {})) == ["feelings", "remarks"]
    assert ids(item_types.visible_items(page, {})) == ["feel_happy", "feel_sad", "remarks"]


def test_chained_skip_hides_the_whole_chain(skip_chain: Questionnaire) -> None:
    answers = {"drinks": 1, "drunk": 2, "drunk_30d": 2}
    assert skip_chain.visible_ids(answers) == {"drinks", "remarks"}
    assert skip_chain.prune(answers) == {"drinks": 1}


def test_prune_keeps_the_path_taken_in_questionnaire_order(skip_chain: Questionnaire) -> None:
    answers = {"remarks": "hoi", "drunk_30d": 1, "drunk": 2, "drinks": 2}
    pruned = skip_chain.prune(answers)
    assert list(pruned) == ["drinks", "drunk", "drunk_30d", "remarks"]
    assert skip_chain.prune(pruned) == pruned


def test_prune_keeps_not_answered_and_drops_unknown_keys(skip_chain: Questionnaire) -> None:
    answers = {"drinks": None, "drunk": 2, "not_an_item": 1}
    assert skip_chain.prune(answers) == {"drinks": None}


def test_prune_after_changing_an_answer_back(skip_chain: Questionnaire) -> None:
    answers = skip_chain.prune({"drinks": 2, "drunk": 2, "drunk_30d": 1})
    assert answers == {"drinks": 2, "drunk": 2, "drunk_30d": 1}
    answers = skip_chain.prune({**answers, "drunk": 1})
    assert answers == {"drinks": 2, "drunk": 1}


def test_next_page_passes_pages_with_nothing_to_show(skip_chain: Questionnaire) -> None:
    def next_id(page_id: str | None, answers: dict) -> str | None:
        page = skip_chain.next_page(page_id, answers)
        return page.id if page else None

    assert next_id(None, {}) == "drinking"
    assert next_id("drinking", {"drinks": 1}) == "end"
    assert next_id("drinking", {"drinks": 2, "drunk": 2}) == "drunk_recently"
    assert next_id("end", {}) is None


def test_previous_page_passes_pages_with_nothing_to_show(skip_chain: Questionnaire) -> None:
    previous = skip_chain.previous_page("end", {"drinks": 1})
    assert previous is not None and previous.id == "drinking"
    previous = skip_chain.previous_page("end", {"drinks": 2, "drunk": 2})
    assert previous is not None and previous.id == "drunk_recently"
    assert skip_chain.previous_page("drinking", {}) is None


def test_conditions_as_json_for_the_browser(skip_chain: Questionnaire) -> None:
    assert skip_chain.to_json_conditions() == {
        "drunk": {"==": [{"var": "drinks"}, 2]},
        "drunk_30d": {"==": [{"var": "drunk"}, 2]},
    }
    assert skip_chain.to_json_conditions("drinking") == {"drunk": {"==": [{"var": "drinks"}, 2]}}
    assert skip_chain.to_json_conditions("end") == {}
