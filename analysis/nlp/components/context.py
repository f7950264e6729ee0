"""outcome_context: builds the outcome cues (composition.py) and flags each one (flags.py)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..findings import Cue, Findings
from ..resources import load_resources
from . import flags
from .composition import CueBuilder
from .spans import covered, longest_first, overlaps

SHORT_SENTENCE = 5  # tokens: "Oh great.", "Cheers for that!"


@Language.factory("outcome_context", default_config={"resources_dir": ""})
def make_outcome_context(nlp: Language, name: str, resources_dir: str):
    return OutcomeContext(resources_dir or None)


class OutcomeContext:
    """Builds the outcome cues (lexicon phrases, and direction x symptom compositions such as "less pain")
    and marks each one negated / hypothetical / historical / someone else's claim / question / sarcastic,
    and whose experience it is (the writer, a carer's person, someone else)."""

    def __init__(self, resources_dir: str | None):
        res = load_resources(resources_dir)
        self.builder = CueBuilder(res)
        self.rules = flags.FlagRules.from_resources(res)

    def __call__(self, doc: Doc) -> Doc:
        f: Findings = doc._.outcome_findings
        if f is None or not f.n_tokens:
            return doc
        cues = self.builder.build(doc, f)
        f.cues = cues
        if not cues:
            return doc
        cover = covered(span for c in cues for span in c.core)
        # Triggers inside a cue are part of it ("couldn't get out of bed", "no pain", "back in bed"); a
        # sarcasm marker, a question phrase or a pseudo-negation is not ("oh brilliant", "does it help",
        # "never had less energy").
        keep = ("sarcasm", "question", "neg_pseudo", "hyp_pseudo", "mixed")
        t = {k: (v if k in keep else [s for s in v if not overlaps(s, cover)]) for k, v in f.triggers.items()}
        pseudo_neg = covered(t["neg_pseudo"])
        pseudo_hyp = covered(t["hyp_pseudo"])
        # one negation trigger per place: "hasn't once" is "not" and "not once", not two negations
        sentence_wide = set(t["neg_sentence"])
        merged = longest_first([s for s in t["neg_pre"] + t["neg_sentence"] if not overlaps(s, pseudo_neg)])
        t["neg_sentence"] = [s for s in merged if s in sentence_wide]
        t["neg_pre"] = [s for s in merged if s not in sentence_wide]
        t["neg_post"] = [s for s in t["neg_post"] if not overlaps(s, pseudo_neg)]
        for key in ("hyp_modal", "hyp_near", "hyp_cond"):
            t[key] = [s for s in t[key] if not overlaps(s, pseudo_hyp)]
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
        for cue in cues:
            flags.flag_transient(cue, cues)
        return doc

    def _flag(self, doc: Doc, f: Findings, cue: Cue, t, time_marks, sarcasm_sents: set[int]) -> None:
        """Every flag of one cue, in an order that matters: each reads the flags set before it."""
        s0, s1 = f.sent_span(cue.sent)
        at = flags.Scope(doc, f, t, s0, s1, cue.anchor, cue.end)
        rules = self.rules
        flags.flag_negated(cue, at, rules)  # may turn "can't walk without pain" into a harm
        flags.flag_historical(cue, at, time_marks)
        flags.flag_ceased(cue, at)
        flags.flag_ceased_harm(cue, at, rules)  # reads negated
        flags.flag_hypothetical(cue, at, rules)  # reads historical
        in_condition = flags.flag_conditional(cue, at, rules)
        flags.flag_person(cue, at)
        flags.flag_hypothetical_condition(cue, in_condition)  # reads conditional and person
        flags.flag_moment(cue, at)
        flags.flag_absence(cue, at, rules)  # reads person; may turn the polarity round
        flags.flag_question(cue, at, rules)
        flags.flag_claim(cue, at, rules)
        flags.flag_sarcasm(cue, at, rules, sarcasm_sents)  # reads the polarity after absence
