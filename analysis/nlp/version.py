"""TAGGER_VERSION: changes whenever the rules, lexicons or the model change, without anyone bumping it.

It is CODE_VERSION plus a short hash of every resource file (lexicons, context rules, the trained model),
of the modules that hold rules in code, and of the spaCy version (its tokenizer decides what a phrase
matches). Posts tagged by another version are re-tagged by the sweep, so a comment-only edit of a rule
module costs one re-tag of the forum; that is the price of never forgetting a bump.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

CODE_VERSION = "1.2"

_PACKAGE = Path(__file__).parent
RULE_MODULES = (
    "components.py",
    "decision.py",
    "features.py",
    "findings.py",
    "pipeline.py",
    "resources.py",
    "tagger.py",
)


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
    files += [(name, code_dir / name) for name in RULE_MODULES]
    for name, path in files:
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return f"{CODE_VERSION}+{digest.hexdigest()[:12]}"


TAGGER_VERSION = compute_version()
