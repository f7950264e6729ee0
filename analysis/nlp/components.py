"""The tagger's spaCy components, registered as factories so a pipeline can be built from config.

Order in the pipeline (see pipeline.build_pipeline):
    sentencizer -> outcome_sentences -> outcome_matcher -> outcome_context -> outcome_attribution
    -> outcome_sentiment -> outcome_decision

Every component works on token indices and the matches of two PhraseMatchers; none of them loops over
all tokens in Python except where a post has newlines or very long sentences, so a 150-word post costs
well under a millisecond before VADER.
"""

from __future__ import annotations

import bisect

import numpy as np
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import hash_string
from spacy.tokens import Doc

from .decision import Decider
from .findings import Cue, Findings, Mention
from .resources import BREAK_CLASSES, TEXTCAT_CONFIG, VALENCES, load_resources

# Composition of a direction word with a symptom word -> the polarity of the cue they make.
COMPOSE = {
    ("up", "bad"): "worsened",
    ("up", "good"): "helped",
    ("down", "bad"): "helped",
    ("down", "good"): "worsened",
    ("stopped", "bad"): "helped",  # "the cramps stopped" (not "happy to stop")
    ("absent", "bad"): "helped",
    ("absent", "good"): "worsened",
    ("improve", "bad"): "helped",
    ("improve", "good"): "helped",
    ("improve", "body"): "helped",
    ("worsen", "bad"): "worsened",
    ("worsen", "good"): "worsened",
    ("worsen", "body"): "worsened",
}
COMPOSED_WEIGHT = 1.0
# Tokens written in capitals that are not the pronoun their lower case is: ME (the illness), US.
NOT_PRONOUNS = frozenset({"ME", "US"})
QUOTES = frozenset({'"', "'", "“", "”", "‘", "’", "«", "»"})
DOUBLE_QUOTES = frozenset({'"', "“", "”", "«", "»"})
QUESTION_OPENERS = frozenset(
    {
        "does",
        "did",
        "do",
        "has",
        "have",
        "had",
        "is",
        "are",
        "was",
        "were",
        "can",
        "could",
        "should",
        "would",
        "will",
        "what",
        "how",
        "why",
        "when",
        "where",
        "which",
        "who",
        "anyone",
        "anybody",
        "any",
    }
)

SUBJECT_PRONOUNS = frozenset({"i", "you", "she", "he", "we", "they", "it", "u"})


_DOUBLE_QUOTE_HASHES = np.array([hash_string(q) for q in sorted(DOUBLE_QUOTES)], dtype=np.uint64)


def _inside_quotes(quotes: list[int], s0: int, s1: int, start: int, end: int) -> bool:
    """Is tokens [start, end) between a pair of double quotes within its sentence? (quotes: the token
    indices of double quotes in the doc, sorted)"""
    if not quotes:
        return False
    opened = (bisect.bisect_left(quotes, start) - bisect.bisect_left(quotes, s0)) % 2 == 1
    return opened and bisect.bisect_left(quotes, s1) > bisect.bisect_left(quotes, end)


# "I can stand in the shower again", "I can sing a whole verse now": a regained ability.
ABILITY_WORDS = frozenset({"can", "could", "able", "manage", "managed", "manages", "managing"})
ABILITY_WINDOW = 7
ABILITY_AGAIN_WEIGHT = 0.8


_AGAIN_NOW = np.array([hash_string("again"), hash_string("now")], dtype=np.uint64)
_FROM = hash_string("from")


def _ability_again(doc: Doc, f: Findings) -> list[tuple[int, int]]:
    out = []
    for i in np.flatnonzero(np.isin(f.norms, _AGAIN_NOW)).tolist():
        for j in range(i - 1, max(-1, i - 1 - ABILITY_WINDOW), -1):
            if f.sent_of[j] != f.sent_of[i] or f.broken("clause", j + 1, i):
                break
            if doc[j].norm_ in ABILITY_WORDS:
                if j + 1 < i and doc[j + 1].norm_ not in ("not", "never", "hardly", "barely"):
                    out.append((j, i + 1))  # not "can't even sit in the car now"
                break
    return out


MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
CLAIM_ADVERBS = frozenset({"apparently", "supposedly", "allegedly", "reportedly", "purportedly"})
# A first name as the subject of the story: the word after it ("Gary's", "Josh (16", "Bill has been")
NAME_NEXT = frozenset(
    "'s ’s ( has had is was did does went goes started tried can could walked managed came got gets swam "
    "swims now still".split()
)
NAME_TITLES = frozenset(
    "dr dr. doctor mr mr. mrs mrs. ms ms. miss prof professor nurse sister the at in from to @".split()
)
NOT_NAMES = MONTHS | frozenset(
    "monday tuesday wednesday thursday friday saturday sunday christmas easter covid god english ok okay "
    "yes no not now still it this that then well so and but also anyway honestly there here what who where "
    "when why how everything something nothing everyone someone everybody somebody today tonight life "
    "let one which mine".split()
)


def _named_person(doc: Doc, taken: set[int]) -> bool:
    for tok in doc:
        i = tok.i
        if i in taken or not tok.is_title or not tok.is_alpha or len(tok) < 3 or tok.lower_ in NOT_NAMES:
            continue
        if i > 0 and doc[i - 1].lower_ in NAME_TITLES:
            continue
        if i + 1 < len(doc) and doc[i + 1].lower_ in NAME_NEXT:
            return True
    return False


OBJECT_PRONOUNS = frozenset({"her", "him", "his", "hers", "herself", "himself"})
SHORT_SENTENCE = 5  # tokens: "Oh great.", "Cheers for that!"
ABSENCE_AFTER = frozenset({"without", "if", "when", "whenever", "on", "the", "days", "any"})
STOP_WORDS = frozenset({"stopped", "stopping", "quit", "quitting", "dropping", "giving", "gave"})
# "Every Tuesday my knees would be on fire", "each time I'd crash": "would" for what kept happening
HABITUAL = frozenset({"every", "each", "whenever", "always", "usually", "often", "invariably", "constantly"})
TRANSIENT_SENTENCES = 3  # "Loved it. [...] Then spent four days in bed": how far the payback may be
NEGATED_MENTION_WINDOW = 3  # "haven't tried any yoga": 2 tokens between "not" and "yoga"
# "might not have done that parkrun", "wish I'd never done GET": it was done
GENERIC = "exercise"  # the intervention name for exercise of no named kind
COUNTERFACTUAL = frozenset({"might", "would", "could", "should", "'d", "must", "may"})
# "can't say the walking group helped", "don't think yoga...": the negation is about a statement
PROPOSITION_VERBS = frozenset(
    {
        "say",
        "saying",
        "said",
        "think",
        "sure",
        "know",
        "tell",
        "claim",
        "pretend",
        "deny",
        "believe",
        "reckon",
    }
)
# Words that join interventions named together: "stretches + heat pad", "walking and yoga".
COORDINATORS = frozenset({"+", "and", "&", ",", "plus", "with", "/", "or", "the", "a", "my", "some", "then"})


NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
NUMERIC_FILLERS = frozenset(
    {
        "a",
        "an",
        "the",
        "about",
        "around",
        "roughly",
        "maybe",
        "like",
        "its",
        "my",
        "her",
        "his",
        "usual",
        "constant",
        "solid",
        "steady",
        "average",
        "avg",
        "of",
        "nearly",
        "almost",
        "over",
        "under",
        "just",
    }
)
NUMERIC_WINDOW = 10  # tokens between the symptom and "from": "the burning in my foot went from a 5 to a 9"


def _number(text: str) -> float | None:
    text = text.lower().split("/")[0].rstrip("%+")
    if text in NUMBER_WORDS:
        return float(NUMBER_WORDS[text])
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _numeric_changes(doc: Doc, f: Findings) -> list[tuple[int, int, str, str]]:
    """ "pain went from a 6 to a 3", "body battery went from 60 to 5": a change in a number next to a
    symptom; its direction and the symptom's valence give the polarity."""
    if not f.symptoms:
        return []
    out = []
    n = len(doc)
    for position in np.flatnonzero(f.norms == _FROM).tolist():
        tok = doc[position]
        sent = f.sent_of[tok.i]
        if tok.i > 0 and doc[tok.i - 1].lower_ in ("down", "up"):
            # "neck pain 2/10, down from 7": the direction is said, the symptom is earlier in the sentence
            i = tok.i + 1
            while i < n and doc[i].lower_ in NUMERIC_FILLERS:
                i += 1
            if i < n and _number(doc[i].text) is not None:
                sym = [s for s in f.symptoms if f.sent_of[s[0]] == sent and s[1] <= tok.i]
                if sym:
                    s_start, _, name, valence = sym[-1]
                    valence = "bad" if valence == "body" else valence
                    out.append((s_start, i + 1, COMPOSE[(doc[tok.i - 1].lower_, valence)], name))
            continue
        i = tok.i + 1
        while i < n and doc[i].lower_ in NUMERIC_FILLERS:
            i += 1
        if i >= n or _number(doc[i].text) is None:
            continue
        x, j = _number(doc[i].text), i + 1
        while j < n and j <= i + 6 and doc[j].lower_ not in ("to", "into"):
            j += 1
        if j >= n or doc[j].lower_ not in ("to", "into"):
            continue
        k = j + 1
        while k < n and doc[k].lower_ in NUMERIC_FILLERS:
            k += 1
        if k >= n or _number(doc[k].text) is None or _number(doc[k].text) == x:
            continue
        y = _number(doc[k].text)
        best = None
        for s_start, s_end, name, valence in f.symptoms:
            if f.sent_of[s_start] != sent:
                continue
            if s_end <= tok.i and tok.i - s_end <= NUMERIC_WINDOW and not f.broken("contrast", s_end, tok.i):
                gap = tok.i - s_end
            elif tok.i < s_start < k:
                gap = 0
            else:
                continue
            if best is None or gap < best[0]:
                best = (gap, s_start, name, valence)
        if best is None:
            continue
        _, s_start, name, valence = best
        direction = "up" if y > x else "down"
        # a number on a body part is a pain score: "my back goes from a 6 to a 3"
        out.append(
            (min(s_start, tok.i), k + 1, COMPOSE[(direction, "bad" if valence == "body" else valence)], name)
        )
    return out


# A run of numbers after a symptom: "fatigue score 8 -> 5", "pain at my last three visits: 8, 6, 5",
# "minutes until I can grip the kettle: March 55, April 40, May 25" (later is now), or a comparison
# "HR 105 now instead of 130", "falls: 0, against 3 last year", "mood 7 vs 5 on other days" (the first
# number is now / with the exercise). Its direction and the symptom's valence give the polarity.
SERIES_WINDOW = 20  # tokens between the symptom and the first number of the run
SERIES_GAP = 3  # joining tokens between two numbers of a run
SERIES_REVERSE = frozenset({"instead", "vs", "vs.", "versus", "against", "compared", "rather", "v", "v."})
SERIES_ARROWS = frozenset({"→", "->", "=>", "-->", "⟶", "➡", "➡️", ">"})
SERIES_JOIN = (
    frozenset(
        ", ; to then and now of with than the usual last this year month week weeks months before previously "
        "avg average mean minutes mins min hours hrs seconds secs s bpm kg steps days times a day per at ago "
        "% start baseline today".split()
    )
    | SERIES_REVERSE
    | SERIES_ARROWS
    | MONTHS
)


def _series_number(text: str) -> float | None:
    if any(a in text for a in ("->", "→")):
        return None
    x = _number(text)
    if x is None or (1900 <= x <= 2100 and "." not in text and "," not in text):
        return None  # a year
    return x


def _numeric_series(doc: Doc, f: Findings) -> list[tuple[int, int, str, str]]:
    if not f.symptoms:
        return []
    out = []
    # "8->5" in one token
    for s_start, s_end, name, valence in f.symptoms:
        sent = f.sent_of[s_start]
        _, s1 = f.sent_span(int(sent))
        limit = min(s1, s_end + SERIES_WINDOW + 1)
        i = s_end
        while i < limit:
            if f.broken("contrast", s_end, i + 1):
                break
            tok = doc[i]
            for arrow in ("->", "→"):
                if arrow in tok.text:
                    a, _, b = tok.text.partition(arrow)
                    x, y = _series_number(a), _series_number(b)
                    if x is not None and y is not None and x != y:
                        v = "bad" if valence == "body" else valence
                        out.append((s_start, i + 1, COMPOSE[("up" if y > x else "down", v)], name))
                        limit = i  # done
                    break
            if i >= limit:
                break
            x = _series_number(tok.text)
            if x is None:
                i += 1
                continue
            # a run of numbers starting here
            values, reverse, j, last = [x], False, i + 1, i
            while j < min(s1, last + SERIES_GAP + 2):
                w = doc[j].lower_
                y = _series_number(doc[j].text)
                if y is not None:
                    values.append(y)
                    last = j
                elif w in SERIES_REVERSE and len(values) == 1:
                    reverse = True
                elif w not in SERIES_JOIN:
                    break
                j += 1
            if len(values) >= 2:
                if reverse:
                    now, before = values[0], values[1]
                    direction = None if now == before else ("up" if now > before else "down")
                else:
                    steps = [b - a for a, b in zip(values, values[1:], strict=False)]
                    if all(d > 0 for d in steps):
                        direction = "up"
                    elif all(d < 0 for d in steps):
                        direction = "down"
                    else:
                        direction = None
                if direction is not None:
                    v = "bad" if valence == "body" else valence
                    out.append((s_start, last + 1, COMPOSE[(direction, v)], name))
                break
            i = last + 1
    return out


