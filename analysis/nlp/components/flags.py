"""The context flags of one outcome cue, one function per flag: negated, historical, ceased,
hypothetical, conditional, whose experience (person), in the moment, not doing it (absence), question,
someone else's claim, sarcasm, and transient (across the post's cues).

Each function reads the cue in its sentence (a Scope) and the context triggers the matcher found
(context.yaml); outcome_context (context.py) calls them in order, since later flags read earlier ones
(a modal in a story about the past is a habit; a condition is a warning unless it is the writer's own).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Doc

from ..findings import Cue, Findings
from ..resources import Resources

Spans = list[tuple[int, int]]


@dataclass(frozen=True)
class FlagRules:
    """The windows (context.yaml) and word lists (words.yaml) the flags read."""

    neg_window: int
    neg_post_window: int
    modal_window: int
    near_window: int
    source_window: int
    quotes: frozenset[str]
    question_openers: frozenset[str]
    subject_pronouns: frozenset[str]
    claim_adverbs: frozenset[str]
    habitual: frozenset[str]
    participles: frozenset[str]
    absence_after: frozenset[str]
    stop_words: frozenset[str]

    @classmethod
    def from_resources(cls, res: Resources) -> FlagRules:
        ctx, words = res.context, res.words
        flags = words["flags"]
        return cls(
            neg_window=ctx["negation"]["window"],
            neg_post_window=ctx["negation"]["post_window"],
            modal_window=ctx["hypothetical"]["modal_window"],
            near_window=ctx["hypothetical"]["near_window"],
            source_window=ctx["claim"]["source_window"],
            quotes=frozenset(words["quotes"]["all"]),
            question_openers=frozenset(flags["question_openers"]),
            subject_pronouns=frozenset(words["persons"]["subject"]),
            claim_adverbs=frozenset(flags["claim_adverbs"]),
            habitual=frozenset(flags["habitual"]),
            participles=frozenset(flags["participles"]),
            absence_after=frozenset(flags["absence_after"]),
            stop_words=frozenset(flags["stop_words"]),
        )


@dataclass(frozen=True, slots=True)
class Scope:
    """One cue in its post: what the flags read."""

    doc: Doc
    f: Findings
    t: dict[str, Spans]  # context triggers, less those inside a cue and those a pseudo-trigger cancels
    s0: int  # the cue's sentence is tokens [s0, s1)
    s1: int
    cs: int  # the cue's anchor: negations and modals are looked for before it ("my legs don't cramp")
    ce: int  # the cue's end


def flag_negated(cue: Cue, at: Scope, rules: FlagRules) -> None:
    """ "didn't help", "never made me feel better", "helped nothing"; two negations in the same scope cancel
    ("I can't say it didn't help"); "not once did I ..." reaches the whole clause."""
    doc, f, t, s0, s1, cs, ce = at.doc, at.f, at.t, at.s0, at.s1, at.cs, at.ce
    # "can't get round the supermarket on foot without crashing": "without" reaches back further
    window = rules.neg_window * 2 if doc[cue.start].norm_ == "without" else rules.neg_window
    negations = sum(
        1 for a, b in t["neg_pre"] if s0 <= a and b <= cs and cs - b <= window and not f.broken("all", b, cs)
    )
    negations += sum(1 for a, b in t["neg_sentence"] if s0 <= a and b <= cs and not f.broken("claim", b, cs))
    negations += sum(
        1
        for a, b in t["neg_post"]
        if ce <= a and b <= s1 and a - ce <= rules.neg_post_window and not f.broken("all", ce, a)
    )
    cue.negated = (negations % 2 == 1) != cue.denied  # "didn't do nothing for me" is a benefit
    if cue.npi:
        cue.negated = True  # "never did me any good", "there was no point where it did me any good"
    if cue.negated and cue.polarity == "helped" and doc[cue.start].norm_ == "without":
        # "I can't walk without pain", "can't exercise without crashing": a harm, stated twice negatively
        cue.polarity, cue.negated = "worsened", False


def flag_historical(cue: Cue, at: Scope, time_marks: list[tuple[int, int, str]]) -> None:
    """The last time marker before the cue in its sentence; else a past marker in the previous sentence
    carries over unless this sentence brings the story to the present ("it used to help. Now ...")."""
    f, s0, s1 = at.f, at.s0, at.s1
    state = None
    for a, _b, kind in time_marks:
        if a >= at.cs:
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


def flag_ceased(cue: Cue, at: Scope) -> None:
    """ "no longer helps", "it wore off": a ceased marker in the cue's clause."""
    f, cs, ce = at.f, at.cs, at.ce
    for a, b in at.t["ceased"]:
        if at.s0 <= a < at.s1 and not (f.broken("clause", b, cs) if b <= cs else f.broken("clause", ce, a)):
            cue.ceased = True
            break


