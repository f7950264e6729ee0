"""outcome_sentences: line breaks and a length cap end sentences too (after spaCy's sentencizer)."""

from __future__ import annotations

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc


@Language.factory("outcome_sentences", default_config={"max_sentence_tokens": 80})
def make_outcome_sentences(nlp: Language, name: str, max_sentence_tokens: int):
    return OutcomeSentences(max_sentence_tokens)


class OutcomeSentences:
    """After the sentencizer: a line break also ends a sentence (patients write lists and diaries without
    full stops), and no sentence runs longer than max_sentence_tokens (a post with no punctuation at all
    would otherwise be one sentence: VADER is quadratic in length and evidence would be the whole post)."""

    def __init__(self, max_sentence_tokens: int):
        self.max_len = max(10, int(max_sentence_tokens))

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        spaces = np.flatnonzero(doc.to_array("IS_SPACE")).tolist()
        for i in spaces:
            if i + 1 < n and "\n" in doc[i].text:
                doc[i + 1].is_sent_start = True
        # a blank line is not a sentence of its own: it joins the sentence before it, so "the next
        # sentence" and "two sentences back" count sentences with words
        for i in spaces:
            if i > 0 and doc[i].is_sent_start:
                doc[i].is_sent_start = False
                if i + 1 < n:
                    doc[i + 1].is_sent_start = True
        if n > self.max_len:
            starts = np.flatnonzero(doc.to_array("SENT_START") == 1).tolist()
            if not starts or starts[0] != 0:
                starts.insert(0, 0)
            bounds = starts + [n]
            for a, b in zip(bounds, bounds[1:], strict=False):
                for i in range(a + self.max_len, b, self.max_len):
                    doc[i].is_sent_start = True
        return doc