PARTICIPLES = frozenset(
    {
        "been",
        "done",
        "gone",
        "had",
        "got",
        "gotten",
        "felt",
        "made",
        "hurt",
        "left",
        "lost",
        "kept",
        "spent",
        "seen",
        "taken",
        "given",
        "run",
        "swum",
        "ridden",
        "never",
        "already",
        "just",
        "only",
        "always",
        "barely",
        "hardly",
    }
)


def _is_participle(word: str) -> bool:
    return word in PARTICIPLES or (len(word) > 3 and word.endswith("ed"))


# Break combinations the rules ask about (see context.yaml, `breaks`).
BREAK_SETS = {
    "all": ("contrast", "punctuation", "scope", "subordinate"),  # negation, modal scope
    "clause": ("contrast", "punctuation"),  # attribution, person
    "compose": ("contrast", "punctuation", "subordinate"),  # direction word + symptom
    "claim": ("contrast", "scope", "subordinate"),  # a claim verb's reach, questions
    "contrast": ("contrast",),  # conditions, claim phrases
    "punctuation": ("punctuation",),  # the end of an "if" clause
    "absence": ("contrast", "subordinate"),  # "skip a couple of days and I seize up", not "... because of"
}

CONTEXT_TRIGGERS = {
    # context.yaml key path -> trigger name
    ("negation", "pre"): "neg_pre",
    ("negation", "post"): "neg_post",
    ("negation", "pseudo"): "neg_pseudo",
    ("negation", "sentence"): "neg_sentence",
    ("hypothetical", "modal"): "hyp_modal",
    ("hypothetical", "near"): "hyp_near",
    ("hypothetical", "conditional"): "hyp_cond",
    ("hypothetical", "pseudo"): "hyp_pseudo",
    ("time", "historical"): "hist",
    ("time", "current"): "current",
    ("time", "ceased"): "ceased",
    ("time", "absence"): "absence",
    ("time", "motive"): "motive",
    ("claim", "verbs"): "claim_verb",
    ("claim", "sources"): "claim_source",
    ("claim", "phrases"): "claim_phrase",
}
TRIGGER_NAMES = tuple(CONTEXT_TRIGGERS.values()) + ("question", "sarcasm", "mixed")


def _set_extensions() -> None:
    if not Doc.has_extension("outcome_findings"):
        Doc.set_extension("outcome_findings", default=None)


_set_extensions()


def _longest_first(spans: list[tuple]) -> list[tuple]:
    """Keep the longest of overlapping spans (ties: the earliest); spans are tuples (start, end, ...)."""
    if len(spans) < 2:
        return spans
    taken: set[int] = set()
    kept = []
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        positions = range(span[0], span[1])
        if any(i in taken for i in positions):
            continue
        taken.update(positions)
        kept.append(span)
    kept.sort(key=lambda s: s[0])
    return kept


def _covered(spans) -> set[int]:
    out: set[int] = set()
    for span in spans:
        out.update(range(span[0], span[1]))
    return out


def _overlaps(span, covered: set[int]) -> bool:
    return any(i in covered for i in range(span[0], span[1]))


# ---------------------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------------------------


@Language.factory("outcome_matcher", default_config={"resources_dir": ""})
def make_outcome_matcher(nlp: Language, name: str, resources_dir: str):
    return OutcomeMatcher(nlp, resources_dir or None)