def flag_ceased_harm(cue: Cue, at: Scope, rules: FlagRules) -> None:
    """ "the ache isn't constant any more", "my pain is not there anymore": the harm is the subject of a
    negated predicate that ends in "any more" / "no longer" -- a harm that stopped (negated and ceased)."""
    if cue.polarity != "worsened" or cue.negated:
        return
    doc, f, t, ce = at.doc, at.f, at.t, at.ce
    for a, _b in t["ceased"]:
        if (
            at.s0 <= a < at.s1
            and a >= ce
            and a - ce <= rules.neg_window + 2
            and not f.broken("clause", ce, a)
        ):
            if doc[a].norm_ == "no" or any(
                ce <= na and nb <= a + 1 and not f.broken("clause", ce, na) for na, nb in t["neg_pre"]
            ):
                cue.negated = cue.ceased = True
                break


def flag_hypothetical(cue: Cue, at: Scope, rules: FlagRules) -> None:
    """ "it would help", "could help"; but "would" in a story about the past is a habit ("it used to be the
    one thing, my head would clear"). Reads cue.historical."""
    doc, f, s0, cs = at.doc, at.f, at.s0, at.cs
    for a, b in at.t["hyp_modal"]:
        if s0 <= a and b <= cs and cs - b <= rules.modal_window and not f.broken("all", b, cs):
            if doc[a].norm_ in ("would", "'d") and (
                cue.historical or any(doc[k].norm_ in rules.habitual for k in range(s0, a))
            ):
                continue  # "every Tuesday my knees would be on fire": what used to happen
            if doc[a].norm_ == "'d" and b < len(doc) and _is_participle(doc[b].lower_, rules):
                continue  # "I'd crashed twice": had, not would
            cue.hypothetical = True
            break
    if not cue.hypothetical:
        for a, b in at.t["hyp_near"]:
            if s0 <= a and b <= cs and cs - b <= rules.near_window and not f.broken("all", b, cs):
                cue.hypothetical = True
                break


def _is_participle(word: str, rules: FlagRules) -> bool:
    return word in rules.participles or (len(word) > 3 and word.endswith("ed"))


def flag_conditional(cue: Cue, at: Scope, rules: FlagRules) -> bool:
    """ "if I push it, I crash", "if you overdo it you'll crash": a cue after a condition word in its
    sentence. Returns whether the cue is in the condition itself ("if it sets her back") rather than in what
    follows from it (a second subject starts the main clause: "if I overdo it I crash")."""
    doc, f, cs = at.doc, at.f, at.cs
    for a, b in at.t["hyp_cond"]:
        if at.s0 <= a and b <= cs and not f.broken("contrast", b, cs):
            cue.conditional = True
            subjects = sum(1 for tok in doc[b:cs] if tok.norm_ in rules.subject_pronouns)
            return not f.broken("punctuation", b, cs) and subjects < 2
    return False


def flag_person(cue: Cue, at: Scope) -> None:
    """Whose experience: the nearest person before the cue in its clause, else after it in the clause
    ("helped me"), else before it in the sentence; he/she is a carer's person in a carer's post."""
    f, s0, s1 = at.f, at.s0, at.s1
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
        cue.person = "none"
    elif person == "third_singular":
        cue.person = "carer" if f.has_carer else "other"
    else:
        cue.person = person


def flag_hypothetical_condition(cue: Cue, in_condition: bool) -> None:
    """A condition is a pattern the writer (or their person) lives, "if I push it I crash"; anyone else's
    ("if you overdo it you'll crash"), or the condition itself, is hypothetical. Reads cue.person."""
    if cue.conditional and (in_condition or cue.person not in ("first", "carer")):
        cue.hypothetical = True


def flag_moment(cue: Cue, at: Scope) -> None:
    """ "feeling brighter, I decided to start walking", "felt great so I went further": the good feeling is
    why they did it (and, with a crash after it, the boom before the bust)."""
    if cue.polarity != "helped" or cue.composed or not set(cue.symptoms) <= {"mood"}:
        return
    for a, _b in at.t["motive"]:
        if at.s0 <= a < at.s1 and a >= at.ce and not at.f.broken("contrast", at.ce, a):
            cue.moment = True
            break


