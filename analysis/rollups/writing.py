"""Writing the differences: a refresh locks the posts' (then the members') records, compares what they
contribute now with what they recorded, and adds the difference to the rollup tables with increment-upserts.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Max, Min, Q, Value, When
from django.utils import timezone

from accounts.models import User
from analysis.models import (
    AgreementRollup,
    FactRow,
    MemberCondition,
    MemberFact,
    MemberReport,
    MemberRollup,
    Outcome,
    OutcomeRollup,
    PostFact,
    RollupBacklog,
)
from analysis.rollups.contributions import (
    POST_FIELDS,
    Contribution,
    contribution_from_record,
    fingerprint,
    normalise_conditions,
    post_contribution,
)
from analysis.rollups.members import Report, member_keys, passes
from analysis.vocabulary import SCOPES
from forum.models import Post

# Ids per query (well under SQLite's variable limit).
CHUNK_SIZE = 500
# Backlogged posts applied per transaction by rollups_refresh_backlog.
BACKLOG_CHUNK = 2000


def chunks(items: Sequence, size: int = CHUNK_SIZE) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _increment(model, key_fields: Sequence[str], count_fields: Sequence[str], deltas: dict) -> None:
    """Add `deltas` ({key: counts}) to `model`'s rows with one increment-upsert per key, in key order."""
    rows = sorted((key, counts) for key, counts in deltas.items() if any(counts))
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    keys = [quote(model._meta.get_field(name).column) for name in key_fields]
    counts = [quote(model._meta.get_field(name).column) for name in count_fields]
    # Only names from the model's own metadata go into the statement; the values are parameters.
    width = len(keys) + len(counts)
    adapt = connection.ops.adapt_datefield_value
    params = [
        [adapt(part) if isinstance(part, date) else part for part in key] + list(counts_)
        for key, counts_ in rows
    ]
    update = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in counts)
    with connection.cursor() as cursor:
        # Many rows per statement (keys are unique within one call, so no row is hit twice).
        for batch in chunks(params, 400):
            values = ", ".join([f"({', '.join(['%s'] * width)})"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(keys + counts)}) VALUES {values} "  # noqa: S608
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {update}",
                [value for row in batch for value in row],
            )


@dataclass
class Deltas:
    """Counts to add to each rollup row, by key, until applied (several posts or members at once)."""

    outcome: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    agreement: dict = field(default_factory=lambda: defaultdict(lambda: [0]))
    member: dict = field(default_factory=lambda: defaultdict(lambda: [0]))

    def add_post(self, contribution: Contribution | None, sign: int) -> None:
        if contribution is None:
            return
        for key, (posts, author, moderator) in contribution.outcome_keys():
            counts = self.outcome[key]
            counts[0] += sign * posts
            counts[1] += sign * author
            counts[2] += sign * moderator
        if contribution.agreement:
            self.agreement[contribution.agreement][0] += sign

    def add_member(self, reports: dict, conditions: tuple[str, ...], sign: int) -> None:
        for key in member_keys(reports, conditions):
            self.member[key][0] += sign

    def apply_posts(self) -> None:
        _increment(
            OutcomeRollup,
            ["scope", "intervention", "condition", "month", "category_id", "outcome"],
            ["posts", "author_confirmed", "moderator_labelled"],
            self.outcome,
        )
        _increment(AgreementRollup, ["machine_outcome", "author_outcome"], ["posts"], self.agreement)
        self.outcome.clear()
        self.agreement.clear()

    def apply_members(self) -> None:
        _increment(
            MemberRollup,
            ["scope", "intervention", "condition", "first_outcome", "latest_outcome"],
            ["members"],
            self.member,
        )
        self.member.clear()


# --- posts ---------------------------------------------------------------------------------------------


def post_values(queryset) -> list[tuple]:
    return list(queryset.values_list(*POST_FIELDS))


def _current_contributions(post_ids: Sequence[int]) -> dict[int, Contribution | None]:
    found: dict[int, Contribution | None] = dict.fromkeys(post_ids)
    for chunk in chunks(post_ids):
        for row in post_values(Post.objects.filter(id__in=chunk).order_by()):
            found[row[0]] = post_contribution(row)
    return found


# A post's record besides its id, in this order wherever it is written whole.
POST_FACT_FIELDS = ("counted", "author_id", "conditions", "machine_outcome", "author_outcome", "fingerprint")
FACT_ROW_FIELDS = (
    "post_id",
    "author_id",
    "intervention",
    "outcome",
    "month",
    "category_id",
    "conf_level",
    "source",
    "created_at",
)


