"""A tagger that raises on one marked text, for the failure-path tests (ANALYSIS_TAGGER_LOADER).

It wraps the real tagger, so every other post in a batch is tagged for real.
"""

from analysis.nlp import load_tagger as load_real_tagger

BREAKS_THE_TAGGER = "<<this text breaks the tagger>>"


class FaultyTagger:
    def __init__(self, real):
        self.real = real

    def tag(self, text):
        if BREAKS_THE_TAGGER in text:
            raise RuntimeError("tagger broke on this text")
        return self.real.tag(text)

    def tag_many(self, items, **kwargs):
        for text, key in items:
            yield self.tag(text), key


def load_tagger():
    return FaultyTagger(load_real_tagger())