def flag_absence(cue: Cue, at: Scope, rules: FlagRules) -> None:
    """Not doing it: "skip a couple of days and I seize up", "I'd be much stiffer without it" report a
    benefit of doing it; "the flares settled within a fortnight of stopping" a harm. Turns the polarity
    round. Reads cue.person."""
    doc, f, cs, ce = at.doc, at.f, at.cs, at.ce
    for a, b in at.t["absence"]:
        if not at.s0 <= a < at.s1:
            continue
        if b <= cs:
            near = not f.broken("absence", b, cs)
        elif a >= ce:
            # after the cue only "without it", "if I skip": not "... or skip it altogether"
            near = doc[a].norm_ in rules.absence_after and not f.broken("clause", ce, a)
        else:
            continue
        if near and any(doc[k].norm_ == "than" for k in range(min(ce, a), max(b, cs))):
            near = False  # "less than it was without the class" compares, it does not skip
        if near and cue.polarity == "worsened" and any(doc[k].norm_ in rules.stop_words for k in range(a, b)):
            near = False  # "seven weeks since I stopped and still not back": the harm lasted
        if near:
            cue.polarity = "helped" if cue.polarity == "worsened" else "worsened"
            cue.absence = True
            if cue.person in ("first", "carer", "none"):
                cue.hypothetical = False  # "I'd be stiffer without it" is lived, not a guess
            break


def flag_question(cue: Cue, at: Scope, rules: FlagRules) -> None:
    """A sentence ending in "?" (in its last clause, or all of it after "does", "has anyone" ...), or a
    question phrase before the cue ("does anyone find it helps")."""
    doc, f, s0, s1, cs = at.doc, at.f, at.s0, at.s1, at.cs
    if cue.sent in f.question_sents:
        last_clause = not f.broken("clause", at.ce, s1)
        opener = doc[s0].norm_ in rules.question_openers
        if last_clause or opener:
            cue.question = True
    if not cue.question:
        for a, b in at.t["question"]:
            if s0 <= a and b <= cs and not f.broken("claim", b, cs):
                cue.question = True
                break


def flag_claim(cue: Cue, at: Scope, rules: FlagRules) -> None:
    """Someone else's claim: "my doctor says it helps", "studies show", "I was told it would help", or the
    cue inside quotation marks (someone's words, or scare quotes)."""
    doc, f, t, s0, cs = at.doc, at.f, at.t, at.s0, at.cs
    for a, b in t["claim_phrase"]:
        if s0 <= a and b <= cs and not f.broken("contrast", b, cs):
            if b - a == 1 and doc[a].lower_ in rules.claim_adverbs:
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
                if s0 <= sa and sb <= va and va - sb <= rules.source_window:
                    pronoun = sb - sa == 1 and doc[sa].lower_ in ("she", "he")
                    if pronoun and f.has_carer:
                        continue  # a carer passing on what their daughter says
                    cue.claim = True
                    break
            if cue.claim:
                break
    if not cue.claim and _inside_quotes(f.quotes, s0, at.s1, cue.start, at.ce):
        cue.claim = True


def flag_sarcasm(cue: Cue, at: Scope, rules: FlagRules, sarcasm_sents: set[int]) -> None:
    """A benefit with sarcasm markers in this or a neighbouring sentence, or in scare quotes ("'helped'")."""
    if cue.polarity != "helped":
        return
    doc, ce = at.doc, at.ce
    if cue.sent in sarcasm_sents:
        cue.sarcasm = True
    elif (
        _inside_quotes(at.f.quotes, at.s0, at.s1, cue.start, ce)
        and cue.start > 0
        and ce < len(doc)
        and doc[cue.start - 1].text in rules.quotes
        and doc[ce].text in rules.quotes
    ):
        cue.sarcasm = True


def _inside_quotes(quotes: list[int], s0: int, s1: int, start: int, end: int) -> bool:
    """Is tokens [start, end) between a pair of double quotes within its sentence? (quotes: the token
    indices of double quotes in the doc, sorted)"""
    if not quotes:
        return False
    opened = (bisect.bisect_left(quotes, start) - bisect.bisect_left(quotes, s0)) % 2 == 1
    return opened and bisect.bisect_left(quotes, s1) > bisect.bisect_left(quotes, end)


TRANSIENT_SENTENCES = 3  # "Loved it. [...] Then spent four days in bed": how far the payback may be


def flag_transient(cue: Cue, cues: list[Cue]) -> None:
    """ "felt amazing" / "loved every minute" followed within a few sentences by a reported harm: the
    enjoyment at the time, before the payback, not a lasting benefit. Reads every cue's other flags."""
    if cue.moment and cue.polarity == "helped" and not cue.negated:
        cue.transient = any(
            c.polarity == "worsened"
            and c.start >= cue.end
            and c.sent - cue.sent <= TRANSIENT_SENTENCES
            and c.status in ("asserted", "hist")
            for c in cues
        )
