"""What one post adds to the dashboards, from its values alone (analysis/rollups/contributions.py).

No test here uses the database: pytest-django refuses their queries, so the logic must make none.
"""

from datetime import UTC, date, datetime

import pytest

from analysis.models import LabelSource, Outcome, TagStatus
from analysis.rollups.contributions import (
    POST_FIELDS,
    about_exercise,
    conf_level,
    contribution_from_record,
    fingerprint,
    intervention_outcomes,
    normalise_conditions,
    post_contribution,
)
from analysis.vocabulary import ALL, AUTHOR_SCOPE, NOT_SHARED, TOP_CONF_LEVEL

WALKING = {"name": "walking", "kind": "exercise", "outcome": "helped"}
LDN = {"name": "ldn", "kind": "treatment", "outcome": "helped"}


def post_row(**changes):
    """A post's POST_FIELDS values: by default a shown post with a done machine tag (helped, 0.65)."""
    values = {
        "id": 1,
        "created_at": datetime(2024, 3, 17, 9, 30, tzinfo=UTC),
        "is_deleted": False,
        "is_hidden": False,
        "thread__is_hidden": False,
        "thread__category_id": 7,
        "author_id": 42,
        "author__research_opt_in": True,
        "author__conditions": ["long covid"],
        "tag__status": TagStatus.DONE,
        "tag__outcome": Outcome.HELPED,
        "tag__confidence": 0.65,
        "tag__interventions": [WALKING],
        "tag__author_outcome": "",
        "tag__moderator_outcome": "",
    }
    assert set(changes) <= set(values) == set(POST_FIELDS)
    values.update(changes)
    return tuple(values[name] for name in POST_FIELDS)


# --- which posts count ------------------------------------------------------------------------------------


def test_a_done_machine_tag_counts_the_post_in_its_month_category_and_conditions():
    c = post_contribution(post_row())

    assert c.author_id == 42
    assert c.month == date(2024, 3, 1)
    assert c.category_id == 7
    assert c.conditions == ("long covid",)
    assert c.source == LabelSource.TAGGER
    assert c.items == ((ALL, "helped"), ("walking", "helped"))
    assert c.agreement is None


@pytest.mark.parametrize(
    "change",
    [
        {"is_deleted": True},
        {"is_hidden": True},
        {"thread__is_hidden": True},
        {"author_id": None},  # the writer deleted their account
        {"author__research_opt_in": False},
        {"tag__status": None},  # never tagged
    ],
    ids=["deleted", "hidden", "thread hidden", "account deleted", "opted out of research", "no tag"],
)
def test_a_post_that_is_not_shown_or_not_shared_contributes_nothing(change):
    assert post_contribution(post_row(**change)) is None
    # not even when its author labelled it
    assert post_contribution(post_row(**change, tag__author_outcome=Outcome.HELPED)) is None


@pytest.mark.parametrize("status", [TagStatus.PENDING, TagStatus.FAILED])
def test_a_pending_or_failed_machine_tag_contributes_nothing(status):
    assert post_contribution(post_row(tag__status=status)) is None
    assert post_contribution(post_row(tag__status=status, tag__outcome="", tag__confidence=None)) is None


def test_a_done_tag_without_an_outcome_contributes_nothing():
    assert post_contribution(post_row(tag__outcome="")) is None


@pytest.mark.parametrize("status", [TagStatus.PENDING, TagStatus.FAILED, TagStatus.DONE])
def test_an_authors_label_counts_the_post_as_author_confirmed_whatever_the_machine_did(status):
    c = post_contribution(post_row(tag__status=status, tag__author_outcome=Outcome.WORSENED))

    assert c.source == LabelSource.AUTHOR
    assert (ALL, "worsened") in c.items
    # every confidence scope and the author-confirmed one
    assert c.conf_level == TOP_CONF_LEVEL
    assert c.scopes == [*range(TOP_CONF_LEVEL + 1), AUTHOR_SCOPE]
    assert {counts for _, counts in c.outcome_keys()} == {(1, 1, 0)}  # posts, author-confirmed, moderator


def test_a_moderators_label_passes_every_confidence_but_is_not_author_confirmed():
    c = post_contribution(post_row(tag__status=TagStatus.FAILED, tag__moderator_outcome=Outcome.MIXED))

    assert c.source == LabelSource.MODERATOR
    assert (ALL, "mixed") in c.items
    assert c.scopes == list(range(TOP_CONF_LEVEL + 1))
    assert {counts for _, counts in c.outcome_keys()} == {(1, 0, 1)}


def test_the_authors_label_wins_over_the_moderators():
    c = post_contribution(
        post_row(tag__author_outcome=Outcome.HELPED, tag__moderator_outcome=Outcome.WORSENED)
    )

    assert c.source == LabelSource.AUTHOR
    assert (ALL, "helped") in c.items