def _lock_post_facts(post_ids: Sequence[int]) -> dict[int, PostFact]:
    """Make sure each post has a fact row, then lock them all, in post id order.

    All inserts come before any lock: an insert only ever waits for another transaction's insert of the
    same id, taken in the same ascending order, so two refreshes cannot wait on each other in a cycle.
    """
    for chunk in chunks(post_ids):
        PostFact.objects.bulk_create([PostFact(post_id=pid) for pid in chunk], ignore_conflicts=True)
    facts = {}
    for chunk in chunks(post_ids):
        for fact in PostFact.objects.select_for_update().filter(post_id__in=chunk).order_by("post_id"):
            facts[fact.post_id] = fact
    return facts


def _recorded_contributions(facts: dict[int, PostFact]) -> dict[int, Contribution | None]:
    rows: dict[int, list[tuple]] = defaultdict(list)
    ids = sorted(facts)
    for chunk in chunks(ids):
        for row in FactRow.objects.filter(post_id__in=chunk).order_by().values_list(*FACT_ROW_FIELDS):
            rows[row[0]].append(row)
    return {
        pid: contribution_from_record(
            counted=facts[pid].counted,
            conditions=facts[pid].conditions,
            machine_outcome=facts[pid].machine_outcome,
            author_outcome=facts[pid].author_outcome,
            rows=rows[pid],
        )
        for pid in ids
    }


def _fact_for(post_id: int, contribution: Contribution | None) -> PostFact:
    if contribution is None:
        return PostFact(
            post_id=post_id, counted=False, author_id=None, conditions=[], fingerprint=fingerprint(None)
        )
    machine, author = contribution.agreement or ("", "")
    return PostFact(
        post_id=post_id,
        counted=True,
        author_id=contribution.author_id,
        conditions=list(contribution.conditions),
        machine_outcome=machine,
        author_outcome=author,
        fingerprint=fingerprint(contribution),
    )


def _fact_rows(post_id: int, contribution: Contribution) -> list[FactRow]:
    return [
        FactRow(
            post_id=post_id,
            author_id=contribution.author_id,
            intervention=intervention,
            outcome=outcome,
            month=contribution.month,
            category_id=contribution.category_id,
            conf_level=contribution.conf_level,
            source=contribution.source,
            created_at=contribution.created_at,
        )
        for intervention, outcome in contribution.items
    ]


def rollups_refresh_posts(*, post_ids: Sequence[int]) -> None:
    """Recompute these posts' contributions and apply the difference to every rollup (idempotent).

    Call after a tag batch, an author's or moderator's label, hide/restore/delete, and a thread move or
    hide/restore, inside the transaction that made the change.
    """
    ids = sorted({int(pid) for pid in post_ids})
    if not ids:
        return
    with transaction.atomic():
        facts = _lock_post_facts(ids)
        current = _current_contributions(ids)
        # A post whose recorded fingerprint matches what it contributes now needs nothing more: no rows read,
        # nothing written (most posts of a retag read as before). Compared under the lock: unlocked, a
        # refresh could skip a post that another refresh, still running, is recording from an older reading.
        ids = [pid for pid in ids if facts[pid].fingerprint != fingerprint(current[pid])]
        if not ids:
            return
        recorded = _recorded_contributions({pid: facts[pid] for pid in ids})
        # Every post left gets its fact rewritten, fingerprint included: any that turn out unchanged were
        # recorded without one (new facts, or facts from before fingerprints) and are skipped from now on.
        PostFact.objects.bulk_create(
            [_fact_for(pid, current[pid]) for pid in ids],
            update_conflicts=True,
            unique_fields=["post"],
            update_fields=list(POST_FACT_FIELDS),
            batch_size=500,
        )
        changed = [pid for pid in ids if recorded[pid] != current[pid]]
        if not changed:
            return
        deltas = Deltas()
        for pid in changed:
            deltas.add_post(recorded[pid], -1)
            deltas.add_post(current[pid], +1)
        deltas.apply_posts()
        for chunk in chunks(changed):
            FactRow.objects.filter(post_id__in=chunk).delete()
        FactRow.objects.bulk_create(
            [row for pid in changed if current[pid] for row in _fact_rows(pid, current[pid])], batch_size=1000
        )
        touched: dict[int, set[str]] = defaultdict(set)
        for pid in changed:
            for c in (recorded[pid], current[pid]):
                if c is not None:
                    touched[c.author_id].update(intervention for intervention, _ in c.items)
        _refresh_members(sorted(touched), touched)


# --- the workers' backlog -------------------------------------------------------------------------------


