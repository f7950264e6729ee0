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
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Max, Min, Q, Value, When
from django.utils import timezone

from analysis.vocabulary import (
    ALL,
    AUTHOR_SCOPE,
    CONFIDENCE_THRESHOLDS,
    EXERCISES,
    NOT_SHARED,
    SCOPES,
    TOP_CONF_LEVEL,
)
from analysis.models import (
    AgreementRollup,
    FactRow,
    LabelSource,
    MemberCondition,
    MemberFact,
    MemberReport,
    MemberRollup,
    Outcome,
    OutcomeRollup,
    PostFact,
    RollupBacklog,
    TagStatus,
)

logger = logging.getLogger(__name__)

# Ids per query (well under SQLite's variable limit).
CHUNK_SIZE = 500
# Backlogged posts applied per transaction by rollups_refresh_backlog.
BACKLOG_CHUNK = 2000
INTERVENTION_MAX_CHARS = 40
_OUTCOMES = frozenset(Outcome.values)

OutcomeKey = tuple[int, str, str, date, int, str]  # scope, intervention, condition, month, category, outcome
MemberKey = tuple[int, str, str, str, str]  # scope, intervention, condition, first, latest
AgreementKey = tuple[str, str]  # machine outcome, author outcome


# --- what one post contributes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """What one counted post adds to the rollups."""

    author_id: int
    created_at: datetime
    month: date
    category_id: int
    source: str
    conf_level: int
    conditions: tuple[str, ...]
    items: tuple[tuple[str, str], ...]  # (intervention, outcome), sorted; ("*", post outcome) always there
    agreement: AgreementKey | None = None

    @property
    def scopes(self) -> list[int]:
        scopes = list(range(self.conf_level + 1))
        if self.source == LabelSource.AUTHOR:
            scopes.append(AUTHOR_SCOPE)
        return scopes

    def outcome_keys(self) -> Iterator[tuple[OutcomeKey, tuple[int, int, int]]]:
        counts = (1, int(self.source == LabelSource.AUTHOR), int(self.source == LabelSource.MODERATOR))
        for scope in self.scopes:
            for intervention, outcome in self.items:
                for condition in (ALL, *self.conditions):
                    yield (scope, intervention, condition, self.month, self.category_id, outcome), counts

    def fact_rows(self, post_id: int) -> list[FactRow]:
        return [
            FactRow(
                post_id=post_id,
                author_id=self.author_id,
                intervention=intervention,
                outcome=outcome,
                month=self.month,
                category_id=self.category_id,
                conf_level=self.conf_level,
                source=self.source,
                created_at=self.created_at,
            )
            for intervention, outcome in self.items
        ]


def conf_level(confidence: float | None, source: str) -> int:
    """The highest minimum-confidence scope a tag passes; a person's label passes them all."""
    if source != LabelSource.TAGGER:
        return TOP_CONF_LEVEL
    if confidence is None:
        return 0
    level = 0
    for index, threshold in enumerate(CONFIDENCE_THRESHOLDS):
        if confidence + 1e-9 >= threshold:
            level = index
    return level


def normalise_conditions(raw) -> tuple[str, ...]:
    from accounts.models import Condition

    valid = set(Condition.values)
    shared = sorted({c for c in (raw or []) if isinstance(c, str) and c in valid})
    return tuple(shared) or (NOT_SHARED,)


def intervention_outcomes(raw, *, shown: str, person_labelled: bool) -> dict[str, str]:
    """Each named intervention's outcome. A name listed twice with different reported outcomes is mixed.

    When a person labelled the post and it names exactly one kind of exercise, the person's label is that
    exercise's outcome (the post-level label is about exercise); other outcomes stay the machine's.
    """
    outcomes: dict[str, set[str]] = {}
    kinds: dict[str, str] = {}
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        name = str(item.get("name") or "").strip().lower()[:INTERVENTION_MAX_CHARS]
        outcome = item.get("outcome")
        if not name or name == ALL or outcome not in _OUTCOMES:
            continue
        outcomes.setdefault(name, set()).add(outcome)
        kind = item.get("kind") or ("exercise" if name in EXERCISES else "")
        kinds.setdefault(name, kind)
    combined = {}
    for name, found in outcomes.items():
        reported = found - {Outcome.NONE}
        if not reported:
            combined[name] = Outcome.NONE
        elif len(reported) == 1:
            combined[name] = next(iter(reported))
        else:
            combined[name] = Outcome.MIXED
    if person_labelled:
        exercises = [name for name in combined if kinds.get(name) == "exercise"]
        if len(exercises) == 1:
            combined[exercises[0]] = shown
    return combined


