"""The rollups stay exact as tags, posts and members change (analysis/rollups/)."""

import threading
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models import Sum

from analysis.models import (
    AgreementRollup,
    FactRow,
    MemberReport,
    MemberRollup,
    OutcomeRollup,
    PostFact,
    PostTag,
    TagStatus,
)
from analysis.rollups import (
    member_reports,
    rollups_check,
    rollups_mark_stale,
    rollups_rebuild,
    rollups_refresh_backlog,
    rollups_refresh_member,
    rollups_refresh_posts,
)
from tests.reckoning import counted_reports, month, outcome_counts
from tests.service_checks import require_postgres

pytestmark = pytest.mark.django_db


def posts_in(*, scope=0, intervention="*", condition="*", outcome=None, **more) -> int:
    rows = OutcomeRollup.objects.filter(scope=scope, intervention=intervention, condition=condition, **more)
    if outcome:
        rows = rows.filter(outcome=outcome)
    return rows.aggregate(n=Sum("posts"))["n"] or 0


def rollup_snapshot():
    return {
        "outcome": sorted(
            (
                r.scope,
                r.intervention,
                r.condition,
                r.month,
                r.category_id,
                r.outcome,
                r.posts,
                r.author_confirmed,
                r.moderator_labelled,
            )
            for r in OutcomeRollup.objects.exclude(posts=0)
        ),
        "member": sorted(
            (r.scope, r.intervention, r.condition, r.first_outcome, r.latest_outcome, r.members)
            for r in MemberRollup.objects.exclude(members=0)
        ),
        "agreement": sorted(
            (r.machine_outcome, r.author_outcome, r.posts) for r in AgreementRollup.objects.exclude(posts=0)
        ),
    }


def test_a_tagged_post_counts_under_exercise_overall_and_under_each_intervention_it_names(tagged_post):
    # given a post whose writer reports walking made them worse and LDN helped
    post = tagged_post("worsened", interventions=[("walking", "worsened"), ("ldn", "helped")])

    # then it counts once overall, once for walking (made worse) and once for LDN (helped)
    assert posts_in(outcome="worsened") == 1
    assert posts_in(intervention="walking", outcome="worsened") == 1
    assert posts_in(intervention="ldn", outcome="helped") == 1
    assert posts_in(condition="fibromyalgia") == 1
    assert posts_in(month=date(post.created_at.year, post.created_at.month, 1)) == 1
    assert rollups_check().ok


def test_refreshing_a_post_twice_changes_nothing(tagged_post):
    post = tagged_post("helped", interventions=[("yoga", "helped")])
    before = rollup_snapshot()

    rollups_refresh_posts(post_ids=[post.id, post.id])
    rollups_refresh_posts(post_ids=[post.id])

    assert rollup_snapshot() == before


def test_pending_and_failed_machine_tags_are_not_counted_until_done(tagged_post):
    pending = tagged_post("helped", status=TagStatus.PENDING)
    tagged_post("helped", status=TagStatus.FAILED)
    assert posts_in() == 0

    # when the tagger finishes
    PostTag.objects.filter(post=pending).update(status=TagStatus.DONE, outcome="helped", confidence=0.8)
    rollups_refresh_posts(post_ids=[pending.id])

    assert posts_in(outcome="helped") == 1


def test_a_retag_moves_the_post_from_its_old_outcome_to_its_new_one(tagged_post):
    post = tagged_post("helped", interventions=[("walking", "helped")])

    PostTag.objects.filter(post=post).update(
        outcome="worsened", interventions=[{"name": "pool", "kind": "exercise", "outcome": "worsened"}]
    )
    rollups_refresh_posts(post_ids=[post.id])

    assert posts_in(outcome="helped") == 0
    assert posts_in(outcome="worsened") == 1
    assert posts_in(intervention="walking") == 0
    assert posts_in(intervention="pool", outcome="worsened") == 1
    assert rollups_check().ok


def test_hidden_and_deleted_posts_leave_every_figure_and_come_back_when_restored(tagged_post):
    post = tagged_post("worsened", interventions=[("walking", "worsened")])

    post.is_hidden = True
    post.save(update_fields=["is_hidden"])
    rollups_refresh_posts(post_ids=[post.id])
    assert posts_in() == posts_in(intervention="walking") == 0
    assert not FactRow.objects.exists() and not MemberReport.objects.exists()

    post.is_hidden = False
    post.save(update_fields=["is_hidden"])
    rollups_refresh_posts(post_ids=[post.id])
    assert posts_in(outcome="worsened") == 1

    post.is_deleted = True
    post.save(update_fields=["is_deleted"])
    rollups_refresh_posts(post_ids=[post.id])
    assert posts_in() == 0
    assert rollups_check().ok