def rollups_mark_stale(*, post_ids: Sequence[int]) -> None:
    """Note that these posts' contributions may have changed, for rollups_refresh_backlog to apply.

    Call inside the transaction that changed them. An existing row is touched rather than skipped: that
    locks it, so a refresh draining the backlog at the same moment either finishes first (and this
    transaction inserts the row again) or skips the row and leaves it for the next refresh. No change is
    missed.
    """
    now = timezone.now()
    RollupBacklog.objects.bulk_create(
        [RollupBacklog(post_id=pid, queued_at=now) for pid in sorted(set(post_ids))],
        update_conflicts=True,
        unique_fields=["post_id"],
        update_fields=["queued_at"],
        batch_size=CHUNK_SIZE,
    )


def rollups_refresh_backlog(*, chunk_size: int = BACKLOG_CHUNK, max_seconds: float | None = None) -> int:
    """Apply the backlogged posts to the rollups, one transaction per chunk; returns how many were applied.

    Rows another refresh (or a tag batch still writing) holds are skipped: they are applied by that refresh
    or the next one. Stops after max_seconds (between chunks) if given; the caller requeues the rest.
    """
    started = time.monotonic()
    applied = 0
    while max_seconds is None or time.monotonic() - started < max_seconds:
        with transaction.atomic():
            ids = list(
                RollupBacklog.objects.select_for_update(skip_locked=True)
                .order_by("post_id")
                .values_list("post_id", flat=True)[:chunk_size]
            )
            if not ids:
                break
            rollups_refresh_posts(post_ids=ids)
            for chunk in chunks(ids):
                RollupBacklog.objects.filter(post_id__in=chunk).delete()
        applied += len(ids)
    return applied


def rollups_backlog_size() -> int:
    return RollupBacklog.objects.count()


# --- members -------------------------------------------------------------------------------------------

REPORT_FIELDS = (
    "user_id",
    "scope",
    "intervention",
    "first_outcome",
    "latest_outcome",
    "latest_post_id",
    "latest_at",
    "posts",
)


def _refresh_members(user_ids: Sequence[int], touched: dict[int, set[str]] | None = None) -> None:
    """Recompute these members' reports and apply the difference to the member rollup.

    touched: for each member, the interventions whose reports may have changed (from the posts just
    refreshed); None, or a change of the member's conditions, recomputes all of theirs.
    """
    if not user_ids:
        return
    for chunk in chunks(user_ids):
        MemberFact.objects.bulk_create([MemberFact(user_id=uid) for uid in chunk], ignore_conflicts=True)
    for chunk in chunks(user_ids):
        locked = MemberFact.objects.select_for_update().filter(user_id__in=chunk).order_by("user_id")
        facts = {f.user_id: f for f in locked}
        users = dict(User.objects.filter(id__in=chunk).values_list("id", "conditions"))
        scope_of: dict[int, set[str] | None] = {}  # None: all interventions
        for uid in chunk:
            conditions = normalise_conditions(users[uid]) if uid in users else ()
            mine = None if touched is None else touched.get(uid)
            scope_of[uid] = None if mine is None or conditions != tuple(facts[uid].conditions) else mine
        which = _pairs_q(scope_of)
        old: dict[int, dict] = defaultdict(dict)
        for row in MemberReport.objects.filter(which["user_id"]).order_by().values_list(*REPORT_FIELDS):
            old[row[0]][(row[1], row[2])] = Report(*row[3:])
        new = _member_reports_from_db(which["author_id"])
        remaining = _members_with_other_reports(scope_of)
        deltas = Deltas()
        changed: dict[int, tuple[dict, tuple[str, ...]]] = {}
        for uid in chunk:
            conditions = normalise_conditions(users[uid]) if uid in users else ()
            final = conditions if (new.get(uid) or uid in remaining) else ()
            before = tuple(facts[uid].conditions)
            if old[uid] == new.get(uid, {}) and final == before:
                continue
            deltas.add_member(old[uid], before, -1)
            deltas.add_member(new.get(uid, {}), final, +1)
            changed[uid] = (new.get(uid, {}), final)
        if not changed:
            continue
        deltas.apply_members()
        changed_scope = {uid: scope_of[uid] for uid in changed}
        MemberReport.objects.filter(_pairs_q(changed_scope)["user_id"]).delete()
        MemberReport.objects.bulk_create(
            [
                MemberReport(
                    user_id=uid,
                    scope=scope,
                    intervention=intervention,
                    first_outcome=r.first,
                    latest_outcome=r.latest,
                    latest_post_id=r.latest_post_id,
                    latest_at=r.latest_at,
                    posts=r.posts,
                )
                for uid, (reports, _) in changed.items()
                for (scope, intervention), r in reports.items()
            ],
            batch_size=1000,
        )
        moved = sorted(uid for uid, (_, final) in changed.items() if final != tuple(facts[uid].conditions))
        if moved:
            MemberCondition.objects.filter(user_id__in=moved).delete()
            MemberCondition.objects.bulk_create(
                [MemberCondition(user_id=uid, condition=c) for uid in moved for c in changed[uid][1]],
                batch_size=1000,
            )
            MemberFact.objects.bulk_create(
                [MemberFact(user_id=uid, conditions=list(changed[uid][1])) for uid in moved],
                update_conflicts=True,
                unique_fields=["user_id"],
                update_fields=["conditions"],
                batch_size=500,
            )


