"""Builds the tagger's spaCy pipeline on `spacy.blank("en")`: no pretrained model, nothing downloaded."""

from __future__ import annotations

import spacy
from spacy.language import Language

from . import components  # noqa: F401  (registers the outcome_* factories)
from .resources import load_resources

# The pipeline, in order; each outcome_* component is a factory of analysis.nlp.components.
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
# The components that read the lexicons take the resources folder.
_READS_RESOURCES = {"outcome_matcher", "outcome_context", "outcome_attribution", "outcome_decision"}


def build_pipeline(resources_dir: str | None = None, method: str = "auto") -> Language:
    """method: "auto" (the committed model if there is one, else rules), "rules" or "model"."""
    nlp = spacy.blank("en")
    res = {"resources_dir": str(resources_dir or "")}
    textcat_dir = load_resources(resources_dir).textcat_dir
    for name in COMPONENTS:
        config = dict(res) if name in _READS_RESOURCES else {}
        if name == "outcome_textcat":
            if method == "rules" or not textcat_dir:
                continue
            # the committed TextCategorizer whose probabilities the decision model reads
            config = {"textcat_dir": textcat_dir}
        elif name == "outcome_decision":
            config["method"] = method
        nlp.add_pipe(name, config=config)
    return nlp
