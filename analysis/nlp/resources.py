"""Lexicons and context rules, loaded from `resources/*.yaml` and checked at start-up.

Everything the tagger knows about words is data in `resources/`; this module reads it, expands the
`{a|b|}` alternatives, and refuses to start on a typo (an unknown key, a missing key, a symptom or kind
that does not exist, an empty phrase) instead of silently matching nothing.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

RESOURCES_DIR = Path(__file__).parent / "resources"
RESOURCE_FILES = ("interventions.yaml", "symptoms.yaml", "cues.yaml", "context.yaml", "words.yaml")
MODEL_FILE = "decision_model.json"
# A spaCy TextCategorizer (bag of words and bigrams) whose class probabilities the decision model may read
# next to the cue features; trained by train.py, committed in resources/textcat/ (cfg + model, ~1 MB).
TEXTCAT_DIR = "textcat"
# The cue reader's weights (reader.py), read by the decision model when its features say so.
READER_FILE = "cue_reader.json"
TEXTCAT_CONFIG = {
    "model": {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": True,
        "ngram_size": 2,
        "no_output_layer": False,
        "length": 65536,
    }
}

OUTCOMES = ("helped", "worsened", "mixed", "none")
POLARITIES = ("helped", "worsened")
SYMPTOMS = ("pain", "fatigue", "mood", "sleep", "cognition", "function", "pem")
# "general" lets "made my symptoms worse" form a cue but is never reported as a symptom.
SYMPTOM_GROUPS = SYMPTOMS + ("general",)
KINDS = ("exercise", "treatment", "exertion")
# bad: more of it is worse (pain); good: more is better (energy); body: a body part ("my knees"), which only
# takes better/worse ("knees are happier", "angrier hips")
VALENCES = ("bad", "good", "body")
DIRECTIONS = ("up", "down", "stopped", "absent", "improve", "worsen")
PERSONS = ("first", "second", "carer", "third_singular", "other")
BREAK_CLASSES = ("contrast", "punctuation", "scope", "subordinate")
# words.yaml: section -> its word lists (single tokens the components' code checks). The lists compared with
# a token's exact text may hold capitals; the others are compared with its lower case or NORM.
WORD_LISTS = {
    "quotes": ("all", "double"),
    "persons": ("not_pronouns", "object", "subject"),
    "names": ("months", "not_names", "next", "titles"),
    "flags": ("question_openers", "claim_adverbs", "habitual", "participles", "absence_after", "stop_words"),
    "cues": ("ability",),
    "attribution": ("counterfactual", "proposition_verbs", "coordinators"),
    "numbers": ("words", "fillers", "series_reverse", "series_arrows", "series_join"),
}
EXACT_CASE_WORDS = frozenset({"quotes.all", "quotes.double", "persons.not_pronouns"})

# One lexicon entry may expand to at most this many phrases: a guard against a runaway `{...}` product.
MAX_EXPANSIONS = 20000


class ResourceError(ValueError):
    """A resource file is malformed; the message names the file and the key."""


# Macros usable in any phrase: <N> a number (words or digits), <n> a small one, <T> a stretch of time.
MACROS = {
    "<N>": "{a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|twenty|thirty|"
    + "|".join(str(i) for i in range(1, 32))
    + "|48|72|a few|a couple of|a couple|several|two or three|"
    "three or four|2-3|3-4|2 or 3|3 or 4|a good few|the next|the following|many|so many}",
    "<n>": "{a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
    + "|".join(str(i) for i in range(1, 15))
    + "|a few|a couple of|several|the next|the following}",
    "<T>": "{day|days|week|weeks|fortnight|month|months|weekend|weekends|hours}",
}


def expand(pattern: str) -> list[str]:
    """Expand `{a|b|}` groups (nested groups and the <N>, <T> macros too) into every combination, with
    whitespace collapsed.

    >>> expand("{eases|eased} {my |}pain")
    ['eases my pain', 'eases pain', 'eased my pain', 'eased pain']
    """
    for macro, value in MACROS.items():
        pattern = pattern.replace(macro, value)
    combos, end = _parse_sequence(pattern, 0)
    if end != len(pattern):
        raise ResourceError(f"{pattern[:60]!r}: unexpected {pattern[end]!r} at {end}")
    out = []
    for combo in combos:
        phrase = " ".join(combo.split())
        if phrase:
            out.append(phrase)
    return out


def _parse_sequence(s: str, i: int) -> tuple[list[str], int]:
    """Parse text and {groups} up to a top-level '|' or '}' (or the end); return the combinations."""
    results = [""]
    while i < len(s) and s[i] not in "|}":
        if s[i] == "{":
            i += 1
            alternatives: list[str] = []
            while True:
                sub, i = _parse_sequence(s, i)
                alternatives.extend(sub)
                if i >= len(s):
                    raise ResourceError(f"{s[:60]!r}: unbalanced braces")
                i += 1
                if s[i - 1] == "}":
                    break
            results = [r + a for r in results for a in alternatives]
        else:
            j = i
            while j < len(s) and s[j] not in "{|}":
                j += 1
            results = [r + s[i:j] for r in results]
            i = j
        if len(results) > MAX_EXPANSIONS:
            raise ResourceError(f"{s[:60]!r} expands to more than {MAX_EXPANSIONS} phrases")
    return results, i


def _phrases(items, where: str) -> list[str]:
    if not isinstance(items, list):
        raise ResourceError(f"{where}: expected a list of phrases, got {type(items).__name__}")
    out: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ResourceError(f"{where}: every phrase must be a non-empty string, got {item!r}")
        if item.count("{") != item.count("}"):
            raise ResourceError(f"{where}: unbalanced braces in {item[:60]!r}")
        out.extend(expand(item))
    # keep order, drop duplicates
    return list(dict.fromkeys(out))


def _keys(mapping, where: str, required: set[str], optional: set[str] = frozenset()) -> dict:
    if not isinstance(mapping, dict):
        raise ResourceError(f"{where}: expected a mapping, got {type(mapping).__name__}")
    keys = set(mapping)
    unknown = keys - required - optional
    missing = required - keys
    if unknown:
        raise ResourceError(
            f"{where}: unknown key(s) {sorted(unknown)}; expected {sorted(required | optional)}"
        )
    if missing:
        raise ResourceError(f"{where}: missing key(s) {sorted(missing)}")
    return mapping


def _int(value, where: str, lo: int = 0, hi: int = 50) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise ResourceError(f"{where}: expected an integer in [{lo}, {hi}], got {value!r}")
    return value


@dataclass(frozen=True)
class Intervention:
    name: str
    kind: str
    phrases: tuple[str, ...]
    case_sensitive: tuple[str, ...] = ()


@dataclass(frozen=True)
class CueGroup:
    polarity: str
    weight: float
    symptoms: tuple[str, ...]
    phrases: tuple[str, ...]
    negated: bool = False  # the phrase itself denies the outcome: "does nothing for me", "waste of time"
    # a benefit that is only ever named to be denied ("never did me any good", "any improvement"): counted as
    # a denied benefit whether or not a negation is in the window
    npi: bool = False
    # how it felt at the time ("felt amazing", "loved it"): before a reported crash, not a lasting benefit
    moment: bool = False


@dataclass(frozen=True)
class Resources:
    interventions: tuple[Intervention, ...]
    blockers: tuple[str, ...]
    anaphora: tuple[str, ...]
    symptoms: dict[str, dict[str, tuple[str, ...]]]  # name -> {"bad": ..., "good": ..., "body": ...}
    cue_groups: tuple[CueGroup, ...]
    directions: dict[str, tuple[str, ...]]
    composition: dict[str, int]
    context: dict  # validated context rules, phrases expanded
    words: dict[str, dict[str, tuple[str, ...]]]  # words.yaml: section -> list -> words, in file order
    model: dict | None = field(default=None)  # trained decision model, if one is committed
    textcat_dir: str | None = None  # the TextCategorizer the model reads, if it reads one
    reader: dict | None = None  # the cue reader's weights, if the model reads its scores

    @property
    def kinds(self) -> dict[str, str]:
        return {i.name: i.kind for i in self.interventions}


def _load_yaml(directory: Path, name: str) -> dict:
    path = directory / name
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise ResourceError(f"{path}: missing resource file") from exc
    except yaml.YAMLError as exc:
        raise ResourceError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ResourceError(f"{path}: expected a mapping at the top level")
    return data


def _parse_interventions(data: dict) -> tuple[tuple[Intervention, ...], tuple[str, ...], tuple[str, ...]]:
    where = "interventions.yaml"
    _keys(data, where, {"interventions", "blockers", "anaphora"})
    entries = _keys(data["interventions"], f"{where}:interventions", set(data["interventions"] or {}))
    out = []
    for name, spec in entries.items():
        w = f"{where}:interventions.{name}"
        _keys(spec, w, {"kind", "phrases"}, {"case_sensitive"})
        if spec["kind"] not in KINDS:
            raise ResourceError(f"{w}.kind: {spec['kind']!r} is not one of {KINDS}")
        case = tuple(_phrases(spec.get("case_sensitive") or [], f"{w}.case_sensitive"))
        out.append(Intervention(name, spec["kind"], tuple(_phrases(spec["phrases"], f"{w}.phrases")), case))
    if not out:
        raise ResourceError(f"{where}: no interventions")
    return (
        tuple(out),
        tuple(_phrases(data["blockers"], f"{where}:blockers")),
        tuple(_phrases(data["anaphora"], f"{where}:anaphora")),
    )


def _parse_symptoms(data: dict) -> dict[str, dict[str, tuple[str, ...]]]:
    where = "symptoms.yaml"
    _keys(data, where, {"symptoms"})
    entries = _keys(data["symptoms"], f"{where}:symptoms", set(SYMPTOM_GROUPS))
    out = {}
    for name, spec in entries.items():
        w = f"{where}:symptoms.{name}"
        _keys(spec, w, {"bad", "good"}, {"body"})
        out[name] = {v: tuple(_phrases(spec.get(v) or [], f"{w}.{v}")) for v in VALENCES}
    return out


def _parse_cues(data: dict):
    where = "cues.yaml"
    _keys(data, where, {"helped", "worsened", "directions", "composition"})
    groups = []
    for polarity in POLARITIES:
        if not isinstance(data[polarity], list) or not data[polarity]:
            raise ResourceError(f"{where}:{polarity}: expected a non-empty list of groups")
        for i, group in enumerate(data[polarity]):
            w = f"{where}:{polarity}[{i}]"
            _keys(group, w, {"weight", "symptoms", "phrases"}, {"negated", "npi", "moment"})
            for flag in ("negated", "npi", "moment"):
                if not isinstance(group.get(flag, False), bool):
                    raise ResourceError(f"{w}.{flag}: expected true or false, got {group[flag]!r}")
            weight = group["weight"]
            if not isinstance(weight, int | float) or isinstance(weight, bool) or not 0 < weight <= 1:
                raise ResourceError(f"{w}.weight: expected a number in (0, 1], got {weight!r}")
            symptoms = group["symptoms"] or []
            bad = [s for s in symptoms if s not in SYMPTOMS]
            if bad:
                raise ResourceError(f"{w}.symptoms: unknown symptom(s) {bad}; expected {SYMPTOMS}")
            groups.append(
                CueGroup(
                    polarity,
                    float(weight),
                    tuple(symptoms),
                    tuple(_phrases(group["phrases"], f"{w}.phrases")),
                    bool(group.get("negated", False)),
                    bool(group.get("npi", False)),
                    bool(group.get("moment", False)),
                )
            )
    dirs = _keys(data["directions"], f"{where}:directions", set(DIRECTIONS))
    directions = {d: tuple(_phrases(dirs[d], f"{where}:directions.{d}")) for d in DIRECTIONS}
    comp = _keys(
        data["composition"], f"{where}:composition", {"before_window", "after_window", "absent_window"}
    )
    composition = {k: _int(v, f"{where}:composition.{k}") for k, v in comp.items()}
    return tuple(groups), directions, composition


def _parse_context(data: dict) -> dict:
    where = "context.yaml"
    _keys(
        data,
        where,
        {"negation", "hypothetical", "time", "claim", "person", "question", "sarcasm", "breaks"},
        {"mixed"},
    )
    neg = _keys(
        data["negation"], f"{where}:negation", {"window", "pre", "post_window", "post", "pseudo", "sentence"}
    )
    hyp = _keys(
        data["hypothetical"],
        f"{where}:hypothetical",
        {"modal_window", "modal", "near_window", "near", "conditional", "pseudo"},
    )
    time = _keys(data["time"], f"{where}:time", {"historical", "current", "ceased"}, {"absence", "motive"})
    claim = _keys(data["claim"], f"{where}:claim", {"source_window", "verbs", "sources", "phrases"})
    person = _keys(data["person"], f"{where}:person", set(PERSONS))
    breaks = _keys(data["breaks"], f"{where}:breaks", set(BREAK_CLASSES))

    def p(value, key):
        return tuple(_phrases(value, f"{where}:{key}"))

    return {
        "negation": {
            "window": _int(neg["window"], f"{where}:negation.window"),
            "post_window": _int(neg["post_window"], f"{where}:negation.post_window"),
            "pre": p(neg["pre"], "negation.pre"),
            "post": p(neg["post"], "negation.post"),
            "pseudo": p(neg["pseudo"], "negation.pseudo"),
            "sentence": p(neg["sentence"], "negation.sentence"),
        },
        "hypothetical": {
            "modal_window": _int(hyp["modal_window"], f"{where}:hypothetical.modal_window"),
            "near_window": _int(hyp["near_window"], f"{where}:hypothetical.near_window"),
            "modal": p(hyp["modal"], "hypothetical.modal"),
            "near": p(hyp["near"], "hypothetical.near"),
            "conditional": p(hyp["conditional"], "hypothetical.conditional"),
            "pseudo": p(hyp["pseudo"], "hypothetical.pseudo"),
        },
        "time": {
            k: p(time.get(k) or [], f"time.{k}")
            for k in ("historical", "current", "ceased", "absence", "motive")
        },
        "claim": {
            "source_window": _int(claim["source_window"], f"{where}:claim.source_window"),
            "verbs": p(claim["verbs"], "claim.verbs"),
            "sources": p(claim["sources"], "claim.sources"),
            "phrases": p(claim["phrases"], "claim.phrases"),
        },
        "person": {k: p(person[k], f"person.{k}") for k in PERSONS},
        "question": p(data["question"], "question"),
        "sarcasm": p(data["sarcasm"], "sarcasm"),
        "mixed": p(data.get("mixed") or [], "mixed"),
        "breaks": {k: p(breaks[k], f"breaks.{k}") for k in BREAK_CLASSES},
    }


def _words(items, where: str, exact_case: bool) -> tuple[str, ...]:
    if not isinstance(items, list) or not items:
        raise ResourceError(f"{where}: expected a non-empty list of words, got {items!r}")
    for item in items:
        # an unquoted `no` or `on` is read by YAML as a boolean, `1` as a number
        if not isinstance(item, str) or not item.strip():
            raise ResourceError(f"{where}: every word must be a non-empty string (quote it), got {item!r}")
        if item.split() != [item]:
            raise ResourceError(f"{where}: {item!r} is not one token; phrases belong in the phrase lists")
        if not exact_case and item != item.lower():
            raise ResourceError(f"{where}: {item!r} has capitals but is compared in lower case")
    repeated = sorted({w for w in items if items.count(w) > 1})
    if repeated:
        raise ResourceError(f"{where}: repeated word(s) {repeated}")
    return tuple(items)


def _parse_words(data: dict) -> dict[str, dict[str, tuple[str, ...]]]:
    where = "words.yaml"
    _keys(data, where, set(WORD_LISTS))
    out = {}
    for section, names in WORD_LISTS.items():
        lists = _keys(data[section], f"{where}:{section}", set(names))
        out[section] = {
            name: _words(lists[name], f"{where}:{section}.{name}", f"{section}.{name}" in EXACT_CASE_WORDS)
            for name in names
        }
    return out


def _load_model(directory: Path) -> dict | None:
    path = directory / MODEL_FILE
    if not path.exists():
        return None
    try:
        model = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ResourceError(f"{path}: not valid JSON: {exc}") from exc
    _keys(
        model,
        MODEL_FILE,
        {"kind", "features", "classes", "mean", "scale", "coef", "intercept"},
        {
            "trained_on",
            "dev_macro_f1",
            "cv_macro_f1",
            "cv_confidence",
            "cv_real",
            "cv_real_macro_f1",
            "labelled_items",
            "notes",
            "l2",
            "epochs",
            "no_evidence_min_confidence",
            "mixed_needs_both",
            "temperature",
            "mixed_without_both_scale",
            "outcome_without_cue_scale",
            "short_tokens",
            "short_temperature",
        },
    )
    n = len(model["features"])
    if any(name.startswith("textcat_") for name in model["features"]):
        textcat = directory / TEXTCAT_DIR
        if not (textcat / "cfg").exists() or not (textcat / "model").exists():
            raise ResourceError(f"{MODEL_FILE} reads a TextCategorizer but {textcat} has no cfg/model")
    if model["kind"] != "logistic_regression" or list(model["classes"]) != list(OUTCOMES):
        raise ResourceError(f"{MODEL_FILE}: expected a logistic_regression over {OUTCOMES}")
    if len(model["mean"]) != n or len(model["scale"]) != n or len(model["coef"]) != len(OUTCOMES):
        raise ResourceError(f"{MODEL_FILE}: weights do not match the {n} features")
    if any(len(row) != n for row in model["coef"]) or len(model["intercept"]) != len(OUTCOMES):
        raise ResourceError(f"{MODEL_FILE}: weights do not match the {n} features")
    for key in ("temperature", "short_temperature"):
        temperature = model.get(key, 1.0)
        if (
            not isinstance(temperature, int | float)
            or isinstance(temperature, bool)
            or not 0.01 <= temperature <= 10
        ):
            raise ResourceError(f"{MODEL_FILE}: {key} must be a number in [0.01, 10]")
    short = model.get("short_tokens", 0)
    if not isinstance(short, int) or isinstance(short, bool) or short < 0:
        raise ResourceError(f"{MODEL_FILE}: short_tokens must be a whole number, 0 or more")
    tau = model.get("no_evidence_min_confidence")
    if tau is not None and (not isinstance(tau, int | float) or isinstance(tau, bool) or not 0 <= tau <= 1):
        raise ResourceError(f"{MODEL_FILE}: no_evidence_min_confidence must be null or a number in [0, 1]")
    for key in ("mixed_without_both_scale", "outcome_without_cue_scale"):
        value = model.get(key, 1.0)
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= 1:
            raise ResourceError(f"{MODEL_FILE}: {key} must be a number in (0, 1]")
    return model


def _load_reader(directory: Path) -> dict:
    path = directory / READER_FILE
    if not path.exists():
        raise ResourceError(f"{MODEL_FILE} reads the cue reader but {path} does not exist")
    try:
        reader = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ResourceError(f"{READER_FILE}: not valid JSON: {exc}") from exc
    _keys(reader, READER_FILE, {"weights", "bias"}, {"trained_on", "C", "cues"})
    weights = reader["weights"]

    def number(v) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool)

    if not isinstance(weights, dict) or not all(isinstance(k, str) and number(v) for k, v in weights.items()):
        raise ResourceError(f"{READER_FILE}: weights must map feature names to numbers")
    if not number(reader["bias"]):
        raise ResourceError(f"{READER_FILE}: bias must be a number")
    return reader


@functools.cache
def intervention_kinds(directory: str | Path | None = None) -> dict[str, str]:
    """Canonical intervention name -> kind, in file order; reads interventions.yaml alone, so the forum
    and the dashboards can list the names without loading the tagger's other resources."""
    interventions, _, _ = _parse_interventions(
        _load_yaml(Path(directory or RESOURCES_DIR), "interventions.yaml")
    )
    return {i.name: i.kind for i in interventions}


