"""outcome_matcher: finds interventions, symptoms, outcome cues, direction words, context triggers,
persons and clause breaks, and sets up each post's Findings."""

from __future__ import annotations

import numpy as np
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import hash_string
from spacy.tokens import Doc

from ..findings import Findings, Mention
from ..resources import BREAK_CLASSES, VALENCES, load_resources
from .spans import covered, longest_first, overlaps

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
        words = res.words
        self.double_quotes = np.array(
            [hash_string(q) for q in sorted(words["quotes"]["double"])], dtype=np.uint64
        )
        self.not_pronouns = frozenset(words["persons"]["not_pronouns"])
        self.object_pronouns = frozenset(words["persons"]["object"])
        self.not_names = frozenset(words["names"]["months"]) | frozenset(words["names"]["not_names"])
        self.name_next = frozenset(words["names"]["next"])
        self.name_titles = frozenset(words["names"]["titles"])

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
            quotes=np.flatnonzero(np.isin(doc.to_array("ORTH"), self.double_quotes)).tolist() if n else [],
        )
        blocked = covered(grouped["blk"])

        def keep(spans):
            return [s for s in spans if not blocked or not overlaps(s, blocked)]

        cues = longest_first(keep(grouped["cue"]))
        ints = longest_first(keep(grouped["int"]))
        # An intervention word inside a longer cue belongs to the cue ("I couldn't walk"); a cue inside a
        # longer intervention name belongs to the name ("pain relief medication").
        ints_kept = []
        for s in ints:
            clash = [c for c in cues if c[0] < s[1] and s[0] < c[1]]
            if not clash or all((s[1] - s[0]) > (c[1] - c[0]) for c in clash):
                ints_kept.append(s)
        int_cover = covered(ints_kept)
        cues_kept = [c for c in cues if not overlaps(c, int_cover)]

        f.mentions = [Mention(s, e, name, kind, int(sent_of[s])) for s, e, (name, kind) in ints_kept]
        f.lexical_cues = [(s, e, g) for s, e, g in cues_kept]
        f.symptoms = [
            (s, e, name, val)
            for s, e, (name, val) in longest_first(keep(grouped["sym"]))
            if not overlaps((s, e), int_cover)
        ]
        f.directions = [
            (s, e, d) for s, e, d in longest_first(keep(grouped["dir"])) if not overlaps((s, e), int_cover)
        ]
        f.anaphora = [(s, e) for s, e, _ in grouped["ana"]]

        triggers: dict[str, list[tuple[int, int]]] = {t: [] for t in TRIGGER_NAMES}
        for start, end, trigger in grouped["ctx"]:
            if trigger == "hyp_modal" and doc[start].text == "May" and start not in sent_starts:
                continue  # the month, not the modal
            triggers[trigger].append((start, end))
        # overlapping matches of one trigger type are one trigger ("haven't" is also "not")
        f.triggers = {k: [(s, e) for s, e in longest_first(v)] for k, v in triggers.items()}

        persons = []
        for start, end, person in longest_first(grouped["per"]):
            if end - start == 1 and doc[start].text in self.not_pronouns:
                continue
            if person == "other" and overlaps((start, end), int_cover):
                continue  # "the physio exercises" is an intervention, not a person
            persons.append((start, end, person))
        f.persons = persons
        # "my niece's wedding", "my daughter's school": a possessive is not whose experience it is
        f.possessive = {a for a, b, _ in persons if b < n and doc[b].lower_ in ("'s", "s", "'")}
        f.object_pronoun = {
            a: doc[a].lower_ in self.object_pronouns for a, _, p in persons if p == "third_singular"
        }
        f.has_carer = any(p == "carer" for _, _, p in persons)
        if not f.has_carer and any(p == "third_singular" for _, _, p in persons):
            # "Gary's been going out with the walking group", "Josh (16, ME) has been doing stretches": a
            # person named by first name whose story it is, in a post that names no friend, doctor or
            # "people" whose words or experience it could be, is someone close
            if not any(p == "other" for _, _, p in persons) and not triggers["claim_phrase"]:
                taken = covered(
                    [(s, e) for cat in ("int", "cue", "sym", "ctx", "per", "dir") for s, e, _ in grouped[cat]]
                )
                f.has_carer = self._named_person(doc, taken)

        for i, s0 in enumerate(sent_starts):
            s1 = sent_starts[i + 1] if i + 1 < len(sent_starts) else n
            j = s1 - 1
            while j >= s0 and doc[j].is_space:
                j -= 1
            if j >= s0 and "?" in doc[j].text:
                f.question_sents.add(i)
        doc._.outcome_findings = f
        return doc

    def _named_person(self, doc: Doc, taken: set[int]) -> bool:
        """Is a capitalised word outside every match a first name as the subject of the story ("Gary's
        been", "Josh (16, ME) has been")? (words.yaml, `names`)"""
        for tok in doc:
            i = tok.i
            if (
                i in taken
                or not tok.is_title
                or not tok.is_alpha
                or len(tok) < 3
                or tok.lower_ in self.not_names
            ):
                continue
            if i > 0 and doc[i - 1].lower_ in self.name_titles:
                continue
            if i + 1 < len(doc) and doc[i + 1].lower_ in self.name_next:
                return True
        return False
