"""The Django side of the outcome tagger (analysis.nlp): one tagger per process, and the version tags are
written with. Everything about reading posts lives in analysis.nlp."""

from __future__ import annotations

import functools

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
