"""Fixtures for the tagger's tests: no database, no Django."""

import pytest


@pytest.fixture(scope="session")
def tag(tagger):
    """tag(text) -> TagResult"""
    return tagger.tag


@pytest.fixture(scope="session")
def outcome_of(tagger):
    """outcome_of(text) -> the post-level outcome"""
    return lambda text: tagger.tag(text).outcome


@pytest.fixture(scope="session")
def intervention_outcomes(tagger):
    """intervention_outcomes(text) -> {name: outcome}"""
    return lambda text: {i.name: i.outcome for i in tagger.tag(text).interventions}
