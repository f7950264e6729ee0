"""outcome_decision: the pipeline's last component, a wrapper round analysis/nlp/decision.py's Decider."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..decision import Decider
from ..findings import Findings
from ..resources import load_resources


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
