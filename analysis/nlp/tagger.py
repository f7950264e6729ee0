"""The tagger's public face: load_tagger() -> Tagger; Tagger.tag(text) -> TagResult."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from spacy.language import Language
from spacy.tokens import Doc

from .pipeline import build_pipeline
from .quotes import blank_quotes
from .version import TAGGER_VERSION

K = TypeVar("K")

# Only the first MAX_CHARS characters of a post are read. 20,000 characters is about 3,500 words, some
# twenty times a typical post, so real posts are read whole; a pasted 1 MB document costs about as much
# as a long post (tens of milliseconds) instead of seconds, and cannot hold a worker. Offsets in the
# result are still offsets into the text as given.
MAX_CHARS = 20_000
# Characters replaced by a space before tokenising (one for one, so offsets stay valid): C0/C1 controls
# except tab/newline/carriage return, lone surrogates (which cannot be encoded), zero-width and bidi
# marks, line/paragraph separators, the byte-order mark.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u200b-\u200f\u202a-\u202e\u2028\u2029\ufeff]"
)
# HTML/XML tags are blanked out (same length) so "<p>Walking helps</p>" reads as the words.
_TAG = re.compile(r"<[^<>]{0,300}>")
# Typographic quotes -> ASCII, so "didn’t" and "didn't" tokenise alike (one character for one).
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‛": "'", "ʼ": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})


def prepare_text(text: str) -> str:
    """The text the pipeline reads: capped and cleaned, with every kept character at its original offset.

    Quoted text (another member's words: `>` quotes and their attribution line) is blanked out, so it is
    never evidence and never decides the tag; a post that is only a quote reads as nothing.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    if len(text) > MAX_CHARS:
        cut = text.rfind(" ", MAX_CHARS - 200, MAX_CHARS)
        text = text[: cut if cut > 0 else MAX_CHARS]
    text = blank_quotes(text)  # before the cleaning below: quotes are found as the forum renders them
    text = _UNSAFE.sub(" ", text)
    if "<" in text:
        text = _TAG.sub(lambda m: " " * len(m.group()), text)
    return text.translate(_QUOTES)


@dataclass(frozen=True)
class InterventionOutcome:
    name: str
    kind: str  # exercise | treatment
    outcome: str


@dataclass(frozen=True)
class Evidence:
    start: int
    end: int
    text: str
    outcome: str
    intervention: str | None


@dataclass(frozen=True)
class TagResult:
    outcome: str  # helped | worsened | mixed | none
    confidence: float
    interventions: list[InterventionOutcome] = field(default_factory=list)
    symptoms: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    tagger_version: str = TAGGER_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Tagger:
    """Holds one loaded pipeline. Thread-compatible for reading; build one per process (load_tagger)."""

    version = TAGGER_VERSION

    def __init__(self, nlp: Language):
        self.nlp = nlp

    def tag(self, text: str) -> TagResult:
        """Tag one post. Any str is accepted: empty, huge, HTML, emoji, control characters."""
        return self.result(self.nlp(prepare_text(text)), text)

    def tag_many(self, items: Iterable[tuple[str, K]], batch_size: int = 64) -> Iterator[tuple[TagResult, K]]:
        """Tag (text, key) pairs as a stream, batched through nlp.pipe; yields (result, key) in order."""
        prepared = ((prepare_text(text), (text, key)) for text, key in items)
        for doc, (text, key) in self.nlp.pipe(prepared, as_tuples=True, batch_size=batch_size):
            yield self.result(doc, text), key

    def docs(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
        """Processed Docs (with doc._.outcome_findings), for evaluation and training."""
        return self.nlp.pipe((prepare_text(t) for t in texts), batch_size=batch_size)

    @staticmethod
    def result(doc: Doc, original: str) -> TagResult:
        f = doc._.outcome_findings
        d = f.decision if f is not None else None
        if not d or len(doc) == 0 or doc.to_array("IS_SPACE").all():
            return TagResult(outcome="none", confidence=1.0)  # nothing to read
        return TagResult(
            outcome=d["outcome"],
            confidence=round(d["confidence"], 4),
            interventions=[InterventionOutcome(n, k, o) for n, k, o in d["interventions"]],
            symptoms=list(d["symptoms"]),
            evidence=[Evidence(s, e, original[s:e], o, i) for s, e, o, i in d["evidence"]],
        )


@functools.cache
def load_tagger() -> Tagger:
    """The tagger with its default resources, built once per process."""
    return Tagger(build_pipeline())