@pytest.mark.parametrize(
    "change, agreement",
    [
        ({"tag__author_outcome": Outcome.WORSENED}, ("helped", "worsened")),
        ({"tag__author_outcome": Outcome.HELPED}, ("helped", "helped")),
        ({"tag__status": TagStatus.PENDING, "tag__author_outcome": Outcome.HELPED}, None),
        ({"tag__moderator_outcome": Outcome.WORSENED}, None),
        ({}, None),
    ],
    ids=["author disagrees", "author agrees", "no machine outcome", "moderator only", "machine only"],
)
def test_the_agreement_table_pairs_a_done_machine_tag_with_its_authors_label_only(change, agreement):
    assert post_contribution(post_row(**change)).agreement == agreement


# --- confidence scopes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "confidence, level",
    [(None, 0), (0.0, 0), (0.49, 0), (0.5, 1), (0.6, 2), (0.65, 2), (0.7, 3), (0.8, 4), (0.9, 5), (1.0, 5)],
)
def test_a_machine_tag_passes_the_confidence_thresholds_up_to_its_own(confidence, level):
    assert conf_level(confidence, LabelSource.TAGGER) == level


@pytest.mark.parametrize("source", [LabelSource.AUTHOR, LabelSource.MODERATOR])
def test_a_persons_label_passes_every_threshold_whatever_the_machine_confidence(source):
    assert conf_level(0.1, source) == conf_level(None, source) == TOP_CONF_LEVEL


def test_a_machine_tag_is_counted_in_each_scope_it_passes_for_all_and_each_condition():
    c = post_contribution(post_row(tag__confidence=0.65, author__conditions=["long covid", "fibromyalgia"]))

    keys = {key for key, _ in c.outcome_keys()}
    assert c.scopes == [0, 1, 2]
    assert keys == {
        (scope, intervention, condition, date(2024, 3, 1), 7, "helped")
        for scope in (0, 1, 2)
        for intervention in (ALL, "walking")
        for condition in (ALL, "fibromyalgia", "long covid")
    }


# --- interventions ---------------------------------------------------------------------------------------


def test_a_persons_label_becomes_the_outcome_of_the_one_exercise_named():
    c = post_contribution(post_row(tag__interventions=[WALKING, LDN], tag__author_outcome=Outcome.WORSENED))

    # the post-level label is about exercise: the treatment keeps the machine's reading
    assert dict(c.items) == {ALL: "worsened", "walking": "worsened", "ldn": "helped"}


def test_a_machine_tag_keeps_each_interventions_own_outcome():
    c = post_contribution(post_row(tag__outcome=Outcome.MIXED, tag__interventions=[WALKING, LDN]))

    assert dict(c.items) == {ALL: "mixed", "walking": "helped", "ldn": "helped"}


def test_a_persons_label_leaves_the_exercises_alone_when_several_are_named():
    yoga = {"name": "yoga", "kind": "exercise", "outcome": "none"}
    outcomes = intervention_outcomes([WALKING, yoga], shown="worsened", person_labelled=True)

    assert outcomes == {"walking": "helped", "yoga": "none"}


def test_an_exercise_without_a_kind_is_known_from_the_lexicon():
    outcomes = intervention_outcomes(
        [{"name": "Yoga", "outcome": "helped"}], shown="worsened", person_labelled=True
    )

    assert outcomes == {"yoga": "worsened"}


def test_an_intervention_named_twice_with_different_outcomes_is_mixed():
    outcomes = intervention_outcomes(
        [
            {"name": "Walking", "kind": "exercise", "outcome": "helped"},
            {"name": "walking", "kind": "exercise", "outcome": "worsened"},
            {"name": "yoga", "kind": "exercise", "outcome": "none"},
            {"name": "yoga", "kind": "exercise", "outcome": "helped"},
            {"name": "", "outcome": "helped"},
            "garbage",
        ],
        shown="mixed",
        person_labelled=False,
    )
    assert outcomes == {"walking": "mixed", "yoga": "helped"}


def test_intervention_names_are_trimmed_lowercased_and_bounded_and_unknown_outcomes_dropped():
    outcomes = intervention_outcomes(
        [
            {"name": "  Tai Chi ", "outcome": "helped"},
            {"name": "x" * 60, "outcome": "worsened"},
            {"name": ALL, "outcome": "helped"},  # "*" is the post-level key, never an intervention
            {"name": "pacing", "outcome": "great"},
        ],
        shown="helped",
        person_labelled=False,
    )
    assert outcomes == {"tai chi": "helped", "x" * 40: "worsened"}
    assert intervention_outcomes("not a list", shown="helped", person_labelled=True) == {}


