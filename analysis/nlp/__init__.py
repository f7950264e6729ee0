"""The outcome tagger: what a post says exercise did to its writer.

Pure Python + spaCy (blank English, our own components) + VADER; never imports Django or the forum.

    from analysis.nlp import load_tagger, TAGGER_VERSION
    tagger = load_tagger()               # built once per process
    tagger.tag("Walking eases my pain").to_dict()

TAGGER_VERSION is cheap to import (no spaCy); the tagger itself is imported on first use.
"""

from .version import TAGGER_VERSION

__all__ = ["TAGGER_VERSION", "Evidence", "InterventionOutcome", "TagResult", "Tagger", "load_tagger"]

_LAZY = {"Evidence", "InterventionOutcome", "TagResult", "Tagger", "load_tagger"}


def __getattr__(name: str):
    if name in _LAZY:
        from . import tagger

        return getattr(tagger, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
