"""Annotators' intervention names mapped to the names the tagger reports.

Annotators write what they read, in their own words ("walks", "aqua aerobics", "physio exercises"); the
tagger reports canonical names, the keys of resources/interventions.yaml. A name is mapped by matching it
against the same lexicon the tagger reads, the way the tagger's OutcomeMatcher finds mentions: a
PhraseMatcher on the token NORM (and on the exact spelling for the case-sensitive phrases), matches inside a
blocker ("walking stick") dropped.

A canonical name maps to itself. The tagger never reports the "exertion" entry ("overdid it" refers back to
the exercise talked about, or to plain "exercise"), so a name that only matches exertion maps to
"exercise".
"""

from __future__ import annotations

import functools

import spacy
from spacy.matcher import PhraseMatcher

from analysis.nlp.resources import load_resources

GENERIC = "exercise"  # what an unresolved exertion is reported as
EXERTION_KIND = "exertion"


class InterventionNames:
    def __init__(self, resources_dir: str | None = None):
        res = load_resources(resources_dir)
        self.canonical = tuple(i.name for i in res.interventions if i.kind != EXERTION_KIND)
        self._target = {i.name: (GENERIC if i.kind == EXERTION_KIND else i.name) for i in res.interventions}
        self._nlp = spacy.blank("en")
        vocab = self._nlp.vocab
        self._norm = PhraseMatcher(vocab, attr="NORM")
        self._orth = PhraseMatcher(vocab, attr="ORTH")
        self._blockers = PhraseMatcher(vocab, attr="NORM")
        tokenizer = self._nlp.tokenizer
        for inter in res.interventions:
            self._norm.add(inter.name, list(tokenizer.pipe(inter.phrases)))
            if inter.case_sensitive:
                self._orth.add(inter.name, list(tokenizer.pipe(inter.case_sensitive)))
        self._blockers.add("blocker", list(tokenizer.pipe(res.blockers)))

    def canonical_name(self, name: str) -> str | None:
        """The tagger's name for an annotator's name, or None when the lexicon knows nothing in it.

        Among several matches the longest wins ("physical therapy exercises" is physiotherapy), then a
        specific one over plain "exercise" ("pool exercise" is pool), then the last one, the head of an
        English compound ("treadmill running" is running).
        """
        return self._canonical_name(" ".join(str(name).split()))

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one instance per process, see intervention_names())
    def _canonical_name(self, name: str) -> str | None:
        if not name:
            return None
        if name.lower() in self.canonical:
            return name.lower()
        doc = self._nlp.make_doc(name)
        blocked = {t for _, s, e in self._blockers(doc) for t in range(s, e)}
        strings = self._nlp.vocab.strings
        matches = [
            (s, e, self._target[strings[match_id]])
            for match_id, s, e in [*self._norm(doc), *self._orth(doc)]
            if not blocked.intersection(range(s, e))
        ]
        if not matches:
            return None
        s, e, target = max(matches, key=lambda m: (m[1] - m[0], m[2] != GENERIC, m[1], m[0]))
        return target


@functools.cache
def intervention_names(resources_dir: str | None = None) -> InterventionNames:
    """The mapper for the tagger's lexicon, built once per process."""
    return InterventionNames(resources_dir)
