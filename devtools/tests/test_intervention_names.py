"""Annotators name interventions in their own words; per-intervention accuracy compares them with the
tagger's canonical names (resources/interventions.yaml) after mapping them through the same lexicon."""

import pytest

from analysis.nlp.resources import load_resources
from devtools.tagger.evaluation import Item, intervention_scores
from devtools.tagger.intervention_names import intervention_names


@pytest.fixture(scope="module")
def canonical():
    return intervention_names().canonical_name


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("walks", "walking"),
        ("dog walking", "walking"),
        ("graded exercise therapy", "graded exercise therapy"),
        ("GET", "graded exercise therapy"),
        ("swimming", "pool"),
        ("aqua aerobics", "pool"),
        ("physical therapy", "physiotherapy"),
        ("pilates", "pilates"),
        ("low dose naltrexone", "ldn"),
        ("recumbent bike", "cycling"),
    ],
)
def test_an_annotators_name_maps_to_the_taggers_name(canonical, written, expected):
    assert canonical(written) == expected


def test_every_name_the_tagger_reports_maps_to_itself(canonical):
    reported = [i.name for i in load_resources().interventions if i.kind != "exertion"]
    assert {name: canonical(name) for name in reported} == {name: name for name in reported}


def test_the_longer_and_more_specific_match_wins(canonical):
    # a longer phrase beats a word inside it, a named kind beats plain "exercise", the head noun comes last
    assert canonical("physical therapy exercises") == "physiotherapy"
    assert canonical("pool exercise") == "pool"
    assert canonical("treadmill running") == "running"


def test_overdoing_it_is_scored_as_exercise_the_name_the_tagger_reports_for_it(canonical):
    assert canonical("overdoing it") == "exercise"


def test_a_name_the_lexicon_does_not_know_maps_to_nothing(canonical):
    assert canonical("crossword puzzles") is None
    assert canonical("walking stick") is None  # a blocker, as in the tagger
    assert canonical("") is None


def test_unmapped_names_are_counted_apart_and_a_name_the_tagger_missed_counts_as_none():
    # given two posts: one with a walk that helped and a made-up therapy, one with a swim nobody reported
    items = [
        Item(
            "p1",
            "text",
            "helped",
            [{"name": "walks", "outcome": "helped"}, {"name": "moon bathing", "outcome": "helped"}],
        ),
        Item("p2", "text", "none", [{"name": "swimming", "outcome": "none"}]),
        Item("p3", "text", "worsened", [{"name": "spin class", "outcome": "worsened"}]),
    ]
    # when the tagger said walking helped, reported no pool, and said cycling helped
    predicted = [{"walking": "helped"}, {}, {"cycling": "helped"}]
    scores = intervention_scores(items, predicted)
    # then two of the three mapped names are right and the unknown one is counted apart, by name
    assert (scores.total, scores.accuracy) == (3, pytest.approx(2 / 3))
    assert scores.per == {"walking": (1, 1), "pool": (1, 1), "cycling": (0, 1)}
    assert dict(scores.unmapped) == {"moon bathing": 1}