class OutcomeMatcher:
    """Finds interventions, symptoms, outcome cues, direction words and context triggers with two
    PhraseMatchers (token NORM, and exact spelling for a few case-sensitive names), and sets up the
    per-post Findings: sentences and clause breaks."""

    def __init__(self, nlp: Language, resources_dir: str | None):
        res = load_resources(resources_dir)
        self.resources = res
        self.norm = PhraseMatcher(nlp.vocab, attr="NORM")
        self.orth = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.labels: dict[int, tuple[str, object]] = {}
        self._nlp = nlp

        for inter in res.interventions:
            self._add("int", (inter.name, inter.kind), inter.phrases)
            if inter.case_sensitive:
                self._add("int", (inter.name, inter.kind), inter.case_sensitive, exact=True)
        self._add("blk", None, res.blockers)
        self._add("ana", None, res.anaphora)
        for name, groups in res.symptoms.items():
            for valence in VALENCES:
                self._add("sym", (name, valence), groups[valence])
        for i, group in enumerate(res.cue_groups):
            self._add("cue", i, group.phrases)
        for direction, phrases in res.directions.items():
            self._add("dir", direction, phrases)
        ctx = res.context
        for (section, key), trigger in CONTEXT_TRIGGERS.items():
            self._add("ctx", trigger, ctx[section][key])
        self._add("ctx", "question", ctx["question"])
        self._add("ctx", "sarcasm", ctx["sarcasm"])
        self._add("ctx", "mixed", ctx["mixed"])
        for person, phrases in ctx["person"].items():
            self._add("per", person, phrases)
        for kind, phrases in ctx["breaks"].items():
            self._add("brk", kind, phrases)
        del self._nlp

    def _add(self, category: str, payload, phrases, exact: bool = False) -> None:
        if not phrases:
            return
        key = f"outcome:{category}:{payload}:{'orth' if exact else 'norm'}"
        match_id = self._nlp.vocab.strings.add(key)
        self.labels[match_id] = (category, payload)
        (self.orth if exact else self.norm).add(key, list(self._nlp.tokenizer.pipe(phrases)))

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n:
            sent_start = doc.to_array("SENT_START")
            starts_mask = sent_start == 1
            starts_mask[0] = True
            sent_starts = np.flatnonzero(starts_mask).tolist()
            sent_of = np.cumsum(starts_mask) - 1
        else:
            sent_starts, sent_of = [], np.zeros(0, dtype=np.int64)

        grouped: dict[str, list] = {
            c: [] for c in ("int", "blk", "ana", "sym", "cue", "dir", "ctx", "per", "brk")
        }
        labels = self.labels
        for match_id, start, end in list(self.norm(doc)) + list(self.orth(doc)):
            category, payload = labels[match_id]
            grouped[category].append((start, end, payload))

        # Break tokens -> prefix sums per combination, so "is there a break between i and j" is O(1).
        marks = {kind: np.zeros(n + 1, dtype=np.int32) for kind in BREAK_CLASSES}
        for start, end, kind in grouped["brk"]:
            marks[kind][start:end] = 1
        breaks = {}
        for name, kinds in BREAK_SETS.items():
            combined = np.zeros(n + 1, dtype=np.int32)
            for kind in kinds:
                combined |= marks[kind]
            prefix = np.zeros(n + 1, dtype=np.int32)
            np.cumsum(combined[:n], out=prefix[1:])
            breaks[name] = prefix

        f = Findings(
            n_tokens=n,
            sent_starts=sent_starts,
            sent_of=sent_of,
            breaks=breaks,
            norms=doc.to_array("NORM") if n else np.zeros(0, dtype=np.uint64),
            quotes=np.flatnonzero(np.isin(doc.to_array("ORTH"), _DOUBLE_QUOTE_HASHES)).tolist() if n else [],
        )
        blocked = _covered(grouped["blk"])

        def keep(spans):
            return [s for s in spans if not blocked or not _overlaps(s, blocked)]

        cues = _longest_first(keep(grouped["cue"]))
        ints = _longest_first(keep(grouped["int"]))
        # An intervention word inside a longer cue belongs to the cue ("I couldn't walk"); a cue inside a
        # longer intervention name belongs to the name ("pain relief medication").
        ints_kept = []
        for s in ints:
            clash = [c for c in cues if c[0] < s[1] and s[0] < c[1]]
            if not clash or all((s[1] - s[0]) > (c[1] - c[0]) for c in clash):
                ints_kept.append(s)
        int_cover = _covered(ints_kept)
        cues_kept = [c for c in cues if not _overlaps(c, int_cover)]

        f.mentions = [Mention(s, e, name, kind, int(sent_of[s])) for s, e, (name, kind) in ints_kept]
        f.lexical_cues = [(s, e, g) for s, e, g in cues_kept]
        f.symptoms = [
            (s, e, name, val)
            for s, e, (name, val) in _longest_first(keep(grouped["sym"]))
            if not _overlaps((s, e), int_cover)
        ]
        f.directions = [
            (s, e, d) for s, e, d in _longest_first(keep(grouped["dir"])) if not _overlaps((s, e), int_cover)
        ]
        f.anaphora = [(s, e) for s, e, _ in grouped["ana"]]

        triggers: dict[str, list[tuple[int, int]]] = {t: [] for t in TRIGGER_NAMES}
        for start, end, trigger in grouped["ctx"]:
            if trigger == "hyp_modal" and doc[start].text == "May" and start not in sent_starts:
                continue  # the month, not the modal
            triggers[trigger].append((start, end))
        # overlapping matches of one trigger type are one trigger ("haven't" is also "not")
        f.triggers = {k: [(s, e) for s, e in _longest_first(v)] for k, v in triggers.items()}

        persons = []
        for start, end, person in _longest_first(grouped["per"]):
            if end - start == 1 and doc[start].text in NOT_PRONOUNS:
                continue
            if person == "other" and _overlaps((start, end), int_cover):
                continue  # "the physio exercises" is an intervention, not a person
            persons.append((start, end, person))
        f.persons = persons
        # "my niece's wedding", "my daughter's school": a possessive is not whose experience it is
        f.possessive = {a for a, b, _ in persons if b < n and doc[b].lower_ in ("'s", "s", "'")}
        f.object_pronoun = {
            a: doc[a].lower_ in OBJECT_PRONOUNS for a, _, p in persons if p == "third_singular"
        }
        f.has_carer = any(p == "carer" for _, _, p in persons)
        if not f.has_carer and any(p == "third_singular" for _, _, p in persons):
            # "Gary's been going out with the walking group", "Josh (16, ME) has been doing stretches": a
            # person named by first name whose story it is, in a post that names no friend, doctor or
            # "people" whose words or experience it could be, is someone close
            if not any(p == "other" for _, _, p in persons) and not triggers["claim_phrase"]:
                taken = _covered(
                    [(s, e) for cat in ("int", "cue", "sym", "ctx", "per", "dir") for s, e, _ in grouped[cat]]
                )
                f.has_carer = _named_person(doc, taken)

        for i, s0 in enumerate(sent_starts):
            s1 = sent_starts[i + 1] if i + 1 < len(sent_starts) else n
            j = s1 - 1
            while j >= s0 and doc[j].is_space:
                j -= 1
            if j >= s0 and "?" in doc[j].text:
                f.question_sents.add(i)
        doc._.outcome_findings = f
        return doc


# ---------------------------------------------------------------------------------------------------------
# Context
# ---------------------------------------------------------------------------------------------------------


@Language.factory("outcome_context", default_config={"resources_dir": ""})
def make_outcome_context(nlp: Language, name: str, resources_dir: str):
    return OutcomeContext(resources_dir or None)


