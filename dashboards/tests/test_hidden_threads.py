"""A thread the moderators hide takes its posts out of every public figure, list and export at once, and
restoring it brings them back; a thread whose opening post is hidden or deleted is listed under the same
placeholder title the forum shows the public."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analysis.models import PostTag, TagStatus
from analysis.rollups import rollups_check, rollups_refresh_posts
from forum.permissions import TITLE_PLACEHOLDER_DELETED, TITLE_PLACEHOLDER_HIDDEN
from forum.services import post_delete, post_hide, thread_hide, thread_restore

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(post_factory, user_factory):
    """report(thread, outcome) -> a reply in `thread` with a done machine tag, counted in the rollups."""

    def make(thread, outcome: str = "worsened"):
        post = post_factory(
            thread=thread, author=user_factory(conditions=["fibromyalgia"]), body=f"Walking {outcome} me."
        )
        PostTag.objects.create(post=post, status=TagStatus.DONE, outcome=outcome, confidence=0.9)
        rollups_refresh_posts(post_ids=[post.id])
        return post

    return make


def overall(client) -> dict[str, int]:
    body = client.get(reverse("dashboards:api_dashboard")).json()["overall"]
    return {o["outcome"]: o["count"] for o in body["outcomes"] if o["count"]}


def drill_down_ids(client, **params) -> list[int]:
    html = client.get(reverse("dashboards:posts"), params).content.decode()
    return [int(pid) for pid in re.findall(r'<h2 id="post-(\d+)-title"', html)]


def csv_rows(client, **params) -> list[dict]:
    response = client.get(reverse("dashboards:posts_export_csv"), params)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def assert_rollups_consistent():
    assert rollups_check().ok, rollups_check().differences
    call_command("rebuild_rollups", "--check")  # exits 1 on drift


def test_hiding_a_thread_takes_its_posts_out_of_the_figures_and_restoring_brings_them_back(
    client, report, secret_thread, open_thread, moderator
):
    # Given two reports in a thread and one elsewhere, all counted
    report(secret_thread, "worsened")
    report(secret_thread, "helped")
    report(open_thread, "helped")
    assert overall(client) == {"helped": 2, "worsened": 1}

    # When the moderators hide the thread, its posts leave the figures at once
    thread_hide(thread=secret_thread, moderator=moderator, reason="personal details")
    assert overall(client) == {"helped": 1}
    assert_rollups_consistent()

    # And when they restore it, the posts are counted again
    thread_restore(thread=secret_thread, moderator=moderator)
    assert overall(client) == {"helped": 2, "worsened": 1}
    assert_rollups_consistent()


def test_the_drill_downs_api_and_exports_leave_out_the_posts_of_a_hidden_thread(
    client, report, secret_thread, open_thread, moderator
):
    # Given a report in a thread the moderators hid, and one in a public thread
    hidden = report(secret_thread, "worsened")
    shown = report(open_thread, "worsened")
    thread_hide(thread=secret_thread, moderator=moderator, reason="personal details")

    # Then only the public one is listed, on the page, in the API and in both exports
    assert drill_down_ids(client, outcome="worsened") == [shown.id]
    api = client.get(reverse("dashboards:api_posts"), {"outcome": "worsened"}).json()
    assert [p["post_id"] for p in api["posts"]] == [shown.id]
    assert api["count"] == 1
    assert [int(r["post_id"]) for r in csv_rows(client, outcome="worsened")] == [shown.id]
    exported = client.get(reverse("dashboards:posts_export_json"), {"outcome": "worsened"}).json()
    assert [p["post_id"] for p in exported["posts"]] == [shown.id]
    # The member view doesn't list its author either
    members = client.get(reverse("dashboards:api_posts"), {"outcome": "worsened", "view": "members"}).json()
    assert hidden.id not in [p["post_id"] for p in members["posts"]]
    assert (
        secret_thread.title
        not in client.get(reverse("dashboards:posts"), {"outcome": "worsened"}).content.decode()
    )


@pytest.mark.parametrize(
    "remove, placeholder",
    [
        (lambda opening, moderator: post_hide(post=opening, moderator=moderator, reason="x"), "hidden"),
        (lambda opening, moderator: post_delete(post=opening, actor=opening.author), "deleted"),
    ],
    ids=["hidden", "deleted"],
)
def test_a_reply_under_a_hidden_or_deleted_opening_post_is_listed_under_the_placeholder_title(
    client, report, secret_thread, moderator, remove, placeholder
):
    # Given a counted reply in a thread whose opening post is then hidden (or deleted by its author)
    reply = report(secret_thread, "worsened")
    remove(secret_thread.posts.order_by("created_at", "id").first(), moderator)
    expected = TITLE_PLACEHOLDER_HIDDEN if placeholder == "hidden" else TITLE_PLACEHOLDER_DELETED

    # Then the reply is still listed, but under the placeholder, everywhere
    html = client.get(reverse("dashboards:posts"), {"outcome": "worsened"}).content.decode()
    assert f'<h2 id="post-{reply.id}-title"' in html
    assert secret_thread.title not in html
    rows = csv_rows(client, outcome="worsened")
    assert [(int(r["post_id"]), r["thread_title"]) for r in rows] == [(reply.id, expected)]
    api = client.get(reverse("dashboards:api_posts"), {"outcome": "worsened"}).json()
    assert [p["thread_title"] for p in api["posts"]] == [expected]
    members = client.get(reverse("dashboards:api_posts"), {"outcome": "worsened", "view": "members"}).json()
    assert [p["thread_title"] for p in members["posts"]] == [expected]
    # Also for a moderator and for the opening post's author: the dashboards are public data
    client.force_login(moderator)
    assert (
        secret_thread.title
        not in client.get(reverse("dashboards:posts_export_csv"), {"outcome": "worsened"}).content.decode()
    )


def test_the_titles_in_a_drill_down_cost_no_query_per_post(
    client, report, secret_thread, open_thread, moderator, django_assert_num_queries
):
    report(secret_thread, "worsened")
    report(open_thread, "worsened")
    post_hide(post=secret_thread.posts.order_by("created_at", "id").first(), moderator=moderator, reason="x")
    client.get(reverse("dashboards:api_posts"), {"outcome": "worsened"})  # warm any per-process caches
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("dashboards:api_posts"), {"outcome": "worsened"})
    for _ in range(3):
        report(open_thread, "worsened")
    with django_assert_num_queries(len(two)):
        client.get(reverse("dashboards:api_posts"), {"outcome": "worsened"})