def load_resources(directory: str | Path | None = None) -> Resources:
    """Read and validate every resource file; raise ResourceError on the first problem."""
    return _load_resources_cached(str(Path(directory) if directory else RESOURCES_DIR))


@functools.cache
def _load_resources_cached(directory: str) -> Resources:
    d = Path(directory)
    interventions, blockers, anaphora = _parse_interventions(_load_yaml(d, "interventions.yaml"))
    symptoms = _parse_symptoms(_load_yaml(d, "symptoms.yaml"))
    cue_groups, directions, composition = _parse_cues(_load_yaml(d, "cues.yaml"))
    context = _parse_context(_load_yaml(d, "context.yaml"))
    words = _parse_words(_load_yaml(d, "words.yaml"))
    model = _load_model(d)
    uses_textcat = bool(model) and any(name.startswith("textcat_") for name in model["features"])
    uses_reader = bool(model) and any(name.startswith("reader_") for name in model["features"])
    return Resources(
        interventions=interventions,
        blockers=blockers,
        anaphora=anaphora,
        symptoms=symptoms,
        cue_groups=cue_groups,
        directions=directions,
        composition=composition,
        context=context,
        words=words,
        model=model,
        textcat_dir=str(d / TEXTCAT_DIR) if uses_textcat else None,
        reader=_load_reader(d) if uses_reader else None,
    )
