"""The outcome cues of a post: lexicon phrases ("crashed", "felt human again"), a direction word with a
symptom ("less pain", "pain has eased"), numbers next to a symptom (numbers.py) and a regained ability
("I can stand in the shower again"); where they overlap, the longest wins."""

from __future__ import annotations

import numpy as np
from spacy.strings import hash_string
from spacy.tokens import Doc

from ..findings import Cue, Findings
from ..resources import Resources
from .numbers import NumberCues
from .polarity import COMPOSE, COMPOSED_WEIGHT

# "I can stand in the shower again", "I can sing a whole verse now": a regained ability.
ABILITY_WINDOW = 7
ABILITY_AGAIN_WEIGHT = 0.8

_AGAIN_NOW = np.array([hash_string("again"), hash_string("now")], dtype=np.uint64)


class CueBuilder:
    """Builds the cues of a post from the matcher's findings (outcome_context, before the flags)."""

    def __init__(self, res: Resources):
        self.groups = res.cue_groups
        self.comp = res.composition
        self.ability_words = frozenset(res.words["cues"]["ability"])
        self.numbers = NumberCues(res.words)

    def build(self, doc: Doc, f: Findings) -> list[Cue]:
        """The cues, sorted by position, each with its anchor (where negation and modals are looked for)
        and its core (its own words)."""
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
        for priority, found in enumerate((self.numbers.changes(doc, f), self.numbers.series(doc, f))):
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
        for start, end in self._ability_again(doc, f):
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

    def _ability_again(self, doc: Doc, f: Findings) -> list[tuple[int, int]]:
        out = []
        for i in np.flatnonzero(np.isin(f.norms, _AGAIN_NOW)).tolist():
            for j in range(i - 1, max(-1, i - 1 - ABILITY_WINDOW), -1):
                if f.sent_of[j] != f.sent_of[i] or f.broken("clause", j + 1, i):
                    break
                if doc[j].norm_ in self.ability_words:
                    if j + 1 < i and doc[j + 1].norm_ not in ("not", "never", "hardly", "barely"):
                        out.append((j, i + 1))  # not "can't even sit in the car now"
                    break
        return out
