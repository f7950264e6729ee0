"""Show how the tagger read a text: `python -m devtools.tagger.explain "Walking eases my pain"`.

Prints every cue with its context flags and attribution, the mentions, and the decision. For debugging
rules and lexicons; the output format is not an API.
"""

from __future__ import annotations

import json
import sys

from analysis.nlp.tagger import load_tagger, prepare_text


def explain(text: str) -> str:
    tagger = load_tagger()
    doc = tagger.nlp(prepare_text(text))
    f = doc._.outcome_findings
    lines = []
    if f is None:
        return "(empty)"
    for m in f.mentions:
        lines.append(f"  mention  {doc[m.start : m.end].text!r:28} {m.name} ({m.kind}) s{m.sent}")
    for c in f.cues:
        flags = [
            k
            for k in (
                "negated",
                "hypothetical",
                "conditional",
                "question",
                "historical",
                "ceased",
                "claim",
                "sarcasm",
            )
            if getattr(c, k)
        ]
        lines.append(
            f"  cue      {doc[c.start : c.end].text!r:28} {c.polarity:8} w={c.weight:.1f} {c.status:9} "
            f"person={c.person:6} -> {c.target} [{c.link}] s{c.sent} vader={c.vader:+.2f} "
            f"{'composed ' if c.composed else ''}{' '.join(flags)} {list(c.symptoms)}"
        )
    d = dict(f.decision or {})
    res = tagger.result(doc, text).to_dict()
    lines.append(
        f"  decision {d.get('outcome')} ({d.get('method')}; rules say {d.get('rule_outcome')}) "
        f"p={json.dumps({k: round(v, 2) for k, v in d.get('probabilities', {}).items()})}"
    )
    lines.append("  " + json.dumps({k: res[k] for k in ("interventions", "symptoms")}))
    return "\n".join(lines)


if __name__ == "__main__":
    for arg in sys.argv[1:] or [sys.stdin.read()]:
        print(arg[:100])
        print(explain(arg))
