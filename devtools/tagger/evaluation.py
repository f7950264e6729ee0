"""Evaluation of the tagger against labelled data, and the VADER-only baseline on the same data.

Data: see labelled_data.py (gold splits, seed stories, the real-writing development set). Scores: see
metrics.py (macro-F1 with a bootstrap interval, calibration). Annotators' intervention names are mapped to
the tagger's canonical names by intervention_names.py. No Django here: the management command
`evaluate_tagger` only parses arguments and prints what this module returns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from analysis.nlp.resources import OUTCOMES
from devtools.tagger.intervention_names import InterventionNames, intervention_names
from devtools.tagger.labelled_data import (
    GOLD_DIR,
    GOLD_SPLITS,
    HELD_OUT_SPLITS,
    REALDEV_DIR,
    REALDEV_SPLITS,
    REALDEV_TEST_SPLIT,
    SEED_DIR,
    SPLITS,
    Item,
    RealdevMissing,
    load_jsonl,
    load_realdev,
    load_seed,
    load_split,
)
from devtools.tagger.metrics import Calibration, Interval, bootstrap_macro_f1, calibration, classification

__all__ = [
    "CHALLENGE_MACRO_F1_THRESHOLD",
    "FRESH_MACRO_F1_THRESHOLD",
    "GOLD_DIR",
    "GOLD_SPLITS",
    "HELD_OUT_SPLITS",
    "REALDEV_DIR",
    "REALDEV_SPLITS",
    "REALDEV_TEST_SPLIT",
    "SEED_DIR",
    "SPLITS",
    "REALDEV_TEST_ECE_LIMIT",
    "REALDEV_TEST_MACRO_F1_THRESHOLD",
    "TEST_MACRO_F1_THRESHOLD",
    "VADER_NEGATIVE",
    "VADER_POSITIVE",
    "InterventionScores",
    "Item",
    "RealdevMissing",
    "Report",
    "classification",
    "format_comparison",
    "format_report",
    "intervention_scores",
    "load_jsonl",
    "load_realdev",
    "load_seed",
    "load_split",
    "make_report",
    "tagger_report",
    "vader_baseline",
    "vader_outcome",
]

# The VADER-only baseline: the usual VADER thresholds (Hutto & Gilbert 2014, and the vaderSentiment
# README): compound >= 0.05 is positive, <= -0.05 negative, otherwise neutral. Positive -> helped,
# negative -> worsened, neutral -> none; it never says mixed.
VADER_POSITIVE = 0.05
VADER_NEGATIVE = -0.05

# The held-out splits' figures must stay at or above (ECE: at or below) these (tests/test_quality.py).
# Each is set a little below what was measured, once, at the end of a round of the tagger's development
# (docs/tagger.md), so a change that lowers quality fails the test.
# realdev test (real passages from websites never fitted on): 0.442 with 1.2; 0.452 with 1.3 (fitted on real
# writing too). The goal is 0.70 and a floor of 0.65: not reached (docs/tagger.md says what is missing).
REALDEV_TEST_MACRO_F1_THRESHOLD = 0.43
# expected calibration error on realdev test: 0.27 with 1.2; 0.132 with 1.3, 0.136 with short posts' own
# temperature (goal 0.10, not reached).
REALDEV_TEST_ECE_LIMIT = 0.15
# test: 0.784 with TAGGER_VERSION 1.0; 0.847 with 1.1; 0.855 with 1.2; 0.844 with 1.3.
TEST_MACRO_F1_THRESHOLD = 0.83
# challenge (another writer's voice): 0.786 with 1.1; 0.839 with 1.2; 0.815 with 1.3; 0.822 with short posts'
# own temperature.
CHALLENGE_MACRO_F1_THRESHOLD = 0.80
# fresh (written blind to the tagger, 75 writers): 0.825 with 1.1, 0.834 with 1.2, 0.831 with 1.3.
FRESH_MACRO_F1_THRESHOLD = 0.82

# How many of the annotators' names the lexicon does not know are listed under the report.
UNMAPPED_SHOWN = 15


@dataclass
class InterventionScores:
    accuracy: float
    total: int  # gold interventions whose name maps to a canonical one
    per: dict[str, tuple[int, int]]  # canonical name -> (correct, total)
    unmapped: Counter = field(default_factory=Counter)  # annotator name -> how often it mapped to nothing

    @property
    def unmapped_total(self) -> int:
        return sum(self.unmapped.values())


@dataclass
class Report:
    name: str
    n: int
    per_class: dict[str, dict[str, float]]
    macro_f1: float
    accuracy: float
    confusion: list[list[int]]  # rows: gold, columns: predicted, in OUTCOMES order
    intervention_accuracy: float
    intervention_total: int
    per_intervention: dict[str, tuple[int, int]]  # canonical name -> (correct, total)
    macro_f1_interval: Interval | None = None
    calibration: Calibration | None = None  # None where the method gives no confidence (VADER)
    unmapped: Counter = field(default_factory=Counter)
    # why the unmapped names are not listed, if they are not (a test split is never read for tuning)
    unmapped_hidden: str = ""

    @property
    def unmapped_total(self) -> int:
        return sum(self.unmapped.values())


def intervention_scores(
    items: Sequence[Item], predicted: Sequence[dict[str, str]], names: InterventionNames | None = None
) -> InterventionScores:
    """Per gold intervention whose name maps to a canonical one: is the predicted outcome for that canonical
    name the gold one (a name the tagger did not report counts as "none")? Names that map to nothing are
    counted apart."""
    names = names or intervention_names()
    per: dict[str, list[int]] = {}
    unmapped: Counter = Counter()
    for item, pred in zip(items, predicted, strict=True):
        for inter in item.interventions:
            canonical = names.canonical_name(str(inter["name"]))
            if canonical is None:
                unmapped[str(inter["name"]).lower()] += 1
                continue
            ok = pred.get(canonical, "none") == inter.get("outcome", "none")
            c = per.setdefault(canonical, [0, 0])
            c[0] += int(ok)
            c[1] += 1
    correct = sum(c for c, _ in per.values())
    total = sum(t for _, t in per.values())
    return InterventionScores(
        correct / total if total else 0.0, total, {k: (v[0], v[1]) for k, v in per.items()}, unmapped
    )


def make_report(
    name: str,
    items: Sequence[Item],
    outcomes: Sequence[str],
    interventions: Sequence[dict[str, str]],
    confidences: Sequence[float] | None = None,
    names: InterventionNames | None = None,
) -> Report:
    gold = [i.outcome for i in items]
    per_class, macro, accuracy, confusion = classification(gold, outcomes)
    scores = intervention_scores(items, interventions, names)
    calib = None
    if confidences is not None:
        calib = calibration(confidences, [g == p for g, p in zip(gold, outcomes, strict=True)])
    return Report(
        name,
        len(items),
        per_class,
        macro,
        accuracy,
        confusion,
        scores.accuracy,
        scores.total,
        scores.per,
        macro_f1_interval=bootstrap_macro_f1(gold, outcomes),
        calibration=calib,
        unmapped=scores.unmapped,
    )


def vader_outcome(compound: float) -> str:
    if compound >= VADER_POSITIVE:
        return "helped"
    if compound <= VADER_NEGATIVE:
        return "worsened"
    return "none"


def vader_baseline(items: Sequence[Item], names: InterventionNames | None = None) -> Report:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    names = names or intervention_names()
    vader = SentimentIntensityAnalyzer()
    outcomes = [vader_outcome(vader.polarity_scores(i.text)["compound"]) for i in items]
    # VADER cannot tell interventions apart: every gold intervention gets the post's VADER outcome
    inters = []
    for item, outcome in zip(items, outcomes, strict=True):
        mapped = (names.canonical_name(str(x["name"])) for x in item.interventions)
        inters.append({canonical: outcome for canonical in mapped if canonical})
    return make_report("VADER-only baseline", items, outcomes, inters, names=names)


def tagger_report(items: Sequence[Item], tagger, name: str = "tagger") -> tuple[Report, list]:
    """The tagger's report (with calibration from each result's confidence) and its results, in order."""
    results = [r for r, _ in tagger.tag_many(((i.text, i.id) for i in items), batch_size=64)]
    outcomes = [r.outcome for r in results]
    inters = [{x.name: x.outcome for x in r.interventions} for r in results]
    confidences = [r.confidence for r in results]
    return make_report(name, items, outcomes, inters, confidences), results


# ---------------------------------------------------------------------------------------------------------
# Printing
# ---------------------------------------------------------------------------------------------------------


def _format_calibration(c: Calibration) -> list[str]:
    lines = [
        f"expected calibration error (ECE, {len(c.bins)} equal-width bins of the top-class confidence): "
        f"{c.ece:.3f}",
        f"{'confidence':<12} {'n':>5} {'mean conf':>10} {'accuracy':>9}",
    ]
    for b in c.bins:
        span = f"{b.low:.1f}-{b.high:.1f}"
        if b.n:
            lines.append(f"{span:<12} {b.n:>5d} {b.mean_confidence:>10.3f} {b.accuracy:>9.3f}")
        else:
            lines.append(f"{span:<12} {0:>5d} {'-':>10} {'-':>9}")
    return lines


def format_report(r: Report, labels: Sequence[str] = OUTCOMES) -> str:
    lines = [
        f"== {r.name}: {r.n} posts",
        "",
        f"{'class':<10} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}",
    ]
    for label in labels:
        c = r.per_class[label]
        lines.append(
            f"{label:<10} {c['precision']:>9.3f} {c['recall']:>7.3f} {c['f1']:>6.3f} {c['support']:>8d}"
        )
    macro = f"{'macro-F1':<10} {r.macro_f1:>32.3f}"
    if r.macro_f1_interval is not None:
        ci = r.macro_f1_interval
        macro += (
            f"   {ci.level:.0%} bootstrap interval [{ci.low:.3f}, {ci.high:.3f}] ({ci.resamples} resamples)"
        )
    lines.append(macro)
    lines.append(f"{'accuracy':<10} {r.accuracy:>32.3f}")
    lines.append("")
    lines.append("confusion (rows: gold, columns: predicted)")
    lines.append(f"{'':<10}" + "".join(f"{label:>10}" for label in labels))
    for label, row in zip(labels, r.confusion, strict=True):
        lines.append(f"{label:<10}" + "".join(f"{v:>10d}" for v in row))
    lines.append("")
    lines.append(
        f"per-intervention outcome accuracy: {r.intervention_accuracy:.3f} "
        f"({sum(c for c, _ in r.per_intervention.values())}/{r.intervention_total})"
    )
    for name, (c, t) in sorted(r.per_intervention.items(), key=lambda kv: (-kv[1][1], kv[0])):
        lines.append(f"  {name:<26} {c / t:>6.3f}  ({c}/{t})")
    if r.unmapped:
        lines.append(
            f"annotators' intervention names the lexicon does not know (left out above): {r.unmapped_total} "
            f"({len(r.unmapped)} distinct)"
        )
        if r.unmapped_hidden:
            lines.append(f"  (not listed: {r.unmapped_hidden})")
        else:
            for name, count in sorted(r.unmapped.items(), key=lambda kv: (-kv[1], kv[0]))[:UNMAPPED_SHOWN]:
                lines.append(f"  {name:<40} {count:>4d}")
    lines.append("")
    if r.calibration is not None:
        lines.extend(_format_calibration(r.calibration))
    else:
        lines.append("calibration: n/a (no class probability to calibrate)")
    return "\n".join(lines)


def format_comparison(reports: Iterable[Report], labels: Sequence[str] | None = None) -> str:
    reports = list(reports)
    labels = list(labels or [r.name for r in reports])

    def interval(r: Report) -> str:
        ci = r.macro_f1_interval
        return f"[{ci.low:.3f}, {ci.high:.3f}]" if ci else "-"

    lines = [f"{'':<24}" + "".join(f"{label[:20]:>22}" for label in labels)]
    lines.append(f"{'macro-F1':<24}" + "".join(f"{r.macro_f1:>22.3f}" for r in reports))
    lines.append(f"{'  95% interval':<24}" + "".join(f"{interval(r):>22}" for r in reports))
    lines.append(f"{'accuracy':<24}" + "".join(f"{r.accuracy:>22.3f}" for r in reports))
    lines.append(
        f"{'intervention accuracy':<24}" + "".join(f"{r.intervention_accuracy:>22.3f}" for r in reports)
    )
    lines.append(
        f"{'ECE':<24}"
        + "".join(f"{r.calibration.ece:>22.3f}" if r.calibration else f"{'n/a':>22}" for r in reports)
    )
    return "\n".join(lines)
