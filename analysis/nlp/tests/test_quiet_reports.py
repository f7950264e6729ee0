"""Quiet reports: outcomes told through numbers, function regained or a consequence (our own examples).

These read the cues (polarity and context status) rather than the fitted model's decision, so they hold
whatever the decision model is retrained to."""

import pytest

from analysis.nlp.pipeline import build_pipeline


@pytest.fixture(scope="module")
def cues_of():
    nlp = build_pipeline(method="rules")

    def run(text):
        f = nlp(text)._.outcome_findings
        return [(c.polarity, c.status, c.target_kind) for c in f.cues]

    return run


def _has(cues, polarity, status="asserted"):
    return any(p == polarity and s == status and k == "exercise" for p, s, k in cues)


# --- a run of numbers after a symptom ------------------------------------------------------------------


def test_a_falling_series_of_pain_scores_is_a_benefit(cues_of):
    assert _has(cues_of("Since the aqua class my pain ratings went 7, 6, 4 over the spring."), "helped")


def test_an_arrow_between_two_numbers_reads_the_symptom_direction(cues_of):
    assert _has(cues_of("Walking diary. Tiredness score 7 → 4 by the end of the month."), "helped")
    assert _has(cues_of("Walking diary. Energy score 6 → 3 by the end of the month."), "worsened")


def test_now_instead_of_compares_with_before(cues_of):
    text = "Since the rowing machine my resting heart rate is about 68 now instead of 90."
    assert _has(cues_of(text), "helped")


def test_against_last_year_compares_with_before(cues_of):
    assert _has(cues_of("Two years of tai chi. Falls this winter: 1, against 4 the winter before."), "helped")


def test_a_year_is_not_a_number_of_the_series(cues_of):
    assert not _has(cues_of("I started yoga and my pain began in 2019, 2021 was the worst."), "helped")


# --- a harm that stopped, a limitation that stopped --------------------------------------------------


def test_a_harm_negated_with_any_more_is_one_that_stopped(cues_of):
    cues = cues_of("Since the bike sessions the ache in my hip isn't there any more.")
    assert ("worsened", "ceased", "exercise") in cues
    assert not _has(cues, "worsened")


def test_a_limitation_no_longer_happening_is_function_regained(cues_of):
    cues = cues_of("Three months of walking and I'm not clinging to the banister any more.")
    assert ("worsened", "ceased", "exercise") in cues


# --- consequences ---------------------------------------------------------------------------------------


def test_a_consequence_naming_a_lost_ability_is_a_harm(cues_of):
    assert _has(cues_of("The spin class took away my ability to walk to the shop."), "worsened")


def test_where_the_session_left_me_is_a_harm(cues_of):
    assert _has(
        cues_of("One pilates session. I am still on the sofa, which is where the class left me."), "worsened"
    )


def test_not_back_to_where_i_was_is_a_harm(cues_of):
    assert _has(
        cues_of("Did the gym induction last month and I'm still not back to where I was."), "worsened"
    )


def test_sleeping_sixteen_hours_after_a_walk_is_a_harm(cues_of):
    assert _has(cues_of("Walked to the shops and back, then slept 15 hours."), "worsened")


# --- whose experience ---------------------------------------------------------------------------------------


def test_a_named_person_in_a_carers_post_is_first_hand(cues_of):
    text = "Maya (15, ME since last year) has been doing the physio stretches. She's sleeping much better."
    assert _has(cues_of(text), "helped")


def test_a_named_friend_stays_someone_elses_experience(cues_of):
    text = "My friend Maya has been doing the physio stretches. She's sleeping much better."
    assert not _has(cues_of(text), "helped")


def test_apparently_reaches_only_its_clause(cues_of):
    text = "Tried the spin class again because apparently I never learn, and now my legs are killing me."
    assert _has(cues_of(text), "worsened")
