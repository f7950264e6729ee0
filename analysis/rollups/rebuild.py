"""The full rebuild of the rollups from every post (the `rebuild_rollups` command), and the check that
compares them with counts computed afresh, writing nothing."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import JSONField

from accounts.models import User
from analysis.models import (
    AgreementRollup,
    FactRow,
    LabelSource,
    MemberCondition,
    MemberFact,
    MemberReport,
    MemberRollup,
    OutcomeRollup,
    PostFact,
)
from analysis.rollups.contributions import fingerprint, normalise_conditions, post_contribution
from analysis.rollups.members import member_reports
from analysis.rollups.writing import FACT_ROW_FIELDS, POST_FACT_FIELDS, REPORT_FIELDS, Deltas, post_values
from analysis.vocabulary import ALL, AUTHOR_SCOPE, NOT_SHARED, SCOPES
from forum.models import Post

ROLLUP_MODELS = (
    AgreementRollup,
    MemberRollup,
    MemberCondition,
    MemberReport,
    MemberFact,
    OutcomeRollup,
    FactRow,
    PostFact,
)


@dataclass
class RebuildReport:
    posts_seen: int = 0
    posts_counted: int = 0
    members_counted: int = 0
    rollup_rows: int = 0


def _keyset_post_rows(batch_size: int) -> Iterator[list[tuple]]:
    last = 0
    while True:
        rows = post_values(Post.objects.filter(id__gt=last).order_by("id")[:batch_size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


_MEMBER_ROW_FIELDS = ("author_id", "post_id", "intervention", "outcome", "conf_level", "source", "created_at")


def _fact_rows_by_author(batch_size: int = 20000) -> Iterator[tuple[int, list[tuple]]]:
    current, rows = None, []
    queryset = FactRow.objects.order_by("author_id", "post_id", "intervention").values_list(
        *_MEMBER_ROW_FIELDS
    )
    for row in queryset.iterator(chunk_size=batch_size):
        if row[0] != current:
            if rows:
                yield current, rows
            current, rows = row[0], []
        rows.append(row[1:])
    if rows:
        yield current, rows


def rollups_rebuild(*, batch_size: int = 2000, progress=None) -> RebuildReport:
    """Throw the rollups away and compute them again from every post (the `rebuild_rollups` command).

    One transaction; on PostgreSQL the rollup tables are locked for its duration, so a worker's refresh
    waits and then applies its difference on top of the rebuilt state. The per-post records are written
    in bulk (COPY on PostgreSQL) and the post rollup is summed by the database from them.
    """
    report = RebuildReport()
    with transaction.atomic():
        _clear_rollups()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '256MB'")
        deltas = Deltas()
        author_conditions: dict[int, tuple[str, ...]] = {}
        for rows in _keyset_post_rows(batch_size):
            report.posts_seen += len(rows)
            counted = [(row[0], c) for row in rows if (c := post_contribution(row)) is not None]
            report.posts_counted += len(counted)
            _insert_rows(
                PostFact,
                ["post_id", *POST_FACT_FIELDS],
                [
                    (pid, True, c.author_id, list(c.conditions), *(c.agreement or ("", "")), fingerprint(c))
                    for pid, c in counted
                ],
            )
            _insert_rows(
                FactRow,
                ["post_id", *FACT_ROW_FIELDS[1:]],
                [
                    (
                        pid,
                        c.author_id,
                        intervention,
                        outcome,
                        c.month,
                        c.category_id,
                        c.conf_level,
                        c.source,
                        c.created_at,
                    )
                    for pid, c in counted
                    for intervention, outcome in c.items
                ],
            )
            for _, c in counted:
                author_conditions[c.author_id] = c.conditions
                if c.agreement:
                    deltas.agreement[c.agreement][0] += 1
            if progress:
                progress(report.posts_seen)
        deltas.apply_posts()
        _insert_rows(
            MemberCondition,
            ["user_id", "condition"],
            [
                (uid, condition)
                for uid, conditions in sorted(author_conditions.items())
                for condition in conditions
            ],
        )
        _sum_outcome_rollup()

        members: dict[int, tuple[dict, tuple[str, ...]]] = {}
        for uid, rows in _fact_rows_by_author():
            reports = member_reports(rows)
            conditions = author_conditions.get(uid) or (NOT_SHARED,)
            members[uid] = (reports, conditions)
            deltas.add_member(reports, conditions, +1)
            if len(members) >= 5000:
                _flush_members(members, report)
        _flush_members(members, report)
        deltas.apply_members()
        report.rollup_rows = OutcomeRollup.objects.count()
    return report


def _insert_rows(model, fields: Sequence[str], rows: list[tuple]) -> None:
    """Insert plain rows into an empty-keyed table: COPY on PostgreSQL, bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=1000
        )
        return
    quote = connection.ops.quote_name
    model_fields = [model._meta.get_field(name) for name in fields]  # names or attnames ("post_id")
    json_columns = {i for i, f in enumerate(model_fields) if isinstance(f, JSONField)}
    columns = ", ".join(quote(f.column) for f in model_fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(v) if i in json_columns else v for i, v in enumerate(row)])


# The outcome rollup's key columns, then its counts: written by the rebuild, compared by the check.
_OUTCOME_ROLLUP_COLUMNS = (
    "scope",
    "intervention",
    "condition",
    "month",
    "category_id",
    "outcome",
    "posts",
    "author_confirmed",
    "moderator_labelled",
)
_SCOPES_SQL = " UNION ALL ".join(f"SELECT {scope} AS scope" for scope in SCOPES)