def test_opting_out_removes_all_of_a_members_posts_and_opting_in_brings_them_back(tagged_post, member):
    tagged_post("helped", author=member, interventions=[("yoga", "helped")])
    tagged_post("worsened", author=member)
    assert posts_in() == 2

    member.research_opt_in = False
    member.save(update_fields=["research_opt_in"])
    rollups_refresh_member(user_id=member.id)
    assert posts_in() == 0
    assert not MemberRollup.objects.exclude(members=0).exists()

    member.research_opt_in = True
    member.save(update_fields=["research_opt_in"])
    rollups_refresh_member(user_id=member.id)
    assert posts_in() == 2
    assert rollups_check().ok


def test_changing_conditions_moves_a_members_posts_between_conditions(tagged_post, member):
    tagged_post("helped", author=member)
    assert posts_in(condition="fibromyalgia") == 1

    member.conditions = ["me/cfs", "long covid"]
    member.save(update_fields=["conditions"])
    rollups_refresh_member(user_id=member.id)

    assert posts_in(condition="fibromyalgia") == 0
    assert posts_in(condition="me/cfs") == posts_in(condition="long covid") == 1
    assert posts_in() == 1  # counted once under "all conditions"
    assert rollups_check().ok


def test_members_who_share_no_condition_count_as_not_shared(tagged_post, user_factory):
    tagged_post("helped", author=user_factory(conditions=[]))
    assert posts_in(condition="unknown") == 1


def test_a_deleted_account_takes_its_posts_out_of_the_figures(tagged_post, member):
    from accounts.services import account_delete

    tagged_post("helped", author=member)
    member_id = member.id

    account_delete(user=member, remove_posts=False)
    rollups_refresh_member(user_id=member_id)

    assert posts_in() == 0
    assert rollups_check().ok


def test_a_moved_thread_moves_its_posts_to_the_new_category(tagged_post, category_factory):
    post = tagged_post("helped")
    new_category = category_factory()

    post.thread.category = new_category
    post.thread.save(update_fields=["category"])
    rollups_refresh_posts(post_ids=[post.id])

    assert posts_in(category_id=new_category.id) == 1
    assert posts_in(category_id=post.thread.category_id) == 1
    assert rollups_check().ok


def test_a_post_removed_from_the_database_is_taken_out_on_refresh(tagged_post):
    post = tagged_post("helped")
    post_id = post.id

    post.delete()
    rollups_refresh_posts(post_ids=[post_id])

    assert posts_in() == 0
    assert not PostFact.objects.filter(post_id=post_id, counted=True).exists()


def test_an_authors_label_replaces_the_machines_and_is_counted_as_author_confirmed(tagged_post):
    post = tagged_post("helped", interventions=[("walking", "helped"), ("ldn", "helped")], confidence=0.55)

    PostTag.objects.filter(post=post).update(author_outcome="worsened")
    rollups_refresh_posts(post_ids=[post.id])

    row = OutcomeRollup.objects.filter(scope=0, intervention="*", condition="*", outcome="worsened").get()
    assert (row.posts, row.author_confirmed, row.moderator_labelled) == (1, 1, 0)
    # the only exercise it names takes the author's label; the other treatment keeps the machine's
    assert posts_in(intervention="walking", outcome="worsened") == 1
    assert posts_in(intervention="ldn", outcome="helped") == 1
    # a person's label passes every confidence threshold, and the author-confirmed scope
    assert posts_in(scope=5) == 1
    assert posts_in(scope=6) == 1
    # and the machine's disagreement is on record for the model card
    assert list(
        AgreementRollup.objects.exclude(posts=0).values_list("machine_outcome", "author_outcome", "posts")
    ) == [("helped", "worsened", 1)]


def test_a_moderators_correction_counts_as_moderator_labelled(tagged_post):
    post = tagged_post("helped", confidence=0.4)
    PostTag.objects.filter(post=post).update(moderator_outcome="mixed")
    rollups_refresh_posts(post_ids=[post.id])

    row = OutcomeRollup.objects.filter(scope=0, intervention="*", condition="*").exclude(posts=0).get()
    assert (row.outcome, row.posts, row.author_confirmed, row.moderator_labelled) == ("mixed", 1, 0, 1)
    assert posts_in(scope=6) == 0  # not author-confirmed


