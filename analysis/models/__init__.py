"""The analysis app's models, one module per subject."""

from analysis.models.claims import ClaimDirection, StudyClaim, StudyType
from analysis.models.rollups import (
    AgreementRollup,
    FactRow,
    LabelSource,
    MemberCondition,
    MemberFact,
    MemberReport,
    MemberRollup,
    OutcomeRollup,
    PostFact,
    RollupBacklog,
)
from analysis.models.tags import Outcome, PostTag, TagStatus

__all__ = [
    "AgreementRollup",
    "ClaimDirection",
    "FactRow",
    "LabelSource",
    "MemberCondition",
    "MemberFact",
    "MemberReport",
    "MemberRollup",
    "Outcome",
    "OutcomeRollup",
    "PostFact",
    "PostTag",
    "RollupBacklog",
    "StudyClaim",
    "StudyType",
    "TagStatus",
]