# The columns a contribution is computed from, in this order.
POST_FIELDS = (
    "id",
    "created_at",
    "is_deleted",
    "is_hidden",
    "thread__is_hidden",
    "thread__category_id",
    "author_id",
    "author__research_opt_in",
    "author__conditions",
    "tag__status",
    "tag__outcome",
    "tag__confidence",
    "tag__interventions",
    "tag__author_outcome",
    "tag__moderator_outcome",
)


def post_contribution(row: Sequence) -> Contribution | None:
    """The contribution of one post from its POST_FIELDS values, or None when it is not counted."""
    (
        _post_id,
        created_at,
        is_deleted,
        is_hidden,
        thread_hidden,
        category_id,
        author_id,
        opt_in,
        conditions,
        status,
        machine,
        confidence,
        interventions,
        author_outcome,
        moderator_outcome,
    ) = row
    if is_deleted or is_hidden or thread_hidden or author_id is None or not opt_in or status is None:
        return None
    if author_outcome in _OUTCOMES:
        shown, source = author_outcome, LabelSource.AUTHOR
    elif moderator_outcome in _OUTCOMES:
        shown, source = moderator_outcome, LabelSource.MODERATOR
    elif status == TagStatus.DONE and machine in _OUTCOMES:
        shown, source = machine, LabelSource.TAGGER
    else:
        return None  # pending or failed, and no person has labelled it
    per_intervention = intervention_outcomes(
        interventions, shown=shown, person_labelled=source != LabelSource.TAGGER
    )
    items = tuple(sorted([(ALL, shown), *per_intervention.items()]))
    agreement = None
    if status == TagStatus.DONE and machine in _OUTCOMES and author_outcome in _OUTCOMES:
        agreement = (machine, author_outcome)
    return Contribution(
        author_id=author_id,
        created_at=created_at,
        month=date(created_at.year, created_at.month, 1),
        category_id=category_id,
        source=source,
        conf_level=conf_level(confidence, source),
        conditions=normalise_conditions(conditions),
        items=items,
        agreement=agreement,
    )


def _contribution_from_record(fact: PostFact, rows: list[tuple]) -> Contribution | None:
    """What a post added when it was last refreshed, from its fact and rows."""
    if not fact.counted or not rows:
        return None
    _, author_id, _, _, month, category_id, level, source, created_at = rows[0]
    agreement = (
        (fact.machine_outcome, fact.author_outcome) if fact.machine_outcome and fact.author_outcome else None
    )
    return Contribution(
        author_id=author_id,
        created_at=created_at,
        month=month,
        category_id=category_id,
        source=source,
        conf_level=level,
        conditions=tuple(fact.conditions),
        items=tuple(sorted((row[2], row[3]) for row in rows)),
        agreement=agreement,
    )


# --- what one member contributes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """A member's reports about one intervention in one scope."""

    first: str
    latest: str
    latest_post_id: int
    latest_at: datetime
    posts: int


def _passes(scope: int, level: int, source: str) -> bool:
    return source == LabelSource.AUTHOR if scope == AUTHOR_SCOPE else level >= scope


def member_reports(rows: Iterable[tuple]) -> dict[tuple[int, str], Report]:
    """A member's (scope, intervention) -> Report from their fact rows
    (post_id, intervention, outcome, conf_level, source, created_at).

    The latest report is their latest post that reports an outcome (helped, worsened or mixed); posts
    that mention the intervention without an outcome count only for members who never reported one.
    The first such report and the latest make the trajectory (helped, then worsened).
    """
    by_intervention: dict[str, list[tuple]] = defaultdict(list)
    for row in rows:
        by_intervention[row[1]].append(row)
    reports = {}
    for intervention, found in by_intervention.items():
        found.sort(key=lambda r: (r[5], r[0]))
        for scope in SCOPES:
            selected = [r for r in found if _passes(scope, r[3], r[4])]
            if not selected:
                continue
            reported = [r for r in selected if r[2] != Outcome.NONE]
            first = reported[0][2] if reported else Outcome.NONE
            latest = reported[-1] if reported else selected[-1]
            reports[(scope, intervention)] = Report(first, latest[2], latest[0], latest[5], len(selected))
    return reports