def test_machine_tags_count_only_under_the_confidence_thresholds_they_pass(tagged_post):
    tagged_post("helped", confidence=0.65)

    # thresholds 0, 0.5, 0.6, 0.7, 0.8, 0.9 are scopes 0..5
    assert [posts_in(scope=s) for s in range(7)] == [1, 1, 1, 0, 0, 0, 0]


def test_a_confidence_exactly_on_a_threshold_passes_it(tagged_post):
    tagged_post("helped", confidence=0.7)
    assert posts_in(scope=3) == 1


def test_a_members_latest_report_counts_once_and_their_change_is_a_trajectory(tagged_post, member):
    # given a member who said walking helped, then mentioned it without an outcome,
    # then that it made them worse
    tagged_post("helped", author=member, interventions=[("walking", "helped")], created_at=month(2024, 1))
    tagged_post("none", author=member, interventions=[("walking", "none")], created_at=month(2024, 2))
    tagged_post("worsened", author=member, interventions=[("walking", "worsened")], created_at=month(2024, 3))
    tagged_post("worsened", author=member, interventions=[("walking", "worsened")], created_at=month(2024, 4))

    rows = MemberRollup.objects.filter(scope=0, intervention="walking", condition="*").exclude(members=0)
    assert list(rows.values_list("first_outcome", "latest_outcome", "members")) == [("helped", "worsened", 1)]
    report = MemberReport.objects.get(user_id=member.id, scope=0, intervention="walking")
    assert report.posts == 4


def test_a_member_who_only_mentions_an_intervention_counts_as_no_outcome():
    reports = member_reports(
        [(1, "yoga", "none", 5, "tagger", month(2024, 1)), (2, "yoga", "none", 5, "tagger", month(2024, 2))]
    )
    assert reports[(0, "yoga")].first == reports[(0, "yoga")].latest == "none"
    assert reports[(0, "yoga")].latest_post_id == 2


def test_rollups_after_many_changes_equal_a_full_rebuild(world):
    # given a forum where posts were tagged, labelled, hidden and deleted one change at a time
    incremental = rollup_snapshot()
    assert rollups_check().ok

    # when everything is thrown away and rebuilt from the posts
    report = rollups_rebuild(batch_size=7)

    # then the tables are identical, and every counted post is in them (those about other treatments only
    # under their treatments, not under exercise overall)
    assert rollup_snapshot() == incremental
    assert report.posts_counted == len(counted_reports(intervention=None))
    assert posts_in() == len(counted_reports())
    assert len(counted_reports()) < len(counted_reports(intervention=None))


def test_the_figures_equal_an_independent_count_from_the_raw_rows(world):
    for filters in [
        {},
        {"intervention": "walking"},
        {"condition": "fibromyalgia"},
        {"intervention": "yoga", "condition": "me/cfs"},
        {"condition": "unknown"},
    ]:
        expected = outcome_counts(counted_reports(**filters))
        got = {
            o: posts_in(
                intervention=filters.get("intervention", "*"),
                condition=filters.get("condition", "*"),
                outcome=o,
            )
            for o in expected
        }
        assert got == expected, filters


def test_rollups_check_reports_drift(tagged_post):
    post = tagged_post("helped")
    PostTag.objects.filter(post=post).update(outcome="worsened")  # no refresh: a missed hook

    report = rollups_check()

    assert not report.ok
    assert any("outcome" in line for line in report.differences)


def test_the_rebuild_rollups_command_rebuilds_and_checks(tagged_post, capsys):
    post = tagged_post("helped")
    PostTag.objects.filter(post=post).update(outcome="worsened")

    with pytest.raises(SystemExit):
        call_command("rebuild_rollups", "--check")
    call_command("rebuild_rollups")
    call_command("rebuild_rollups", "--check")

    out = capsys.readouterr().out
    assert "Rebuilt" in out and "match" in out
    assert posts_in(outcome="worsened") == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_of_overlapping_posts_stay_exact_on_postgresql(
    tagged_post, member, user_factory
):
    require_postgres()
    # given posts by two members, refreshed by four threads at once while their tags keep changing
    other = user_factory(conditions=["me/cfs"])
    posts = [
        tagged_post("helped", author=member if i % 2 else other, interventions=[("walking", "helped")])
        for i in range(12)
    ]
    ids = [p.id for p in posts]
    errors = []

    def worker(seed):
        import random

        rng = random.Random(seed)
        try:
            for _ in range(15):
                batch = rng.sample(ids, 5)
                PostTag.objects.filter(post_id__in=batch).update(
                    outcome=rng.choice(["helped", "worsened", "mixed"])
                )
                rollups_refresh_posts(post_ids=batch)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    # then every refresh was applied exactly once, from the latest tags
    assert rollups_check().ok, rollups_check().differences

    # and one more refresh of every post (the hooks run after every change) leaves them exact
    rollups_refresh_posts(post_ids=ids)
    assert rollups_check().ok, rollups_check().differences
    assert connection.vendor == "postgresql"