def _sum_outcome_rollup() -> None:
    """The post rollup summed by the database from the fact rows, for every scope and condition key."""
    quote = connection.ops.quote_name
    rollup = quote(OutcomeRollup._meta.db_table)
    facts = quote(FactRow._meta.db_table)
    conditions = quote(MemberCondition._meta.db_table)
    columns = ", ".join(quote(c) for c in _OUTCOME_ROLLUP_COLUMNS)
    passes = (
        f"(s.scope < {AUTHOR_SCOPE} AND f.conf_level >= s.scope) "
        f"OR (s.scope = {AUTHOR_SCOPE} AND f.source = '{LabelSource.AUTHOR.value}')"
    )
    sums = (
        "COUNT(*), "
        f"SUM(CASE WHEN f.source = '{LabelSource.AUTHOR.value}' THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN f.source = '{LabelSource.MODERATOR.value}' THEN 1 ELSE 0 END)"
    )
    condition = f"c.{quote('condition')}"
    # Table and column names come from the models, the rest are constants of this module.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {rollup} ({columns}) "  # noqa: S608
            f"SELECT s.scope, f.intervention, %s, f.month, f.category_id, f.outcome, {sums} "
            f"FROM {facts} f JOIN ({_SCOPES_SQL}) s ON {passes} "
            "GROUP BY s.scope, f.intervention, f.month, f.category_id, f.outcome",
            [ALL],
        )
        cursor.execute(
            f"INSERT INTO {rollup} ({columns}) "  # noqa: S608
            f"SELECT s.scope, f.intervention, {condition}, f.month, f.category_id, f.outcome, {sums} "
            f"FROM {facts} f JOIN {conditions} c ON c.user_id = f.author_id "
            f"JOIN ({_SCOPES_SQL}) s ON {passes} "
            f"GROUP BY s.scope, f.intervention, {condition}, f.month, f.category_id, f.outcome"
        )


def _flush_members(members: dict, report: RebuildReport) -> None:
    _insert_rows(
        MemberReport,
        list(REPORT_FIELDS),
        [
            (uid, scope, intervention, r.first, r.latest, r.latest_post_id, r.latest_at, r.posts)
            for uid, (reports, _) in members.items()
            for (scope, intervention), r in reports.items()
        ],
    )
    _insert_rows(MemberFact, ["user_id", "conditions"], [(uid, list(c)) for uid, (_, c) in members.items()])
    report.members_counted += len(members)
    members.clear()


def _clear_rollups() -> None:
    tables = [model._meta.db_table for model in ROLLUP_MODELS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in tables))
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own tables


# --- the check ---------------------------------------------------------------------------------------


@dataclass
class CheckReport:
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def rollups_check(*, limit: int = 20) -> CheckReport:
    """Compare the rollup tables with counts computed afresh from the posts (nothing is written)."""
    expected = Deltas()
    # Member reports from the posts themselves, not from the (possibly stale) fact rows.
    by_author: dict[int, list[tuple]] = defaultdict(list)
    for rows in _keyset_post_rows(2000):
        for row in rows:
            c = post_contribution(row)
            expected.add_post(c, +1)
            if c is not None:
                for intervention, outcome in c.items:
                    by_author[c.author_id].append(
                        (row[0], intervention, outcome, c.conf_level, c.source, c.created_at)
                    )
    for _uid, reports, conditions in _expected_members(sorted(by_author.items()), _conditions_lookup()):
        expected.add_member(reports, conditions, +1)

    report = CheckReport()
    comparisons = [
        (
            "outcome",
            expected.outcome,
            OutcomeRollup.objects.values_list(*_OUTCOME_ROLLUP_COLUMNS),
            6,
        ),
        (
            "agreement",
            expected.agreement,
            AgreementRollup.objects.values_list("machine_outcome", "author_outcome", "posts"),
            2,
        ),
        (
            "member",
            expected.member,
            MemberRollup.objects.values_list(
                "scope", "intervention", "condition", "first_outcome", "latest_outcome", "members"
            ),
            5,
        ),
    ]
    for name, wanted, stored_rows, width in comparisons:
        stored = {tuple(row[:width]): list(row[width:]) for row in stored_rows if any(row[width:])}
        wanted = {key: list(counts) for key, counts in wanted.items() if any(counts)}
        for key in sorted(set(stored) | set(wanted), key=str):
            if stored.get(key) != wanted.get(key):
                report.differences.append(
                    f"{name} {key}: stored {stored.get(key)}, expected {wanted.get(key)}"
                )
                if len(report.differences) >= limit:
                    return report
    return report


def _expected_members(rows_by_author: Iterable[tuple[int, list[tuple]]], conditions_of) -> Iterator[tuple]:
    for uid, rows in rows_by_author:
        reports = member_reports(rows)
        if reports:
            yield uid, reports, normalise_conditions(conditions_of(uid))


def _conditions_lookup():
    cache: dict[int, list] = {}

    def lookup(uid: int):
        if uid not in cache:
            if len(cache) > 50000:
                cache.clear()
            cache.update(
                User.objects.filter(id__gte=uid).order_by("id").values_list("id", "conditions")[:2000]
            )
        return cache.get(uid)

    return lookup