def _member_keys(reports: dict[tuple[int, str], Report], conditions: tuple[str, ...]) -> Iterator[MemberKey]:
    for (scope, intervention), report in reports.items():
        for condition in (ALL, *conditions):
            yield (scope, intervention, condition, report.first, report.latest)


# --- writing the differences ---------------------------------------------------------------------------


def _chunks(items: Sequence, size: int = CHUNK_SIZE) -> Iterator[Sequence]:
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
        for batch in _chunks(params, 400):
            values = ", ".join([f"({', '.join(['%s'] * width)})"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(keys + counts)}) VALUES {values} "  # noqa: S608
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {update}",
                [value for row in batch for value in row],
            )


@dataclass
class _Deltas:
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
        for key in _member_keys(reports, conditions):
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


def _post_values(queryset) -> list[tuple]:
    return list(queryset.values_list(*POST_FIELDS))


def _current_contributions(post_ids: Sequence[int]) -> dict[int, Contribution | None]:
    from forum.models import Post

    found: dict[int, Contribution | None] = dict.fromkeys(post_ids)
    for chunk in _chunks(post_ids):
        for row in _post_values(Post.objects.filter(id__in=chunk).order_by()):
            found[row[0]] = post_contribution(row)
    return found


# A post's record besides its id, in this order wherever it is written whole.
_POST_FACT_FIELDS = ("counted", "author_id", "conditions", "machine_outcome", "author_outcome", "fingerprint")
_FACT_ROW_FIELDS = (
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
    for chunk in _chunks(post_ids):
        PostFact.objects.bulk_create([PostFact(post_id=pid) for pid in chunk], ignore_conflicts=True)
    facts = {}
    for chunk in _chunks(post_ids):
        for fact in PostFact.objects.select_for_update().filter(post_id__in=chunk).order_by("post_id"):
            facts[fact.post_id] = fact
    return facts


def _recorded_contributions(facts: dict[int, PostFact]) -> dict[int, Contribution | None]:
    rows: dict[int, list[tuple]] = defaultdict(list)
    ids = sorted(facts)
    for chunk in _chunks(ids):
        for row in FactRow.objects.filter(post_id__in=chunk).order_by().values_list(*_FACT_ROW_FIELDS):
            rows[row[0]].append(row)
    return {pid: _contribution_from_record(facts[pid], rows[pid]) for pid in ids}


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
        ids = [pid for pid in ids if facts[pid].fingerprint != _fingerprint(current[pid])]
        if not ids:
            return
        recorded = _recorded_contributions({pid: facts[pid] for pid in ids})
        # Every post left gets its fact rewritten, fingerprint included: any that turn out unchanged were
        # recorded without one (new facts, or facts from before fingerprints) and are skipped from now on.
        PostFact.objects.bulk_create(
            [_fact_for(pid, current[pid]) for pid in ids],
            update_conflicts=True,
            unique_fields=["post"],
            update_fields=list(_POST_FACT_FIELDS),
            batch_size=500,
        )
        changed = [pid for pid in ids if recorded[pid] != current[pid]]
        if not changed:
            return
        deltas = _Deltas()
        for pid in changed:
            deltas.add_post(recorded[pid], -1)
            deltas.add_post(current[pid], +1)
        deltas.apply_posts()
        for chunk in _chunks(changed):
            FactRow.objects.filter(post_id__in=chunk).delete()
        FactRow.objects.bulk_create(
            [row for pid in changed if current[pid] for row in current[pid].fact_rows(pid)], batch_size=1000
        )
        touched: dict[int, set[str]] = defaultdict(set)
        for pid in changed:
            for c in (recorded[pid], current[pid]):
                if c is not None:
                    touched[c.author_id].update(intervention for intervention, _ in c.items)
        _refresh_members(sorted(touched), touched)


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
            for chunk in _chunks(ids):
                RollupBacklog.objects.filter(post_id__in=chunk).delete()
        applied += len(ids)
    return applied


def rollups_backlog_size() -> int:
    return RollupBacklog.objects.count()


def _fact_for(post_id: int, contribution: Contribution | None) -> PostFact:
    if contribution is None:
        return PostFact(
            post_id=post_id, counted=False, author_id=None, conditions=[], fingerprint=_fingerprint(None)
        )
    machine, author = contribution.agreement or ("", "")
    return PostFact(
        post_id=post_id,
        counted=True,
        author_id=contribution.author_id,
        conditions=list(contribution.conditions),
        machine_outcome=machine,
        author_outcome=author,
        fingerprint=_fingerprint(contribution),
    )


def _fingerprint(contribution: Contribution | None) -> str:
    """A short hash of everything a post adds to the rollups (its rows, its member reports follow from it)."""
    return hashlib.blake2b(repr(contribution).encode(), digest_size=8).hexdigest()


_MEMBER_ROW_FIELDS = ("author_id", "post_id", "intervention", "outcome", "conf_level", "source", "created_at")
_REPORT_FIELDS = (
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
    from accounts.models import User

    if not user_ids:
        return
    for chunk in _chunks(user_ids):
        MemberFact.objects.bulk_create([MemberFact(user_id=uid) for uid in chunk], ignore_conflicts=True)
    for chunk in _chunks(user_ids):
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
        for row in MemberReport.objects.filter(which["user_id"]).order_by().values_list(*_REPORT_FIELDS):
            old[row[0]][(row[1], row[2])] = Report(*row[3:])
        new = _member_reports_from_db(which["author_id"])
        remaining = _members_with_other_reports(scope_of)
        deltas = _Deltas()
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
            passing = [g for g in found if _passes(scope, g["conf_level"], g["source"])]
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
    for part in _chunks(ordered):
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
            if _passes(scope, r[1], r[2]) and (r[0] != Outcome.NONE) == has_outcome
        ]
        latest = max((r for r in rows if r[3] == latest_at), key=lambda r: r[4])
        first = (
            min((r for r in rows if r[3] == first_at), key=lambda r: r[4])[0] if has_outcome else Outcome.NONE
        )
        reports[uid][(scope, intervention)] = Report(first, latest[0], latest[4], latest_at, posts)
    return reports


def rollups_refresh_member(*, user_id: int) -> None:
    """After a member changes their research opt-in or conditions, or deletes their account."""
    from forum.models import Post

    with transaction.atomic():
        post_ids = set(Post.objects.filter(author_id=user_id).values_list("id", flat=True))
        post_ids |= set(PostFact.objects.filter(author_id=user_id).values_list("post_id", flat=True))
        rollups_refresh_posts(post_ids=sorted(post_ids))
        _refresh_members([user_id])


# --- full rebuild and check ----------------------------------------------------------------------------

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
    from forum.models import Post

    last = 0
    while True:
        rows = _post_values(Post.objects.filter(id__gt=last).order_by("id")[:batch_size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _expected_members(rows_by_author: Iterable[tuple[int, list[tuple]]], conditions_of) -> Iterator[tuple]:
    for uid, rows in rows_by_author:
        reports = member_reports(rows)
        if reports:
            yield uid, reports, normalise_conditions(conditions_of(uid))


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


def _conditions_lookup():
    from accounts.models import User

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
        deltas = _Deltas()
        author_conditions: dict[int, tuple[str, ...]] = {}
        for rows in _keyset_post_rows(batch_size):
            report.posts_seen += len(rows)
            counted = [(row[0], c) for row in rows if (c := post_contribution(row)) is not None]
            report.posts_counted += len(counted)
            _insert_rows(
                PostFact,
                ["post_id", *_POST_FACT_FIELDS],
                [
                    (pid, True, c.author_id, list(c.conditions), *(c.agreement or ("", "")), _fingerprint(c))
                    for pid, c in counted
                ],
            )
            _insert_rows(
                FactRow,
                ["post_id", *_FACT_ROW_FIELDS[1:]],
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
    import json

    from django.db.models import JSONField

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
        list(_REPORT_FIELDS),
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


@dataclass
class CheckReport:
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def rollups_check(*, limit: int = 20) -> CheckReport:
    """Compare the rollup tables with counts computed afresh from the posts (nothing is written)."""
    expected = _Deltas()
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