def test_hiding_a_members_latest_post_makes_their_previous_report_the_latest(tagged_post, member):
    tagged_post("helped", author=member, interventions=[("yoga", "helped")], created_at=month(2024, 1))
    latest = tagged_post(
        "worsened", author=member, interventions=[("yoga", "worsened")], created_at=month(2024, 2)
    )
    tagged_post("helped", author=member, interventions=[("ldn", "helped")], created_at=month(2024, 3))

    latest.is_hidden = True
    latest.save(update_fields=["is_hidden"])
    rollups_refresh_posts(post_ids=[latest.id])

    report = MemberReport.objects.get(user_id=member.id, scope=0, intervention="yoga")
    assert (report.first_outcome, report.latest_outcome, report.posts) == ("helped", "helped", 1)
    assert MemberReport.objects.get(user_id=member.id, scope=0, intervention="ldn").latest_outcome == "helped"
    assert rollups_check().ok


@pytest.mark.django_db(transaction=True)
def test_a_tag_change_committed_while_a_refresh_drains_the_backlog_is_not_lost_on_postgresql(
    tagged_post, member
):
    require_postgres()
    # Given a counted post already waiting in the backlog (an earlier batch noted it)
    post = tagged_post("helped", author=member)
    rollups_mark_stale(post_ids=[post.id])
    changed, release, errors = threading.Event(), threading.Event(), []

    def tag_batch():
        # a worker re-tags it (worsened) and notes it in the backlog, but has not committed yet
        try:
            with transaction.atomic():
                PostTag.objects.filter(post_id=post.id).update(outcome="worsened")
                rollups_mark_stale(post_ids=[post.id])
                changed.set()
                release.wait(10)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    batch = threading.Thread(target=tag_batch)
    batch.start()
    assert changed.wait(10)
    # When a refresh drains the backlog meanwhile, it leaves the row the batch holds
    assert rollups_refresh_backlog() == 0
    release.set()
    batch.join()
    assert not errors, errors
    # and the next refresh applies the batch's change
    assert rollups_refresh_backlog() == 1
    assert FactRow.objects.get(post_id=post.id, intervention="*").outcome == "worsened"
    assert rollups_check().ok, rollups_check().differences


def test_a_refresh_of_posts_that_read_as_before_reads_no_rows_and_writes_nothing(tagged_post, member):
    from django.test.utils import CaptureQueriesContext

    posts = [tagged_post("helped", author=member, interventions=[("walking", "helped")]) for _ in range(3)]
    ids = [p.id for p in posts]
    call_command("rebuild_rollups", verbosity=0)  # fingerprints come from the rebuild too
    # A retag that reads every post as before (same outcome, interventions and confidence level)
    PostTag.objects.filter(post_id__in=ids).update(confidence=0.91)
    with CaptureQueriesContext(connection) as captured:
        rollups_refresh_posts(post_ids=ids)
    # (it locks their facts, as every refresh does, and reads nothing else of the rollups)
    writes = [q["sql"] for q in captured if q["sql"].lstrip().split()[0].upper() in ("UPDATE", "DELETE")]
    assert not writes, writes
    rollup_tables = ("factrow", "outcomerollup", "memberreport", "memberrollup", "agreementrollup")
    touched = [q["sql"] for q in captured if any(f"analysis_{t}" in q["sql"] for t in rollup_tables)]
    assert not touched, touched
    # while a post that now reads differently is applied
    PostTag.objects.filter(post_id=ids[0]).update(outcome="worsened")
    rollups_refresh_posts(post_ids=ids)
    assert FactRow.objects.get(post_id=ids[0], intervention="*").outcome == "worsened"
    assert rollups_check().ok, rollups_check().differences
