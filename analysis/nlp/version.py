"""TAGGER_VERSION: changes whenever the rules, lexicons or the model change, without anyone bumping it.

It is CODE_VERSION plus a short hash of every resource file (lexicons, word lists, context rules, the
trained model), of every Python module of the package (the components package included) except its
tests, and of the spaCy and VADER versions (spaCy's tokenizer decides what a phrase matches). A new module
is covered as soon as it is added. Posts tagged by another version are re-tagged by the sweep, so a
comment-only edit of a rule module costs one re-tag of the forum; the price of never forgetting a bump.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

CODE_VERSION = "1.3"

_PACKAGE = Path(__file__).parent
# The package's tests do not change what the tagger says, so editing them re-tags nothing. (Training,
# evaluation and benchmarks live outside the package, in devtools.tagger.)
NOT_RULES = frozenset({"tests"})


def rule_modules(code_dir: Path = _PACKAGE) -> list[str]:
    """Every .py file of the package, recursively, less NOT_RULES and the resources; sorted, as posix
    paths relative to code_dir."""
    out = []
    for path in code_dir.rglob("*.py"):
        parts = path.relative_to(code_dir).parts
        if parts[0] in NOT_RULES or parts[0] == "resources" or "__pycache__" in parts:
            continue
        out.append("/".join(parts))
    return sorted(out)


def _library_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def compute_version(resources_dir: Path | None = None, code_dir: Path = _PACKAGE) -> str:
    resources_dir = Path(resources_dir) if resources_dir else code_dir / "resources"
    digest = hashlib.sha256()
    # spaCy's tokenizer decides what a lexicon phrase matches; VADER's lexicon is one of the signals
    digest.update(f"spacy={_library_version('spacy')};vader={_library_version('vaderSentiment')}\n".encode())
    files = [
        (p.relative_to(resources_dir).as_posix(), p)
        for p in sorted(resources_dir.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    ]
    files += [(name, code_dir / name) for name in rule_modules(code_dir)]
    for name, path in files:
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return f"{CODE_VERSION}+{digest.hexdigest()[:12]}"


TAGGER_VERSION = compute_version()