class OutcomeContext:
    """Builds the outcome cues (lexicon phrases, and direction x symptom compositions such as "less pain")
    and marks each one negated / hypothetical / historical / someone else's claim / question / sarcastic,
    and whose experience it is (the writer, a carer's person, someone else)."""

    def __init__(self, resources_dir: str | None):
        res = load_resources(resources_dir)
        self.groups = res.cue_groups
        self.comp = res.composition
        ctx = res.context
        self.neg_window = ctx["negation"]["window"]
        self.neg_post_window = ctx["negation"]["post_window"]
        self.modal_window = ctx["hypothetical"]["modal_window"]
        self.near_window = ctx["hypothetical"]["near_window"]
        self.source_window = ctx["claim"]["source_window"]

    def __call__(self, doc: Doc) -> Doc:
        f: Findings = doc._.outcome_findings
        if f is None or not f.n_tokens:
            return doc
        cues = self._compose(doc, f)
        f.cues = cues
        if not cues:
            return doc
        cover = _covered(span for c in cues for span in c.core)
        # Triggers inside a cue are part of it ("couldn't get out of bed", "no pain", "back in bed"); a
        # sarcasm marker, a question phrase or a pseudo-negation is not ("oh brilliant", "does it help",
        # "never had less energy").
        keep = ("sarcasm", "question", "neg_pseudo", "hyp_pseudo", "mixed")
        t = {
            k: (v if k in keep else [s for s in v if not _overlaps(s, cover)]) for k, v in f.triggers.items()
        }
        pseudo_neg = _covered(t["neg_pseudo"])
        pseudo_hyp = _covered(t["hyp_pseudo"])
        # one negation trigger per place: "hasn't once" is "not" and "not once", not two negations
        sentence_wide = set(t["neg_sentence"])
        merged = _longest_first([s for s in t["neg_pre"] + t["neg_sentence"] if not _overlaps(s, pseudo_neg)])
        t["neg_sentence"] = [s for s in merged if s in sentence_wide]
        t["neg_pre"] = [s for s in merged if s not in sentence_wide]
        t["neg_post"] = [s for s in t["neg_post"] if not _overlaps(s, pseudo_neg)]
        for key in ("hyp_modal", "hyp_near", "hyp_cond"):
            t[key] = [s for s in t[key] if not _overlaps(s, pseudo_hyp)]
        f.negations = t["neg_pre"]
        time_marks = sorted(
            [(s, e, "hist") for s, e in t["hist"]] + [(s, e, "current") for s, e in t["current"]]
        )
        # a sarcasm marker colours its own sentence, and a neighbouring one when it stands alone
        # ("Oh great. Another walk that really helped.", "Really helped. Not!")
        sarcasm_sents: set[int] = set()
        for s, _ in t["sarcasm"]:
            i = int(f.sent_of[s])
            sarcasm_sents.add(i)
            a, b = f.sent_span(i)
            if b - a <= SHORT_SENTENCE:
                sarcasm_sents.update((i - 1, i + 1))
        for cue in cues:
            self._flag(doc, f, cue, t, time_marks, sarcasm_sents)
        # "felt amazing" / "loved every minute" followed within a few sentences by a reported harm: the
        # enjoyment at the time, before the payback, not a lasting benefit
        for cue in cues:
            if cue.moment and cue.polarity == "helped" and not cue.negated:
                cue.transient = any(
                    c.polarity == "worsened"
                    and c.start >= cue.end
                    and c.sent - cue.sent <= TRANSIENT_SENTENCES
                    and c.status in ("asserted", "hist")
                    for c in cues
                )
        return doc

    # -- composition ----------------------------------------------------------------------------------

    def _compose(self, doc: Doc, f: Findings) -> list[Cue]:
        before_w, after_w, absent_w = (
            self.comp["before_window"],
            self.comp["after_window"],
            self.comp["absent_window"],
        )
        composed: dict[tuple[int, int], dict] = {}  # direction span -> cue under construction
        paired_symptoms: set[tuple[int, int]] = set()
        # symptoms first, body parts after: in "my back aches less", "aches" is the symptom "less" goes
        # with, not the verb of "my back"
        ordered = sorted(f.symptoms, key=lambda s: s[3] == "body")
        # a direction word that starts a longer lexicon phrase is part of it: "more manageable", "less
        # stiff" ("my pain is way more manageable" is not "pain ... more")
        # ("less pain", "fewer flares" name the symptom themselves: their direction word still composes)
        symptom_at = {i for s_start, s_end, _, _ in f.symptoms for i in range(s_start, s_end)}
        lexical_starts = {}
        for c_start, c_end, _ in f.lexical_cues:
            if c_end - c_start >= 2 and not any(i in symptom_at for i in range(c_start, c_end)):
                lexical_starts[c_start] = c_end
        directions = [
            d
            for d in f.directions
            if not any(a <= d[0] < e and e > d[1] for a, e in lexical_starts.items() if a >= d[0] - 1)
            and not (d[1] < len(doc) and doc[d[1]].norm_ == "like")  # "feels less like porridge"
        ]
        for s_start, s_end, name, valence in ordered:
            best = None
            for d_start, d_end, direction in directions:
                if (direction, valence) not in COMPOSE:
                    continue  # "legs gone" is not "pain gone"
                if d_start < s_end and s_start < d_end:
                    continue  # the same words
                if valence == "body" and (d_start, d_end) in paired_symptoms:
                    continue
                if d_end <= s_start:
                    gap = s_start - d_end
                    limit = absent_w if direction == "absent" else before_w
                    if gap > limit or f.broken("compose", d_end, s_start):
                        continue
                    rank = (gap, 0)
                elif d_start >= s_end and direction != "absent":
                    gap = d_start - s_end
                    if gap > after_w or f.broken("compose", s_end, d_start):
                        continue
                    rank = (gap, 1)
                else:
                    continue
                if f.sent_of[d_start] != f.sent_of[s_start]:
                    continue
                if best is None or rank < best[0]:
                    best = (rank, d_start, d_end, direction)
            if best is None:
                continue
            rank, d_start, d_end, direction = best
            polarity = COMPOSE[(direction, valence)]
            entry = composed.get((d_start, d_end))
            if entry is not None and entry["polarity"] != polarity:
                # one direction word, two symptoms that disagree ("sleep well and hurt less"): the nearer
                # symptom owns it
                if rank >= entry["rank"]:
                    continue
                entry = None
            if entry is None:
                entry = composed[(d_start, d_end)] = {
                    "start": d_start,
                    "end": d_end,
                    "polarity": polarity,
                    "symptoms": [],
                    "rank": rank,
                    "core": [(d_start, d_end)],
                }
            entry["core"].append((s_start, s_end))
            if valence != "body":
                paired_symptoms.add((s_start, s_end))
            entry["start"] = min(entry["start"], s_start)
            entry["end"] = max(entry["end"], s_end)
            if name != "general" and name not in entry["symptoms"]:
                entry["symptoms"].append(name)

        candidates = []  # (start, end, priority, cue)
        for (d_start, _), e in composed.items():
            cue = Cue(
                e["start"],
                e["end"],
                e["polarity"],
                COMPOSED_WEIGHT,
                tuple(e["symptoms"]),
                True,
                int(f.sent_of[e["start"]]),
                anchor=d_start,
                core=tuple(e["core"]),
            )
            candidates.append((e["start"], e["end"], 0, cue))
        # "pain went from a 6 to a 3" before a run of numbers over the same words
        for priority, found in enumerate((_numeric_changes(doc, f), _numeric_series(doc, f))):
            for start, end, polarity, symptom in found:
                cue = Cue(
                    start,
                    end,
                    polarity,
                    COMPOSED_WEIGHT,
                    (symptom,) if symptom != "general" else (),
                    True,
                    int(f.sent_of[start]),
                )
                candidates.append((start, end, priority, cue))
        for start, end in _ability_again(doc, f):
            cue = Cue(start, end, "helped", ABILITY_AGAIN_WEIGHT, ("function",), True, int(f.sent_of[start]))
            candidates.append((start, end, 2, cue))
        for start, end, g in f.lexical_cues:
            group = self.groups[g]
            cue = Cue(start, end, group.polarity, group.weight, group.symptoms, False, int(f.sent_of[start]))
            cue.denied = group.negated
            cue.npi = group.npi
            cue.moment = group.moment
            candidates.append((start, end, -1, cue))
        # Longest wins; on equal length a lexicon phrase (written on purpose: "gone to jelly") wins over a
        # composition of a direction word with a symptom ("gone" + "jelly").
        candidates.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
        taken: set[int] = set()
        cues = []
        for start, end, _, cue in candidates:
            if any(i in taken for i in range(start, end)):
                continue
            taken.update(range(start, end))
            cues.append(cue)
        cues.sort(key=lambda c: c.start)
        for cue in cues:
            if cue.anchor < 0:
                cue.anchor = cue.start
            if not cue.core:
                cue.core = ((cue.start, cue.end),)
        return cues

    # -- flags ----------------------------------------------------------------------------------------

    def _flag(self, doc: Doc, f: Findings, cue: Cue, t, time_marks, sarcasm_sents) -> None:
        s0, s1 = f.sent_span(cue.sent)
        cs, ce = cue.anchor, cue.end

        # negation: "didn't help", "never made me feel better", "helped nothing"; two negations in the
        # same scope cancel ("I can't say it didn't help"); "not once did I ..." reaches the whole clause
        # "can't get round the supermarket on foot without crashing": "without" reaches back further
        window = self.neg_window * 2 if doc[cue.start].norm_ == "without" else self.neg_window
        negations = sum(
            1
            for a, b in t["neg_pre"]
            if s0 <= a and b <= cs and cs - b <= window and not f.broken("all", b, cs)
        )
        negations += sum(
            1 for a, b in t["neg_sentence"] if s0 <= a and b <= cs and not f.broken("claim", b, cs)
        )
        negations += sum(
            1
            for a, b in t["neg_post"]
            if ce <= a and b <= s1 and a - ce <= self.neg_post_window and not f.broken("all", ce, a)
        )
        cue.negated = (negations % 2 == 1) != cue.denied  # "didn't do nothing for me" is a benefit
        if cue.npi:
            cue.negated = True  # "never did me any good", "there was no point where it did me any good"
        if cue.negated and cue.polarity == "helped" and doc[cue.start].norm_ == "without":
            # "I can't walk without pain", "can't exercise without crashing": a harm, stated twice negatively
            cue.polarity, cue.negated = "worsened", False

        # time: the last time marker before the cue in its sentence; else a past marker in the previous
        # sentence carries over unless this sentence brings the story to the present
        state = None
        for a, _b, kind in time_marks:
            if a >= cs:
                break
            if a >= s0:
                state = kind
        if state is None and cue.sent > 0:
            p0, _ = f.sent_span(cue.sent - 1)
            prev = [kind for a, _b, kind in time_marks if p0 <= a < s0]
            here = [kind for a, _b, kind in time_marks if s0 <= a < s1]
            if prev and "current" not in prev and "current" not in here:
                state = "hist"
        cue.historical = state == "hist"
        for a, b in t["ceased"]:
            if s0 <= a < s1 and not (f.broken("clause", b, cs) if b <= cs else f.broken("clause", ce, a)):
                cue.ceased = True
                break

        # "the ache isn't constant any more", "my pain is not there anymore": the harm is the subject of a
        # negated predicate that ends in "any more" / "no longer" -- a harm that stopped
        if cue.polarity == "worsened" and not cue.negated:
            for a, _b in t["ceased"]:
                if (
                    s0 <= a < s1
                    and a >= ce
                    and a - ce <= self.neg_window + 2
                    and not f.broken("clause", ce, a)
                ):
                    if doc[a].norm_ == "no" or any(
                        ce <= na and nb <= a + 1 and not f.broken("clause", ce, na) for na, nb in t["neg_pre"]
                    ):
                        cue.negated = cue.ceased = True
                        break

        # hypothetical: "it would help", "could help", "if you overdo it you'll crash"; but "would" in a
        # story about the past is a habit ("it used to be the one thing, my head would clear")
        for a, b in t["hyp_modal"]:
            if s0 <= a and b <= cs and cs - b <= self.modal_window and not f.broken("all", b, cs):
                if doc[a].norm_ in ("would", "'d") and (
                    cue.historical or any(doc[k].norm_ in HABITUAL for k in range(s0, a))
                ):
                    continue  # "every Tuesday my knees would be on fire": what used to happen
                if doc[a].norm_ == "'d" and b < len(doc) and _is_participle(doc[b].lower_):
                    continue  # "I'd crashed twice": had, not would
                cue.hypothetical = True
                break
        if not cue.hypothetical:
            for a, b in t["hyp_near"]:
                if s0 <= a and b <= cs and cs - b <= self.near_window and not f.broken("all", b, cs):
                    cue.hypothetical = True
                    break
        antecedent = False
        for a, b in t["hyp_cond"]:
            if s0 <= a and b <= cs and not f.broken("contrast", b, cs):
                cue.conditional = True
                # in the condition itself ("if it sets her back"), or in what follows from it ("if I
                # push it, I crash" / "if I overdo it I crash": a second subject starts the main clause)
                subjects = sum(1 for tok in doc[b:cs] if tok.norm_ in SUBJECT_PRONOUNS)
                antecedent = not f.broken("punctuation", b, cs) and subjects < 2
                break

        # whose experience: the nearest person before the cue in its clause, else after it in the
        # clause ("helped me"), else before it in the sentence
        cue.person = self._person(f, cue, s0, s1)
        if cue.conditional and (antecedent or cue.person not in ("first", "carer")):
            cue.hypothetical = True

        # "feeling brighter, I decided to start walking", "felt great so I went further": the good feeling is
        # why they did it (and, with a crash after it, the boom before the bust)
        if cue.polarity == "helped" and not cue.composed and set(cue.symptoms) <= {"mood"}:
            for a, _b in t["motive"]:
                if s0 <= a < s1 and a >= ce and not f.broken("contrast", ce, a):
                    cue.moment = True
                    break

        # not doing it: "skip a couple of days and I seize up", "I'd be much stiffer without it" report a
        # benefit of doing it; "the flares settled within a fortnight of stopping" a harm
        for a, b in t["absence"]:
            if not s0 <= a < s1:
                continue
            if b <= cs:
                near = not f.broken("absence", b, cs)
            elif a >= ce:
                # after the cue only "without it", "if I skip": not "... or skip it altogether"
                near = doc[a].norm_ in ABSENCE_AFTER and not f.broken("clause", ce, a)
            else:
                continue
            if near and any(doc[k].norm_ == "than" for k in range(min(ce, a), max(b, cs))):
                near = False  # "less than it was without the class" compares, it does not skip
            if near and cue.polarity == "worsened" and any(doc[k].norm_ in STOP_WORDS for k in range(a, b)):
                near = False  # "seven weeks since I stopped and still not back": the harm lasted
            if near:
                cue.polarity = "helped" if cue.polarity == "worsened" else "worsened"
                cue.absence = True
                if cue.person in ("first", "carer", "none"):
                    cue.hypothetical = False  # "I'd be stiffer without it" is lived, not a guess
                break

        # question
        if cue.sent in f.question_sents:
            last_clause = not f.broken("clause", ce, s1)
            opener = doc[s0].norm_ in QUESTION_OPENERS
            if last_clause or opener:
                cue.question = True
        if not cue.question:
            for a, b in t["question"]:
                if s0 <= a and b <= cs and not f.broken("claim", b, cs):
                    cue.question = True
                    break

        # someone else's claim: "my doctor says it helps", "studies show", "I was told it would help",
        # or the cue inside quotation marks (someone's words, or scare quotes)
        for a, b in t["claim_phrase"]:
            if s0 <= a and b <= cs and not f.broken("contrast", b, cs):
                if b - a == 1 and doc[a].lower_ in CLAIM_ADVERBS:
                    # "apparently i never learn, ... can't get out of bed": an adverb reaches its clause
                    c0 = b + 1 if b < cs and doc[b].is_punct else b
                    if f.broken("clause", c0, cs):
                        continue
                cue.claim = True
                break
        if not cue.claim:
            for va, vb in t["claim_verb"]:
                if not (s0 <= va and vb <= cs) or f.broken("claim", vb, cs):
                    continue
                for sa, sb in t["claim_source"]:
                    if s0 <= sa and sb <= va and va - sb <= self.source_window:
                        pronoun = sb - sa == 1 and doc[sa].lower_ in ("she", "he")
                        if pronoun and f.has_carer:
                            continue  # a carer passing on what their daughter says
                        cue.claim = True
                        break
                if cue.claim:
                    break
        quoted = _inside_quotes(f.quotes, s0, s1, cue.start, ce)
        if quoted and not cue.claim:
            cue.claim = True

        # sarcasm: markers in this or a neighbouring sentence, or a benefit in scare quotes
        if cue.polarity == "helped":
            if cue.sent in sarcasm_sents:
                cue.sarcasm = True
            elif (
                quoted
                and cue.start > 0
                and ce < len(doc)
                and doc[cue.start - 1].text in QUOTES
                and doc[ce].text in QUOTES
            ):
                cue.sarcasm = True

    def _person(self, f: Findings, cue: Cue, s0: int, s1: int) -> str:
        in_clause = in_sentence = after = None
        for a, b, person in f.persons:
            if a < s0:
                continue
            if a >= s1:
                break
            if person == "third_singular" and not f.has_carer and f.object_pronoun[a]:
                continue  # "I told her about the three weeks in bed": not her experience
            if a in f.possessive:
                continue
            if b <= cue.end and a < cue.end:
                if not f.broken("clause", b, cue.start):
                    in_clause = person
                else:
                    in_sentence = person
            elif a >= cue.end and after is None and not f.broken("clause", cue.end, a):
                after = person
        person = in_clause or after or in_sentence
        if person is None:
            return "none"
        if person == "third_singular":
            return "carer" if f.has_carer else "other"
        return person


