"""The tagger's spaCy components, registered as factories so a pipeline can be built from config.

One module a component (the order is pipeline.COMPONENTS): sentences.py, matcher.py, context.py,
attribution.py, sentiment.py, textcat.py, and decision.py (a wrapper round analysis.nlp.decision).
The context component builds the cues (composition.py, numbers.py, polarity.py) and flags each one
(flags.py); spans.py has the span helpers. Word lists are data: resources/words.yaml.

Every component works on token indices and the matches of two PhraseMatchers; none of them loops over
all tokens in Python except where a post has newlines or very long sentences, so a 150-word post costs
well under a millisecond before VADER.
"""

from spacy.tokens import Doc

# importing the modules registers their factories
from . import attribution, context, decision, matcher, sentences, sentiment, textcat

__all__ = ["attribution", "context", "decision", "matcher", "sentences", "sentiment", "textcat"]

if not Doc.has_extension("outcome_findings"):
    Doc.set_extension("outcome_findings", default=None)
