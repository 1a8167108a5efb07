"""NCSBN's scoring rules, checked against hand-worked responses (literals, not the code's own output)."""

import pytest

from helpers import scoring
from helpers.errors import InputError

# A select-all item with 4 keys (options 0, 2, 3, 5) among 6 options.
SELECT_ALL_KEY = [0, 2, 3, 5]


@pytest.mark.parametrize("response, points", [
    ([0, 2, 3, 5], 4),          # the key
    ([0, 2, 3, 5, 1], 3),       # the key plus one wrong option
    ([0, 1, 2, 3, 4, 5], 2),    # every option ticked: 4 right - 2 wrong
    ([1, 4], 0),                # the wrong options alone: never below 0
    ([0, 1, 4], 0),             # 1 right - 2 wrong = -1, floored
    ([0, 2], 2),                # half the key, nothing wrong
    ([], 0),
    (None, 0),
])
def test_select_all_plus_minus(response, points):
    assert scoring.score_response("select_all", SELECT_ALL_KEY, response) == (points, 4)


@pytest.mark.parametrize("item_type", ["highlight_text", "highlight_table"])
def test_highlighting_is_plus_minus(item_type):
    assert scoring.score_response(item_type, [1, 4, 6], [1, 4, 6]) == (3, 3)
    assert scoring.score_response(item_type, [1, 4, 6], [0, 1, 2, 3, 4, 5, 6, 7]) == (0, 3)
    assert scoring.score_response(item_type, [1, 4, 6], [1, 2]) == (0, 3)
    assert scoring.score_response(item_type, [1, 4, 6], [1, 4, 2]) == (1, 3)


def test_multiple_choice_zero_one():
    assert scoring.score_response("multiple_choice", 2, [2]) == (1, 1)
    assert scoring.score_response("multiple_choice", [2], [2]) == (1, 1)
    assert scoring.score_response("multiple_choice", 2, [1]) == (0, 1)
    assert scoring.score_response("multiple_choice", 2, [1, 2]) == (0, 1)
    assert scoring.score_response("multiple_choice", 2, []) == (0, 1)


def test_select_n_zero_one_and_the_limit():
    assert scoring.score_response("select_n", [1, 3], [1, 3], limit=2) == (2, 2)
    assert scoring.score_response("select_n", [1, 3], [1, 0], limit=2) == (1, 2)
    assert scoring.score_response("select_n", [1, 3], [0, 2], limit=2) == (0, 2)
    with pytest.raises(InputError, match="at most 2"):
        scoring.score_response("select_n", [1, 3], [0, 1, 3], limit=2)


def test_matrix_single_one_point_per_row():
    key = {0: 1, 1: 0, 2: 2, 3: 1}
    assert scoring.score_response("matrix_single", key, {0: 1, 1: 0, 2: 2, 3: 1}) == (4, 4)
    assert scoring.score_response("matrix_single", key, {0: 1, 1: 1, 2: None}) == (1, 4)
    assert scoring.score_response("matrix_single", {"0": 1, "1": 0}, {"0": 1, "1": 0}) == (2, 2)  # JSON keys


def test_matrix_multiple_plus_minus_floored_per_column():
    key = {0: [0, 2], 1: [1], 2: [0]}  # keyed cells: column 0 rows 0 and 2, column 1 row 1, column 2 row 0
    assert scoring.score_response("matrix_multiple", key, key) == (4, 4)
    # The key plus a wrong cell (row 2, column 1): column 0 2, column 1 1 - 1 = 0, column 2 1.
    assert scoring.score_response("matrix_multiple", key, {0: [0, 2], 1: [1], 2: [0, 1]}) == (3, 4)
    # Column 0: rows 0 and 2 right, row 1 wrong = 1; column 1: row 0 wrong, row 1 right = 0; column 2: row 0 right = 1.
    assert scoring.score_response("matrix_multiple", key, {0: [0, 1, 2], 1: [0, 1], 2: [0]}) == (2, 4)
    # Column 0: rows 0 and 2 right, row 1 wrong = 1; column 1: row 0 wrong = -1 -> 0;
    # column 2: row 1 wrong = -1 -> 0.  The lost column does not eat column 0's point.
    assert scoring.score_response("matrix_multiple", key, {0: [0, 1], 1: [0, 2], 2: [0]}) == (1, 4)
    # Every cell ticked: column 0 2 - 1 = 1, column 1 1 - 2 -> 0, column 2 1 - 2 -> 0.
    assert scoring.score_response("matrix_multiple", key, {0: [0, 1, 2], 1: [0, 1, 2], 2: [0, 1, 2]}) == (1, 4)
    # Only wrong cells: every column at 0.
    assert scoring.score_response("matrix_multiple", key, {0: [1], 1: [0, 2], 2: [1, 2]}) == (0, 4)
    assert scoring.score_response("matrix_multiple", key, {}) == (0, 4)
    assert scoring.score_response("matrix_multiple", key, None) == (0, 4)


