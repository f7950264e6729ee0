"""outcome_attribution: ties each outcome cue to the intervention it is about."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..findings import Cue, Findings, Mention
from ..resources import load_resources

NEGATED_MENTION_WINDOW = 3  # "haven't tried any yoga": 2 tokens between "not" and "yoga"
GENERIC = "exercise"  # the intervention name for exercise of no named kind


# resources_dir: where the word lists are (words.yaml, `attribution`); "" for the committed ones
@Language.factory("outcome_attribution", default_config={"resources_dir": ""})
def make_outcome_attribution(nlp: Language, name: str, resources_dir: str):
    return OutcomeAttribution(resources_dir or None)


class OutcomeAttribution:
    """Ties each cue to the intervention it is about: the nearest one in its clause, else in its
    sentence; else "it"/"this"/"the class" (or nothing at all) carrying the last one named.
    "Overdid it" / "pushed myself" point back to the exercise being talked about."""

    def __init__(self, resources_dir: str | None = None):
        words = load_resources(resources_dir).words["attribution"]
        self.counterfactual = frozenset(words["counterfactual"])
        self.proposition_verbs = frozenset(words["proposition_verbs"])
        self.coordinators = frozenset(words["coordinators"])

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
                and not (a > 0 and doc[a - 1].norm_ in self.counterfactual)
                and not any(doc[k].norm_ in self.proposition_verbs for k in range(b, m.start))
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

    def _coordinated(self, doc: Doc, target: Mention, mentions: list[Mention]) -> list[Mention]:
        """The target and the mentions joined to it only by "+", "and", "," ... in the same sentence."""
        same = sorted((m for m in mentions if m.sent == target.sent), key=lambda m: m.start)
        i = same.index(target)
        group = [target]
        for step in (-1, 1):
            j, current = i + step, target
            while 0 <= j < len(same):
                other = same[j]
                a, b = (other.end, current.start) if step < 0 else (current.end, other.start)
                if b - a > 3 or any(doc[k].norm_ not in self.coordinators for k in range(a, b)):
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
