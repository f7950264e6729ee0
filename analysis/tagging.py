"""The Django side of the outcome tagger (analysis.nlp): one tagger per process, the version tags are
written with, and its model card. Everything about reading posts lives in analysis.nlp."""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from analysis import nlp
from analysis.nlp import TAGGER_VERSION
from analysis.nlp.resources import MODEL_FILE, RESOURCES_DIR

logger = logging.getLogger(__name__)

# The tagger's measured figures on labelled data, written next to it when it is evaluated.
MODEL_CARD_FILE = Path(nlp.__file__).parent / "data" / "model_card.json"


@functools.cache
def get_tagger():
    """The tagger, built once per process by settings.ANALYSIS_TAGGER_LOADER (analysis.nlp.load_tagger)."""
    return import_string(settings.ANALYSIS_TAGGER_LOADER)()


def tagger_version() -> str:
    """The version tags are written with; cheap (no pipeline is loaded)."""
    return TAGGER_VERSION


def real_text_confusion() -> dict[str, Any] | None:
    """How the shipped tagger reads real writing, cross-validated on labelled public posts by patients:
    {"labels": [...], "confusion": [[count, ...], ...] (rows: the writer's outcome, columns: the tagger's),
    "items": n}; None when the committed model carries none."""
    try:
        model = json.loads((RESOURCES_DIR / MODEL_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    measured = model.get("cv_real") if isinstance(model, dict) else None
    if not isinstance(measured, dict) or "confusion" not in measured or "labels" not in measured:
        return None
    return {"labels": measured["labels"], "confusion": measured["confusion"], "items": measured.get("items")}


def model_card() -> dict[str, Any] | None:
    """The tagger's published evaluation (labelled_items, split, per_class_f1, macro_f1, failure_modes), as
    written; None when there is none yet or it cannot be read."""
    try:
        raw = json.loads(MODEL_CARD_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        logger.warning("Could not read the model card at %s", MODEL_CARD_FILE, exc_info=True)
        return None
    return raw if isinstance(raw, dict) else None
