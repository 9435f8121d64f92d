"""The anonymity rule: threshold, complementary suppression, filters, themes."""

from datetime import date

import pytest

from ordet.extensions import db
from ordet.results.aggregate import round_results
from ordet.results.anonymity import filtered_hidden, suppress, suppress_tree

from .factories import make_organisation, make_round, make_specialomraade, make_tilbud
from .results_data import make_response


@pytest.mark.parametrize(("n", "hidden"), [(4, True), (5, False), (6, False)])
def test_threshold_five_at_four_five_and_six_answers(n, hidden):
    assert ("a" in suppress(False, {"a": n, "b": 50, "c": 50}, 5)) is hidden


def test_no_answers_is_empty_not_hidden():
    assert suppress(False, {"a": 0, "b": 9}, 5) == set()


def test_no_suppressed_child_hides_nothing():
    assert suppress(False, {"a": 5, "b": 9, "c": 30}, 5) == set()


def test_one_suppressed_child_takes_the_smallest_sibling_with_it():
    assert suppress(False, {"a": 2, "b": 9, "c": 7, "d": 30}, 5) == {"a", "c"}


def test_two_suppressed_children_that_together_reach_the_threshold_are_enough():
    assert suppress(False, {"a": 2, "b": 3, "c": 7, "d": 30}, 5) == {"a", "b"}


def test_two_suppressed_children_still_too_small_together_take_a_sibling():
    assert suppress(False, {"a": 1, "b": 2, "c": 7, "d": 30}, 5) == {"a", "b", "c"}


def test_a_hidden_parent_cannot_be_rebuilt_from_its_children():
    assert suppress(True, {"a": 6, "b": 9}, 5) == {"a"}
    assert suppress(False, {"a": 6, "b": 9}, 5) == set()


def test_tree_hides_an_area_and_enough_of_its_tilbud():
    tree = {"org": ["A", "B", "C"], "A": ["a1", "a2"], "B": ["b1"], "C": ["c1"]}
    n = {"org": 40, "A": 20, "B": 3, "C": 17, "a1": 8, "a2": 12, "b1": 3, "c1": 17}
    hidden = suppress_tree(tree, "org", n, 5)
    # B is small, so C (the smallest other area) goes too, and C's only tilbud with it;
    # A stays, and so do its tilbud.
    assert hidden == {"B", "b1", "C", "c1"}


@pytest.mark.parametrize(
    ("chosen", "total", "hidden"), [(5, 5, False), (5, 7, True), (5, 10, False), (4, 10, True)]
)
def test_a_filtered_group_hides_when_it_or_the_rest_is_small(chosen, total, hidden):
    assert filtered_hidden(chosen, total, 5) is hidden


@pytest.mark.parametrize("threshold", [4, 5, 6])
def test_organisation_threshold_applies_to_pages_data(app, threshold):
    org = make_organisation(threshold=threshold)
    area = make_specialomraade(org)
    small, big = make_tilbud(area), make_tilbud(area)
    round_ = make_round([small, big], date(2025, 1, 1), date(2025, 12, 31))
    for _ in range(5):
        make_response(round_, small, {"tryg": "ja", "hjaelp": "nej"})
    for _ in range(20):
        make_response(round_, big, {"tryg": "nej", "hjaelp": "medarbejder"})
    db.session.commit()
    cells = round_results(round_, "borger").questions["tryg"]
    assert cells[("tilbud", small.id)].hidden is (threshold == 6)
    # With the small tilbud hidden, the big one goes too: the area minus it would show it.
    assert cells[("tilbud", big.id)].hidden is (threshold == 6)
    assert not cells[("specialomraade", area.id)].hidden
    if cells[("tilbud", small.id)].hidden:
        assert cells[("tilbud", small.id)].positive_share is None
        assert cells[("tilbud", small.id)].share("ja") is None
    helped = round_results(round_, "borger", ("medarbejder",)).questions["tryg"]
    # 20 helped of 25 at the area: the 5 unhelped are enough (t<=5), else the filter hides.
    assert helped[("specialomraade", area.id)].hidden is (threshold == 6)
