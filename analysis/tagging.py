"""The Django side of the outcome tagger (analysis.nlp): one tagger per process, and its results as the
values of PostTag's machine fields. Everything about reading posts lives in analysis.nlp."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from analysis.nlp import TAGGER_VERSION


@functools.cache
def get_tagger():
    """The tagger, built once per process by settings.ANALYSIS_TAGGER_LOADER (analysis.nlp.load_tagger)."""
    return import_string(settings.ANALYSIS_TAGGER_LOADER)()


def tagger_version() -> str:
    """The version tags are written with; cheap (no pipeline is loaded)."""
    return TAGGER_VERSION


def result_fields(result) -> dict[str, Any]:
    """A TagResult as PostTag's machine fields (JSON-ready)."""
    d = result.to_dict()
    return {
        key: d[key]
        for key in ("outcome", "confidence", "interventions", "symptoms", "evidence", "tagger_version")
    }
