"""The names the dashboards show: outcomes in the order they are shown (harms first), interventions and
conditions (docs/labelling.md), and the tag-filter scopes shared by the rollups and the filters."""

import re

from accounts.models import Condition
from analysis.models import Outcome
from analysis.nlp.resources import intervention_kinds

# Harms are never buried: "made worse" comes first, beside "helped", in every table and chart.
OUTCOME_ORDER: tuple[str, ...] = (Outcome.WORSENED, Outcome.HELPED, Outcome.MIXED, Outcome.NONE)
OUTCOME_LABELS: dict[str, str] = dict(Outcome.choices)

# "*" in a rollup key: every intervention (the post-level outcome: exercise overall) or every condition.
ALL = "*"

# Minimum-confidence choices; a rollup's `scope` is an index into this tuple. Tags a person labelled
# (the author or a moderator) pass every threshold.
CONFIDENCE_THRESHOLDS: tuple[float, ...] = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)
TOP_CONF_LEVEL = len(CONFIDENCE_THRESHOLDS) - 1
# The scope of "author-confirmed only" (whatever the confidence: the author said so).
AUTHOR_SCOPE = len(CONFIDENCE_THRESHOLDS)
SCOPES: tuple[int, ...] = tuple(range(AUTHOR_SCOPE + 1))

# Canonical intervention names, in the order the filter lists them: the tagger's lexicon decides which
# exist and of what kind.
EXERCISES: tuple[str, ...] = tuple(n for n, kind in intervention_kinds().items() if kind == "exercise")
TREATMENTS: tuple[str, ...] = tuple(n for n, kind in intervention_kinds().items() if kind == "treatment")
_SPECIAL_LABELS = {
    "ldn": "LDN (low-dose naltrexone)",
    "cbt": "CBT",
    "pool": "Pool / swimming",
    "strength": "Strength / resistance",
    "exercise": "Exercise (kind not named)",
    "graded exercise therapy": "Graded exercise therapy (GET)",
    ALL: "Exercise overall",
}

# The names a filter may ask for: the lexicon's exercises and treatments (the only names the tagger writes;
# "exertion" entries are folded into the exercise they refer to, so never stored).
INTERVENTION_NAMES: frozenset[str] = frozenset(EXERCISES + TREATMENTS)

# Members who share no condition are counted under this key.
NOT_SHARED = "unknown"
CONDITION_LABELS: dict[str, str] = {**dict(Condition.choices), NOT_SHARED: "Not shared"}

# A capitalised word that is still a name inside a sentence; acronyms (GET, LDN, ME/CFS, COVID) keep their
# case without being listed, because only a capital followed by lower-case letters is lowered.
_PROPER_NAMES = frozenset({"Pilates"})
_CAPITALISED_WORD = re.compile(r"\b[A-Z][a-z]+\b")


def intervention_label(name: str) -> str:
    return _SPECIAL_LABELS.get(name) or name[:1].upper() + name[1:]


def condition_label(key: str) -> str:
    if key == ALL:
        return "All conditions"
    return CONDITION_LABELS.get(key, key)


def label_in_sentence(label: str) -> str:
    """A label as written inside a sentence: "Graded exercise therapy (GET)" -> "graded exercise therapy
    (GET)", "Long COVID" -> "long COVID", "ME/CFS" and "LDN (low-dose naltrexone)" unchanged."""
    return _CAPITALISED_WORD.sub(lambda m: m[0] if m[0] in _PROPER_NAMES else m[0].lower(), label)


def intervention_in_sentence(name: str) -> str:
    """What a sentence calls an intervention: "walking", "LDN (low-dose naltrexone)"; "*" is "exercise"."""
    return "exercise" if name == ALL else label_in_sentence(intervention_label(name))


def condition_in_sentence(key: str) -> str:
    return label_in_sentence(condition_label(key))


def outcome_label(outcome: str) -> str:
    return OUTCOME_LABELS.get(outcome, outcome)


def confidence_label(scope: int) -> str:
    if scope == AUTHOR_SCOPE:
        return "author-confirmed only"
    threshold = CONFIDENCE_THRESHOLDS[scope]
    return "any confidence" if threshold == 0 else f"confidence {threshold:.1f} or more"