def _pairs_q(scope_of: dict[int, set[str] | None]) -> dict[str, Q]:
    """The (member, intervention) pairs to recompute, as a filter on MemberReport and one on FactRow."""
    everything = sorted(uid for uid, names in scope_of.items() if names is None)
    reports, facts = Q(user_id__in=everything), Q(author_id__in=everything)
    for uid, names in sorted(scope_of.items()):
        if names is not None:
            reports |= Q(user_id=uid, intervention__in=sorted(names))
            facts |= Q(author_id=uid, intervention__in=sorted(names))
    return {"user_id": reports, "author_id": facts}


def _members_with_other_reports(scope_of: dict[int, set[str] | None]) -> set[int]:
    """Members who keep reports outside the pairs being recomputed."""
    partial = {uid: names for uid, names in scope_of.items() if names is not None}
    if not partial:
        return set()
    others = Q()
    for uid, names in sorted(partial.items()):
        others |= Q(user_id=uid) & ~Q(intervention__in=sorted(names))
    return set(MemberReport.objects.filter(others).values_list("user_id", flat=True).distinct())


def _member_reports_from_db(which: Q) -> dict[int, dict[tuple[int, str], Report]]:
    """member_reports() for the fact rows matching `which`, summed by the database (two queries), so a
    prolific member's thousands of rows never travel to Python."""
    reported = Case(When(outcome=Outcome.NONE, then=Value(0)), default=Value(1), output_field=IntegerField())
    groups = (
        FactRow.objects.filter(which)
        .annotate(reported=reported)
        .values("author_id", "intervention", "conf_level", "source", "reported")
        .annotate(n=Count("id"), first_at=Min("created_at"), last_at=Max("created_at"))
        .order_by()
    )
    by_pair: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for group in groups:
        by_pair[(group["author_id"], group["intervention"])].append(group)
    # What each (member, intervention, scope) needs: its count, and when its first and latest report were.
    wanted = {}
    times = set()
    for (uid, intervention), found in by_pair.items():
        for scope in SCOPES:
            passing = [g for g in found if passes(scope, g["conf_level"], g["source"])]
            if not passing:
                continue
            with_outcome = [g for g in passing if g["reported"]]
            if with_outcome:
                first_at = min(g["first_at"] for g in with_outcome)
                latest_at = max(g["last_at"] for g in with_outcome)
                times.update((first_at, latest_at))
            else:
                first_at, latest_at = None, max(g["last_at"] for g in passing)
                times.add(latest_at)
            wanted[(uid, intervention, scope)] = (
                sum(g["n"] for g in passing),
                bool(with_outcome),
                first_at,
                latest_at,
            )
    candidates: dict[tuple[int, str], list[tuple]] = defaultdict(list)
    ordered = sorted(times)
    for part in chunks(ordered):
        rows = (
            FactRow.objects.filter(which, created_at__in=part)
            .order_by()
            .values_list(
                "author_id", "intervention", "outcome", "conf_level", "source", "created_at", "post_id"
            )
        )
        for row in rows:
            candidates[(row[0], row[1])].append(row[2:])
    reports: dict[int, dict[tuple[int, str], Report]] = defaultdict(dict)
    for (uid, intervention, scope), (posts, has_outcome, first_at, latest_at) in wanted.items():
        rows = [
            r
            for r in candidates[(uid, intervention)]
            if passes(scope, r[1], r[2]) and (r[0] != Outcome.NONE) == has_outcome
        ]
        latest = max((r for r in rows if r[3] == latest_at), key=lambda r: r[4])
        first = (
            min((r for r in rows if r[3] == first_at), key=lambda r: r[4])[0] if has_outcome else Outcome.NONE
        )
        reports[uid][(scope, intervention)] = Report(first, latest[0], latest[4], latest_at, posts)
    return reports


def rollups_refresh_member(*, user_id: int) -> None:
    """After a member changes their research opt-in or conditions, or deletes their account."""
    with transaction.atomic():
        post_ids = set(Post.objects.filter(author_id=user_id).values_list("id", flat=True))
        post_ids |= set(PostFact.objects.filter(author_id=user_id).values_list("post_id", flat=True))
        rollups_refresh_posts(post_ids=sorted(post_ids))
        _refresh_members([user_id])