# ---------------------------------------------------------------------------------------------------------
# Attribution
# ---------------------------------------------------------------------------------------------------------


@Language.factory("outcome_attribution", default_config={})
def make_outcome_attribution(nlp: Language, name: str):
    return OutcomeAttribution()


class OutcomeAttribution:
    """Ties each cue to the intervention it is about: the nearest one in its clause, else in its
    sentence; else "it"/"this"/"the class" (or nothing at all) carrying the last one named.
    "Overdid it" / "pushed myself" point back to the exercise being talked about."""

    def __call__(self, doc: Doc) -> Doc:
        f: Findings = doc._.outcome_findings
        if f is None:
            return doc
        f.mentions = self._resolve_generic(f.mentions)
        if not f.cues:
            return doc
        # "not exercising at all", "haven't tried any yoga": nothing is reported about what was not done
        negators = f.negations if f.negations is not None else f.triggers.get("neg_pre", ())
        # ("I can't exercise without crashing" is not that: it was tried, and it fails)
        # ("can't say the walking group did me any favours" and "I might not have done that parkrun" are
        # about something that was done)
        done = [
            m
            for m in f.mentions
            if not any(
                b <= m.start
                and m.start - b <= NEGATED_MENTION_WINDOW
                and f.sent_of[a] == m.sent
                and not f.broken("all", b, m.start)
                and not (a > 0 and doc[a - 1].norm_ in ("can", "could"))
                and doc[a].norm_ not in ("can", "could")
                and not (a > 0 and doc[a - 1].norm_ in COUNTERFACTUAL)
                and not any(doc[k].norm_ in PROPOSITION_VERBS for k in range(b, m.start))
                for a, b in negators
            )
        ]
        mentions = done
        exercise = [m for m in mentions if m.kind == "exercise"]
        active_named = any(m.kind != "treatment" for m in mentions)
        for cue in f.cues:
            target, link = self._attribute(f, cue, mentions)
            if target is None or (target.kind == "treatment" and link == "far" and not active_named):
                if not active_named:
                    # the forum is about exercise: a post that names no exercise that was done is about
                    # its thread's exercise (a treatment named far away does not take the cue)
                    cue.target, cue.target_kind, cue.link = "exercise", "exercise", "topic"
                continue
            if target.kind == "treatment" and cue.polarity == "worsened" and cue.reported:
                # "on the sofa with an ice pack and codeine", "couldn't think straight enough to do my meds":
                # after an exercise, a harm next to a treatment is nearly always the exercise's (the
                # treatment is what the writer copes with)
                prior = [m for m in exercise if m.end <= cue.start]
                if prior:
                    target = prior[-1]
                    link = "sentence" if target.sent == cue.sent else "carried"
            group = [target]
            if link in ("clause", "sentence"):
                group = self._coordinated(doc, target, mentions)
            group = [self._resolve_exertion(m, exercise) if m.kind == "exertion" else m for m in group]
            # a cue about "stretches + heat pad" is about both; exercise first, it decides the post
            group.sort(key=lambda m: m.kind == "treatment")
            cue.target = group[0].name
            cue.target_kind = "exercise" if group[0].kind == "exertion" else group[0].kind
            cue.also = tuple(dict.fromkeys(m.name for m in group[1:] if m.name != cue.target))
            cue.link = link
        return doc

    @staticmethod
    def _resolve_generic(mentions: list[Mention]) -> list[Mention]:
        """ "Yoga on Tuesdays. The class ..." / "exercise" after a kind was named: the kind named before it
        (else the one named next, within two sentences). Plain "exercise" is only for posts that name no
        kind (docs/labelling.md)."""
        specific = [m for m in mentions if m.kind == "exercise" and m.name != GENERIC]
        if not specific:
            return mentions
        out = []
        for m in mentions:
            if m.kind == "exercise" and m.name == GENERIC:
                before = [s for s in specific if s.end <= m.start]
                after = [s for s in specific if s.start >= m.end and s.sent - m.sent <= 2]
                ref = before[-1] if before else (after[0] if after else None)
                if ref is not None:
                    m = Mention(m.start, m.end, ref.name, "exercise", m.sent)
            out.append(m)
        return out

    @staticmethod
    def _coordinated(doc: Doc, target: Mention, mentions: list[Mention]) -> list[Mention]:
        """The target and the mentions joined to it only by "+", "and", "," ... in the same sentence."""
        same = sorted((m for m in mentions if m.sent == target.sent), key=lambda m: m.start)
        i = same.index(target)
        group = [target]
        for step in (-1, 1):
            j, current = i + step, target
            while 0 <= j < len(same):
                other = same[j]
                a, b = (other.end, current.start) if step < 0 else (current.end, other.start)
                if b - a > 3 or any(doc[k].norm_ not in COORDINATORS for k in range(a, b)):
                    break
                group.append(other)
                current, j = other, j + step
        return group

    @staticmethod
    def _resolve_exertion(m: Mention, exercise: list[Mention]) -> Mention:
        before = [e for e in exercise if e.end <= m.start]
        if before:
            return before[-1]
        after = [e for e in exercise if e.start >= m.end and e.sent == m.sent]
        if after:
            return after[0]
        return Mention(m.start, m.end, "exercise", "exertion", m.sent)

    @staticmethod
    def _attribute(f: Findings, cue: Cue, mentions: list[Mention]):
        """(mention, link) for one cue; see the class docstring."""
        best = None
        for m in mentions:
            if m.sent != cue.sent:
                continue
            if m.end <= cue.start:
                gap, side = cue.start - m.end, 0.0
                same = not f.broken("clause", m.end, cue.start)
            elif m.start >= cue.end:
                gap, side = m.start - cue.end, 0.5
                same = not f.broken("clause", cue.end, m.start)
            else:
                gap, side, same = 0, 0.0, True
            rank = (0 if same else 1, gap + side)
            if best is None or rank < best[0]:
                best = (rank, m)
        if best is not None:
            return best[1], ("clause" if best[0][0] == 0 else "sentence")
        earlier = [m for m in mentions if m.end <= cue.start]
        if earlier:
            last = earlier[-1]
            s0, s1 = f.sent_span(cue.sent)
            pointer = any(s0 <= a < s1 for a, _ in f.anaphora)
            if pointer and cue.sent - last.sent <= 3:
                if last.kind == "treatment":
                    # "yoga before sleep, alongside the pacing. No more racing heart...": the exercise named
                    # with the treatment is what the post is about
                    same = [m for m in earlier if m.sent == last.sent and m.kind != "treatment"]
                    if same:
                        return same[-1], "anaphora"
                return last, "anaphora"
            # with no pointer, a post on this forum is about exercise: carry the last exercise named
            # nearby, else the last thing named
            active = [m for m in earlier if m.kind != "treatment"]
            if active and cue.sent - active[-1].sent <= 2:
                return active[-1], "carried"
            if cue.sent - last.sent <= (2 if not active else 1):
                return last, "carried"
        later = [m for m in mentions if m.start >= cue.end and m.sent == cue.sent + 1]
        if later and (later[0].kind != "treatment" or not earlier):
            return later[0], "next"
        if earlier:
            # far from any mention: the exercise the post is mostly about
            active = [m for m in earlier if m.kind != "treatment"] or earlier
            counts: dict[str, int] = {}
            for m in active:
                counts[m.name] = counts.get(m.name, 0) + 1
            top = max(counts.values())
            return [m for m in active if counts[m.name] == top][-1], "far"
        return None, "none"


# ---------------------------------------------------------------------------------------------------------
# Sentiment
# ---------------------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------------------
# TextCategorizer (only when the committed decision model reads it)
# ---------------------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------------------
# Decision
# ---------------------------------------------------------------------------------------------------------


@Language.factory("outcome_decision", default_config={"resources_dir": "", "method": "auto"})
def make_outcome_decision(nlp: Language, name: str, resources_dir: str, method: str):
    return OutcomeDecision(resources_dir or None, method)


class OutcomeDecision:
    """Features from the flagged, attributed cues -> outcome, confidence, per-intervention outcomes,
    symptoms and evidence sentences (decision.Decider)."""

    def __init__(self, resources_dir: str | None, method: str):
        self.decider = Decider(load_resources(resources_dir), method)

    def __call__(self, doc: Doc) -> Doc:
        f: Findings = doc._.outcome_findings
        if f is None:
            return doc
        self.decider.decide(doc, f)
        return doc