# --- conditions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        (None, (NOT_SHARED,)),
        ([], (NOT_SHARED,)),
        (["bogus", 3], (NOT_SHARED,)),
        (["long covid", "fibromyalgia", "long covid", "bogus"], ("fibromyalgia", "long covid")),
    ],
)
def test_conditions_are_the_known_ones_shared_else_not_shared(raw, expected):
    assert normalise_conditions(raw) == expected


def test_a_member_who_shares_no_condition_is_counted_under_not_shared():
    c = post_contribution(post_row(author__conditions=[]))

    assert c.conditions == (NOT_SHARED,)
    assert {key[2] for key, _ in c.outcome_keys()} == {ALL, NOT_SHARED}


# --- what a refresh compares ------------------------------------------------------------------------------


def recorded(c, *, post_id=1):
    """The fact and rows a refresh records for contribution c, as contribution_from_record reads them."""
    rows = [
        (post_id, c.author_id, i, o, c.month, c.category_id, c.conf_level, c.source, c.created_at)
        for i, o in c.items
    ]
    machine, author = c.agreement or ("", "")
    return {
        "counted": True,
        "conditions": list(c.conditions),
        "machine_outcome": machine,
        "author_outcome": author,
    }, rows


def test_a_recorded_contribution_reads_back_equal_so_an_unchanged_post_changes_nothing():
    row = post_row(tag__interventions=[WALKING, LDN], tag__author_outcome=Outcome.WORSENED)
    c = post_contribution(row)
    fact, rows = recorded(c)

    assert contribution_from_record(**fact, rows=list(reversed(rows))) == c
    assert fingerprint(post_contribution(row)) == fingerprint(c)  # the same post, read again


def test_a_post_recorded_as_not_counted_contributed_nothing():
    fact = {"counted": False, "conditions": [], "machine_outcome": "", "author_outcome": ""}
    assert contribution_from_record(**fact, rows=[]) is None


def test_any_change_a_dashboard_would_show_changes_the_fingerprint():
    base = post_contribution(post_row())
    changed = [
        post_row(tag__outcome=Outcome.WORSENED),
        post_row(tag__confidence=0.95),
        post_row(thread__category_id=8),
        post_row(author__conditions=["fibromyalgia"]),
        post_row(created_at=datetime(2024, 4, 1, tzinfo=UTC)),
        post_row(tag__author_outcome=Outcome.HELPED),
        post_row(tag__interventions=[WALKING, LDN]),
    ]
    fingerprints = {
        fingerprint(base),
        fingerprint(None),
        *(fingerprint(post_contribution(r)) for r in changed),
    }
    assert len(fingerprints) == len(changed) + 2


# --- exercise overall -------------------------------------------------------------------------------------


def test_a_post_naming_only_other_treatments_is_not_counted_under_exercise_overall():
    c = post_contribution(post_row(tag__interventions=[LDN], tag__outcome=Outcome.NONE))

    assert c.items == (("ldn", "helped"),)


def test_a_persons_label_on_a_post_about_other_treatments_only_is_not_read_as_exercise():
    c = post_contribution(post_row(tag__interventions=[LDN], tag__author_outcome=Outcome.HELPED))

    assert c.source == LabelSource.AUTHOR
    assert c.items == (("ldn", "helped"),)
    assert c.agreement == (Outcome.HELPED, Outcome.HELPED)  # the tagger's agreement with authors still counts


@pytest.mark.parametrize(
    ("interventions", "expected"),
    [
        ([], True),  # a question or support: no intervention named
        (None, True),
        ([WALKING], True),
        ([WALKING, LDN], True),
        ([LDN], False),
        ([LDN, {"name": "diet", "kind": "treatment", "outcome": "none"}], False),
        ([{"name": "yoga", "outcome": "helped"}], True),  # no kind recorded: the lexicon says exercise
        ([{"name": "ldn", "outcome": "helped"}], False),  # no kind, not an exercise
        ([{"name": "overdid it", "kind": "exertion", "outcome": "worsened"}], True),
        ([{"name": "ldn", "kind": "treatment", "outcome": "great"}], True),  # ill-formed items name nothing
    ],
    ids=[
        "none",
        "null",
        "exercise",
        "exercise and treatment",
        "treatment",
        "treatments",
        "kindless exercise",
        "kindless treatment",
        "exertion",
        "ill-formed",
    ],
)
def test_exercise_overall_is_posts_that_name_an_exercise_or_nothing(interventions, expected):
    assert about_exercise(interventions) is expected
    c = post_contribution(post_row(tag__interventions=interventions))
    assert ((ALL, "helped") in c.items) is expected


def test_a_post_about_other_treatments_only_reads_back_equal_from_its_record():
    # so a refresh finds nothing to change, and the check agrees with a rebuild
    c = post_contribution(post_row(tag__interventions=[LDN], tag__author_outcome=Outcome.HELPED))
    fact, rows = recorded(c)

    again = contribution_from_record(**fact, rows=rows)

    assert again == c and fingerprint(again) == fingerprint(c)
