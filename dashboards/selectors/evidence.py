"""A listed post's excerpt: its text with each evidence sentence marked and labelled with how it was read.

The parts are plain text; templates/dashboards/_excerpt.html turns them into HTML (escaping every one).
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.vocabulary import OUTCOME_ORDER, intervention_in_sentence, outcome_label

EXCERPT_FULL_BELOW = 1200  # shorter posts are shown whole
EXCERPT_CONTEXT = 160  # characters either side of each evidence sentence in longer posts


@dataclass(frozen=True)
class ExcerptPart:
    text: str
    evidence: bool = False
    outcome: str = ""  # of an evidence sentence; "" when it names none
    reading: str = ""  # how an evidence sentence was read: "helped, walking"


def _evidence_spans(body: str, evidence: list) -> list[tuple[int, int, str, str]]:
    spans = []
    for item in evidence:
        if not isinstance(item, dict):
            continue
        text = str(item.get("text") or "")
        start, end = item.get("start"), item.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(body)) or (
            text and body[start:end].strip() != text.strip()
        ):
            # Offsets from another version of the text: find the sentence instead.
            found = body.find(text) if text else -1
            if found < 0:
                continue
            start, end = found, found + len(text)
        outcome = item.get("outcome") if item.get("outcome") in OUTCOME_ORDER else ""
        spans.append((start, end, outcome, str(item.get("intervention") or "")))
    spans.sort()
    merged: list[tuple[int, int, str, str]] = []
    for span in spans:
        if merged and span[0] < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], span[1]), last[2], last[3])
        else:
            merged.append(span)
    return merged


def highlight_evidence(body: str, evidence: list) -> tuple[ExcerptPart, ...]:
    """The post's text in parts, each evidence sentence its own part, labelled with how it was read.

    Long posts are cut to the evidence and some context either side.
    """
    spans = _evidence_spans(body, evidence)
    if len(body) <= EXCERPT_FULL_BELOW or not spans:
        windows = [(0, min(len(body), EXCERPT_FULL_BELOW))]
    else:
        windows = []
        for start, end, *_ in spans:
            window = (max(0, start - EXCERPT_CONTEXT), min(len(body), end + EXCERPT_CONTEXT))
            if windows and window[0] <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(windows[-1][1], window[1]))
            else:
                windows.append(window)
    parts = []
    for w_start, w_end in windows:
        if w_start > 0:
            parts.append(ExcerptPart("… "))
        position = w_start
        for start, end, outcome, intervention in spans:
            if end <= w_start or start >= w_end:
                continue
            start, end = max(start, w_start), min(end, w_end)
            parts.append(ExcerptPart(body[position:start]))
            reading = outcome_label(outcome).lower() if outcome else "evidence"
            about = f", {intervention_in_sentence(intervention)}" if intervention else ""
            parts.append(
                ExcerptPart(body[start:end], evidence=True, outcome=outcome, reading=reading + about)
            )
            position = end
        parts.append(ExcerptPart(body[position:w_end]))
        if w_end < len(body):
            parts.append(ExcerptPart(" …"))
    return tuple(parts)
