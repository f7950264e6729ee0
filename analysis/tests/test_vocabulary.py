"""The names the dashboards write inside sentences keep the case of acronyms and names."""

import pytest

from analysis.vocabulary import (
    ALL,
    NOT_SHARED,
    condition_in_sentence,
    intervention_in_sentence,
    label_in_sentence,
)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Graded exercise therapy (GET)", "graded exercise therapy (GET)"),
        ("LDN (low-dose naltrexone)", "LDN (low-dose naltrexone)"),
        ("ME/CFS", "ME/CFS"),
        ("Long COVID", "long COVID"),
        ("Pool / swimming", "pool / swimming"),
        ("Pilates", "Pilates"),
        ("All conditions", "all conditions"),
    ],
)
def test_a_label_in_a_sentence_lowers_only_ordinary_words(label, expected):
    assert label_in_sentence(label) == expected


def test_interventions_and_conditions_in_a_sentence():
    assert intervention_in_sentence("walking") == "walking"
    assert intervention_in_sentence("cbt") == "CBT"
    assert intervention_in_sentence(ALL) == "exercise"
    assert condition_in_sentence("me/cfs") == "ME/CFS"
    assert condition_in_sentence("long covid") == "long COVID"
    assert condition_in_sentence(NOT_SHARED) == "not shared"