def test_matrix_multiple_published_example():
    """Learnosity's worked example of NCLEX matrix scoring: 3 + 2 + 0 = 5 of 8.

    Columns: 0 pneumonia (4 keyed findings), 1 urinary tract infection (2),
    2 influenza (2).  The response finds 3 of pneumonia's 4, both of the
    infection's, and for influenza one right finding and one wrong (1 - 1 = 0).
    """
    key = {0: [0, 1, 2], 1: [0], 2: [0], 3: [0], 4: [1], 5: [2]}
    response = {0: [0, 1, 2], 1: [0], 2: [0], 3: [2], 4: [1], 5: []}
    assert scoring.score_response("matrix_multiple", key, response) == (5, 8)


@pytest.mark.parametrize("item_type", ["dropdown_cloze", "dropdown_table", "drag_drop_cloze"])
def test_blanks_one_point_each(item_type):
    assert scoring.score_response(item_type, [2, 0, 1], [2, 0, 1]) == (3, 3)
    assert scoring.score_response(item_type, [2, 0, 1], [2, None, 0]) == (1, 3)
    assert scoring.score_response(item_type, [2, 0, 1], None) == (0, 3)
    with pytest.raises(InputError, match="3 blanks"):
        scoring.score_response(item_type, [2, 0, 1], [2, 0])


@pytest.mark.parametrize("item_type", ["dropdown_rationale", "drag_drop_rationale"])
def test_rationale_dyad_and_triad(item_type):
    assert scoring.score_response(item_type, [1, 3], [1, 3]) == (1, 1)
    assert scoring.score_response(item_type, [1, 3], [1, 0]) == (0, 1)     # one part right: nothing
    assert scoring.score_response(item_type, [1, 3], [0, 3]) == (0, 1)
    assert scoring.score_response(item_type, [1, 3, 4], [1, 3, 4]) == (2, 2)
    assert scoring.score_response(item_type, [1, 3, 4], [1, 3, 0]) == (1, 2)  # one correct pair
    assert scoring.score_response(item_type, [1, 3, 4], [0, 3, 4]) == (0, 2)  # X wrong: no pair holds


def test_bowtie_one_point_per_element_order_free_within_a_zone():
    key = [2, 0, 3, 1, 4]  # condition 2; actions 0 and 3; parameters 1 and 4
    assert scoring.score_response("bowtie", key, key) == (5, 5)
    assert scoring.score_response("bowtie", key, [2, 3, 0, 4, 1]) == (5, 5)
    assert scoring.score_response("bowtie", key, [1, 0, 0, 1, None]) == (2, 5)  # repeated action counts once
    assert scoring.score_response("bowtie", key, [None] * 5) == (0, 5)


def test_every_type_has_a_rule_and_the_rules_are_ncsbns():
    assert scoring.RULES == {
        "multiple_choice": "0/1", "select_n": "0/1", "select_all": "+/-", "matrix_single": "0/1",
        "matrix_multiple": "+/-", "dropdown_cloze": "0/1", "dropdown_table": "0/1", "drag_drop_cloze": "0/1",
        "dropdown_rationale": "rationale", "drag_drop_rationale": "rationale", "bowtie": "0/1",
        "highlight_text": "+/-", "highlight_table": "+/-",
    }


@pytest.mark.parametrize("bad", ["0,2", 3, [0, "2"], [True]])
def test_bad_responses_are_one_line(bad):
    with pytest.raises(InputError) as info:
        scoring.score_response("select_all", SELECT_ALL_KEY, bad)
    assert "\n" not in str(info.value)


def test_unknown_type():
    with pytest.raises(InputError, match="unknown item type"):
        scoring.score_response("essay", [0], [0])
