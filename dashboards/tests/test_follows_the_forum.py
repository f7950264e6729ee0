"""The public figures follow what happens in the forum, through the services members and moderators use (no
rebuild): an author's label, a hidden post, an opt-out or a deleted account at once; a new tag as soon as
the rollup refresh that follows each tag batch has run."""

import pytest
from django.urls import reverse

from accounts.services import account_delete, profile_update
from analysis import services
from analysis.rollups import rollups_refresh_backlog
from forum.services import post_hide, post_restore

pytestmark = pytest.mark.django_db

HELPED = "Gentle walking every morning has eased my pain and I sleep better for it."
WORSENED = "Every walk now ends in a crash that keeps me in bed for three days."


def overall(client) -> dict[str, int]:
    body = client.get(reverse("dashboards:api_dashboard")).json()["overall"]
    return {o["outcome"]: o["count"] for o in body["outcomes"] if o["count"]}


@pytest.fixture
def two_reports(post_factory, user_factory):
    walker = user_factory(conditions=["fibromyalgia"])
    crasher = user_factory(conditions=["me/cfs"])
    helped = post_factory(body=HELPED, author=walker)
    worsened = post_factory(body=WORSENED, author=crasher)
    services.post_tags_compute(post_ids=[helped.pk, worsened.pk])
    rollups_refresh_backlog()
    return helped, worsened


def test_a_tag_batch_is_counted_when_the_rollup_refresh_runs(client, post_factory, user_factory):
    post = post_factory(body=HELPED, author=user_factory(conditions=["fibromyalgia"]))
    services.post_tags_compute(post_ids=[post.pk])
    # The worker's tag batch leaves the counts to the refresh it queues...
    assert overall(client) == {}
    # ...which applies it.
    assert rollups_refresh_backlog() == 1
    assert overall(client) == {"helped": 1}
    assert rollups_refresh_backlog() == 0


def test_a_tagged_post_is_counted(client, two_reports):
    assert overall(client) == {"helped": 1, "worsened": 1}


def test_an_authors_own_label_replaces_the_machines_in_the_figures(client, two_reports):
    helped, _ = two_reports
    services.post_tag_label_by_author(post=helped, author=helped.author, outcome="mixed")
    assert overall(client) == {"mixed": 1, "worsened": 1}


def test_a_hidden_post_leaves_the_figures_and_comes_back_when_restored(client, two_reports, moderator):
    _, worsened = two_reports
    post_hide(post=worsened, moderator=moderator, reason="personal details")
    assert overall(client) == {"helped": 1}
    post_restore(post=worsened, moderator=moderator)
    assert overall(client) == {"helped": 1, "worsened": 1}


def test_a_member_who_opts_out_leaves_every_figure_at_once(client, two_reports):
    helped, _ = two_reports
    member = helped.author
    profile_update(user=member, display_name="", bio="", conditions=member.conditions, research_opt_in=False)
    assert overall(client) == {"worsened": 1}
    drill_down = client.get(reverse("dashboards:api_posts"), {"outcome": "helped"}).json()
    assert drill_down["count"] == 0


def test_a_deleted_account_takes_its_posts_out_of_the_figures(client, two_reports):
    _, worsened = two_reports
    account_delete(user=worsened.author, remove_posts=False)
    assert overall(client) == {"helped": 1}
