"""Cues made of numbers next to a symptom: a change ("pain went from a 6 to a 3", "neck pain 2/10, down
from 7") and a run of numbers ("fatigue score 8 -> 5", "HR 105 now instead of 130"). Their direction and
the symptom's valence give the polarity (polarity.COMPOSE). The words they read are in words.yaml,
`numbers`."""

from __future__ import annotations

import numpy as np
from spacy.strings import hash_string
from spacy.tokens import Doc

from ..findings import Findings
from .polarity import COMPOSE

NUMERIC_WINDOW = 10  # tokens between the symptom and "from": "the burning in my foot went from a 5 to a 9"
# A run of numbers after a symptom: "fatigue score 8 -> 5", "pain at my last three visits: 8, 6, 5",
# "minutes until I can grip the kettle: March 55, April 40, May 25" (later is now), or a comparison
# "HR 105 now instead of 130", "falls: 0, against 3 last year", "mood 7 vs 5 on other days" (the first
# number is now / with the exercise).
SERIES_WINDOW = 20  # tokens between the symptom and the first number of the run
SERIES_GAP = 3  # joining tokens between two numbers of a run

_FROM = hash_string("from")


class NumberCues:
    """Finds the number cues of a post; built once from the word lists (words.yaml, `numbers`)."""

    def __init__(self, words: dict[str, dict[str, tuple[str, ...]]]):
        numbers = words["numbers"]
        self.number_words = {w: i for i, w in enumerate(numbers["words"])}
        self.fillers = frozenset(numbers["fillers"])
        self.series_reverse = frozenset(numbers["series_reverse"])
        self.series_join = (
            frozenset(numbers["series_join"])
            | self.series_reverse
            | frozenset(numbers["series_arrows"])
            | frozenset(words["names"]["months"])
        )

    def number(self, text: str) -> float | None:
        """ "7", "7/10", "70%", "1,200", "seven": the number a token writes, else None."""
        text = text.lower().split("/")[0].rstrip("%+")
        if text in self.number_words:
            return float(self.number_words[text])
        try:
            return float(text.replace(",", ""))
        except ValueError:
            return None

    def series_number(self, text: str) -> float | None:
        if any(a in text for a in ("->", "→")):
            return None
        x = self.number(text)
        if x is None or (1900 <= x <= 2100 and "." not in text and "," not in text):
            return None  # a year
        return x

    def changes(self, doc: Doc, f: Findings) -> list[tuple[int, int, str, str]]:
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
                while i < n and doc[i].lower_ in self.fillers:
                    i += 1
                if i < n and self.number(doc[i].text) is not None:
                    sym = [s for s in f.symptoms if f.sent_of[s[0]] == sent and s[1] <= tok.i]
                    if sym:
                        s_start, _, name, valence = sym[-1]
                        valence = "bad" if valence == "body" else valence
                        out.append((s_start, i + 1, COMPOSE[(doc[tok.i - 1].lower_, valence)], name))
                continue
            i = tok.i + 1
            while i < n and doc[i].lower_ in self.fillers:
                i += 1
            if i >= n or self.number(doc[i].text) is None:
                continue
            x, j = self.number(doc[i].text), i + 1
            while j < n and j <= i + 6 and doc[j].lower_ not in ("to", "into"):
                j += 1
            if j >= n or doc[j].lower_ not in ("to", "into"):
                continue
            k = j + 1
            while k < n and doc[k].lower_ in self.fillers:
                k += 1
            if k >= n or self.number(doc[k].text) is None or self.number(doc[k].text) == x:
                continue
            y = self.number(doc[k].text)
            best = None
            for s_start, s_end, name, valence in f.symptoms:
                if f.sent_of[s_start] != sent:
                    continue
                if (
                    s_end <= tok.i
                    and tok.i - s_end <= NUMERIC_WINDOW
                    and not f.broken("contrast", s_end, tok.i)
                ):
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
                (
                    min(s_start, tok.i),
                    k + 1,
                    COMPOSE[(direction, "bad" if valence == "body" else valence)],
                    name,
                )
            )
        return out

    def series(self, doc: Doc, f: Findings) -> list[tuple[int, int, str, str]]:
        """A run of numbers after a symptom (see SERIES_WINDOW): its direction and the symptom's valence
        give the polarity."""
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
                        x, y = self.series_number(a), self.series_number(b)
                        if x is not None and y is not None and x != y:
                            v = "bad" if valence == "body" else valence
                            out.append((s_start, i + 1, COMPOSE[("up" if y > x else "down", v)], name))
                            limit = i  # done
                        break
                if i >= limit:
                    break
                x = self.series_number(tok.text)
                if x is None:
                    i += 1
                    continue
                # a run of numbers starting here
                values, reverse, j, last = [x], False, i + 1, i
                while j < min(s1, last + SERIES_GAP + 2):
                    w = doc[j].lower_
                    y = self.series_number(doc[j].text)
                    if y is not None:
                        values.append(y)
                        last = j
                    elif w in self.series_reverse and len(values) == 1:
                        reverse = True
                    elif w not in self.series_join:
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
