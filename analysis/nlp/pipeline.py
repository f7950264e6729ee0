"""Builds the tagger's spaCy pipeline on `spacy.blank("en")`: no pretrained model, nothing downloaded."""

from __future__ import annotations

import spacy
from spacy.language import Language

from . import components  # noqa: F401  (registers the outcome_* factories)
from .resources import load_resources

COMPONENTS = (
    "sentencizer",
    "outcome_sentences",
    "outcome_matcher",
    "outcome_context",
    "outcome_attribution",
    "outcome_sentiment",
    "outcome_textcat",  # only when the committed decision model reads it
    "outcome_decision",
)


def build_pipeline(resources_dir: str | None = None, method: str = "auto") -> Language:
    """method: "auto" (the committed model if there is one, else rules), "rules" or "model"."""
    nlp = spacy.blank("en")
    res = {"resources_dir": str(resources_dir or "")}
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("outcome_sentences")
    nlp.add_pipe("outcome_matcher", config=res)
    nlp.add_pipe("outcome_context", config=res)
    nlp.add_pipe("outcome_attribution", config=res)
    nlp.add_pipe("outcome_sentiment")
    textcat_dir = load_resources(resources_dir).textcat_dir
    if method != "rules" and textcat_dir:
        # the committed TextCategorizer whose probabilities the decision model reads
        nlp.add_pipe("outcome_textcat", config={"textcat_dir": textcat_dir})
    nlp.add_pipe("outcome_decision", config={**res, "method": method})
    return nlp
