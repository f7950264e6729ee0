"""The Django side of the tagger: one tagger per process, chosen by settings.ANALYSIS_TAGGER_LOADER.

The loader is a dotted path to a function returning an object with `tag(text)` and
`tag_many(items, batch_size=...)` (analysis.nlp.load_tagger by default). Tests point worker processes
at a wrapper that breaks on a marked text, to exercise the failure path.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from analysis.nlp import TAGGER_VERSION


@cache
def get_tagger():
    return import_string(settings.ANALYSIS_TAGGER_LOADER)()


def tagger_version() -> str:
    return TAGGER_VERSION
