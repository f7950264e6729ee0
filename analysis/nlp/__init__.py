"""The outcome tagger: what a post says exercise did to its writer.

Pure Python + spaCy (blank English, our own components) + VADER; never imports Django or the forum.

    from analysis.nlp import load_tagger, TAGGER_VERSION
    tagger = load_tagger()               # cached per process
    tagger.tag("Walking eases my pain").to_dict()
"""

from .tagger import Evidence, InterventionOutcome, Tagger, TagResult, load_tagger
from .version import TAGGER_VERSION

__all__ = ["TAGGER_VERSION", "Evidence", "InterventionOutcome", "TagResult", "Tagger", "load_tagger"]
