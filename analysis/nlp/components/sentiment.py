"""outcome_sentiment: VADER on the sentences that report an outcome of exercise."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..findings import Findings

# VADER is quadratic in its input's length (1 ms at 184 words, 190 ms at 3,000 on this machine), so it only
# reads the sentences that report an outcome of exercise, at most VADER_MAX_SENTENCES of them, each cut to
# VADER_MAX_CHARS characters (~55 words).
VADER_MAX_CHARS = 300
VADER_MAX_SENTENCES = 6


@Language.factory("outcome_sentiment", default_config={"max_chars": VADER_MAX_CHARS})
def make_outcome_sentiment(nlp: Language, name: str, max_chars: int):
    return OutcomeSentiment(max_chars)


class OutcomeSentiment:
    """VADER compound score per sentence that matters: one signal among several, never the decision."""

    def __init__(self, max_chars: int):
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self.vader = SentimentIntensityAnalyzer()
        self.max_chars = int(max_chars)

    def __call__(self, doc: Doc) -> Doc:
        f: Findings = doc._.outcome_findings
        if f is None or not f.n_tokens:
            return doc
        wanted = sorted({c.sent for c in f.cues if c.target_kind == "exercise" and c.reported})
        for i in wanted[:VADER_MAX_SENTENCES]:
            s0, s1 = f.sent_span(i)
            text = doc[s0:s1].text[: self.max_chars]
            f.sentiment[i] = self.vader.polarity_scores(text)["compound"] if text.strip() else 0.0
        for cue in f.cues:
            cue.vader = f.sentiment.get(cue.sent, 0.0)
        return doc
