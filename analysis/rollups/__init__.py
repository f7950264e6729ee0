"""Keeping the dashboard rollups exact as tags, posts and members change.

Every post the rollups have counted has a record of what it added (PostFact + its FactRows). A refresh
locks the posts' facts, works out each post's contribution now (its tag, shown outcome, interventions,
category, month, writer's conditions and opt-in, hidden/deleted state and its thread's hidden state), and
applies the difference to the rollup tables with increment-upserts, all in one transaction. So it is
idempotent (a second refresh finds no difference) and safe under concurrent workers: two refreshes of one
post are serialised by the fact's row lock, and locks are always taken in the same order (facts by post id,
rollup rows by key, members by id, member rollup rows by key), so they cannot deadlock.

People's actions (labels, moderation, settings) call rollups_refresh_posts inside the transaction that
changed the data, after the change: the rollups commit or roll back with it. The workers' tag batches call
rollups_mark_stale instead, and analysis.refresh_rollups applies that backlog in large chunks
(rollups_refresh_backlog): per-batch refreshes cost as much as the tagging itself.

What counts: a post that is neither deleted nor hidden, in a thread the moderators have not hidden, whose
writer still has an account and has not opted out of research, and whose tag is done (or labelled by its
author or a moderator). Pending and failed machine tags are not counted.

The modules, each using only those before it: contributions (what one post adds, from values alone),
members (what one member adds), writing (the refreshes and the backlog), rebuild (full rebuild and check).
"""

from analysis.rollups.contributions import (
    POST_FIELDS,
    Contribution,
    conf_level,
    intervention_outcomes,
    normalise_conditions,
    post_contribution,
)
from analysis.rollups.members import Report, member_reports
from analysis.rollups.rebuild import CheckReport, RebuildReport, rollups_check, rollups_rebuild
from analysis.rollups.writing import (
    rollups_backlog_size,
    rollups_mark_stale,
    rollups_refresh_backlog,
    rollups_refresh_member,
    rollups_refresh_posts,
)

__all__ = [
    "POST_FIELDS",
    "CheckReport",
    "Contribution",
    "RebuildReport",
    "Report",
    "conf_level",
    "intervention_outcomes",
    "member_reports",
    "normalise_conditions",
    "post_contribution",
    "rollups_backlog_size",
    "rollups_check",
    "rollups_mark_stale",
    "rollups_rebuild",
    "rollups_refresh_backlog",
    "rollups_refresh_member",
    "rollups_refresh_posts",
]
