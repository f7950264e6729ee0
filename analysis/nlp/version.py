"""TAGGER_VERSION: changes whenever the rules, lexicons or the model change, without anyone bumping it.

It is CODE_VERSION plus a short hash of every resource file (lexicons, context rules, the trained model),
of the modules that hold rules in code, and of the spaCy version (its tokenizer decides what a phrase
matches). Posts tagged by another version are re-tagged by the sweep, so a comment-only edit of a rule
module costs one re-tag of the forum; that is the price of never forgetting a bump.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import spacy

CODE_VERSION = "1.0"

_PACKAGE = Path(__file__).parent
RULE_MODULES = ("components.py", "decision.py", "features.py", "findings.py", "pipeline.py", "resources.py",
                "tagger.py")


def compute_version(package_dir: Path = _PACKAGE) -> str:
    digest = hashlib.sha256()
    digest.update(f"spacy={spacy.__version__}\n".encode())
    files = sorted((package_dir / "resources").glob("*.yaml")) + sorted((package_dir / "resources").glob("*.json"))
    files += [package_dir / name for name in RULE_MODULES]
    for path in files:
        digest.update(path.relative_to(package_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return f"{CODE_VERSION}+{digest.hexdigest()[:12]}"


TAGGER_VERSION = compute_version()
