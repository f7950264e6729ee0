"""outcome_textcat: spaCy's TextCategorizer, only when the committed decision model reads it."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..resources import TEXTCAT_CONFIG


@Language.factory("outcome_textcat", default_config={"textcat_dir": ""})
def make_outcome_textcat(nlp: Language, name: str, textcat_dir: str):
    return OutcomeTextcat(nlp, textcat_dir)


class OutcomeTextcat:
    """spaCy's TextCategorizer (bag of words and bigrams, resources/textcat/), skipping empty docs, on
    which its model fails; its class probabilities are one input of the decision model."""

    def __init__(self, nlp: Language, textcat_dir: str):
        self.textcat = nlp.create_pipe("textcat", name="textcat", config=TEXTCAT_CONFIG)
        self.textcat.from_disk(textcat_dir, exclude=["vocab"])

    def __call__(self, doc: Doc) -> Doc:
        return self.textcat(doc) if len(doc) else doc

    def pipe(self, docs, batch_size: int = 128):
        batch = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._run(batch)
                batch = []
        if batch:
            yield from self._run(batch)

    def _run(self, batch):
        nonempty = [d for d in batch if len(d)]
        if nonempty:
            for _ in self.textcat.pipe(nonempty, batch_size=len(nonempty)):
                pass
        return batch
