"""The analysis app's models, one module per subject."""

from analysis.models.tags import Outcome, PostTag, TagStatus

__all__ = ["Outcome", "PostTag", "TagStatus"]
