"""From any bar to the posts behind it, with their evidence highlighted."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from analysis.models import PostTag
from analysis.rollups import rollups_refresh_posts
from dashboards.selectors.evidence import highlight_evidence
from tests.reckoning import counted_reports, month

pytestmark = pytest.mark.django_db


def drill(client, **params):
    response = client.get(reverse("dashboards:posts"), params)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def excerpt_html(body: str, evidence: list) -> str:
    return render_to_string("dashboards/_excerpt.html", {"parts": highlight_evidence(body, evidence)})


def listed_post_ids(html) -> list[int]:
    return [int(pid) for pid in re.findall(r'<h2 id="post-(\d+)-title"', html)]


def test_every_bar_and_count_on_the_dashboard_links_to_its_drill_down(client, world):
    html = client.get(reverse("dashboards:index")).content.decode()
    # a bar in the overall chart, and the same count in its table
    assert '<a href="/dashboard/posts/?outcome=helped" tabindex="-1">' in html
    assert '<td><a href="/dashboard/posts/?outcome=helped">' in html
    # the figures beside each intervention's bars
    glance = html[
        html.index('<ol class="glance-list">') : html.index("</ol>", html.index('<ol class="glance-list">'))
    ]
    assert re.search(
        r'<a href="/dashboard/posts/\?view=members&amp;intervention=\w+&amp;outcome=worsened">', glance
    )
    assert re.search(
        r'<a href="/dashboard/posts/\?view=members&amp;intervention=\w+&amp;outcome=helped">', glance
    )


@pytest.mark.parametrize(
    "params, reckoning",
    [
        ({"outcome": "worsened"}, {}),
        ({"outcome": "helped", "intervention": "walking"}, {"intervention": "walking"}),
        ({"outcome": "none", "condition": "fibromyalgia"}, {"condition": "fibromyalgia"}),
        (
            {"outcome": "mixed", "since": "2024-03", "until": "2024-03"},
            {"since": "2024-03", "until": "2024-03"},
        ),
        ({"outcome": "worsened", "min_confidence": "0.8"}, {"min_confidence": 0.8}),
        ({"outcome": "helped", "confirmed": "1"}, {"confirmed": True}),
    ],
)
def test_a_drill_down_lists_exactly_the_posts_behind_the_bar_newest_first(client, world, params, reckoning):
    expected = [post for post, outcome in counted_reports(**reckoning) if outcome == params["outcome"]]
    expected_ids = [p.id for p in sorted(expected, key=lambda p: (p.created_at, p.id), reverse=True)]

    html = drill(client, **params)

    assert listed_post_ids(html) == expected_ids[:20]
    assert f"<strong>{len(expected_ids)}</strong> post" in html


def test_a_category_drill_down_keeps_to_that_category(client, world):
    category = world["other_category"]
    expected = {p.id for p, o in counted_reports() if o == "none" and p.thread.category_id == category.id}
    html = drill(client, outcome="none", category=category.id)
    assert set(listed_post_ids(html)) == expected


def test_evidence_sentences_are_highlighted_and_each_post_links_to_its_place_in_the_forum(
    client, tagged_post
):
    body = "I tried walking again. Walking made my pain much worse for days. Anyway, hello."
    start = body.index("Walking made")
    end = body.index("days.") + len("days.")
    post = tagged_post(
        "worsened",
        interventions=[("walking", "worsened")],
        body=body,
        evidence=[
            {
                "start": start,
                "end": end,
                "text": body[start:end],
                "outcome": "worsened",
                "intervention": "walking",
            }
        ],
    )

    html = drill(client, outcome="worsened", intervention="walking")

    assert '<mark class="evidence evidence-worsened">Walking made my pain much worse for days.</mark>' in html
    assert "[read as: made worse, walking]" in html
    assert f'href="{reverse("forum:post", args=[post.id])}"' in html
    assert post.author.username not in html  # no member names in the research lists


def test_hidden_posts_never_appear_in_a_drill_down_even_if_a_hook_was_missed(client, tagged_post):
    post = tagged_post("worsened")
    post.__class__.objects.filter(pk=post.pk).update(is_hidden=True)  # no rollup refresh

    assert listed_post_ids(drill(client, outcome="worsened")) == []


def test_opted_out_members_posts_never_appear_in_a_drill_down(client, tagged_post, user_factory):
    kept = tagged_post("worsened", author=user_factory())
    tagged_post("worsened", author=user_factory(research_opt_in=False))

    assert listed_post_ids(drill(client, outcome="worsened")) == [kept.id]


def test_the_member_view_lists_each_members_latest_post_once(client, tagged_post, member, user_factory):
    first = tagged_post(
        "helped", author=member, interventions=[("walking", "helped")], created_at=month(2024, 1)
    )
    latest = tagged_post(
        "worsened", author=member, interventions=[("walking", "worsened")], created_at=month(2024, 3)
    )
    other = tagged_post(
        "worsened", author=user_factory(), interventions=[("walking", "worsened")], created_at=month(2024, 2)
    )

    html = drill(client, outcome="worsened", intervention="walking", view="members")
    assert listed_post_ids(html) == [latest.id, other.id]
    assert first.id not in listed_post_ids(html)
    assert "<strong>2</strong> members" in html

    trajectory = drill(client, outcome="worsened", first="helped", intervention="walking", view="members")
    assert listed_post_ids(trajectory) == [latest.id]


def test_drill_downs_are_paginated_with_their_count_from_the_rollups(
    client, tagged_post, django_assert_num_queries
):
    for i in range(25):
        tagged_post("helped", created_at=month(2024, 1, 1 + i))
    with django_assert_num_queries(2):  # the count from the rollup; one page of rows with post, thread, tag
        html = drill(client, outcome="helped")
    assert len(listed_post_ids(html)) == 20
    assert "Page 1 of 2" in html
    assert len(listed_post_ids(drill(client, outcome="helped", page=2))) == 5


def test_a_drill_down_without_an_outcome_is_refused(client):
    response = client.get(reverse("dashboards:posts"), {"intervention": "walking"})
    assert response.status_code == 400
    assert "could not be used" in response.content.decode()


def test_highlighting_escapes_the_text_and_finds_moved_sentences():
    body = "<b>Hi</b> & welcome. Yoga helped my sleep."
    html = excerpt_html(body, [{"start": 0, "end": 3, "text": "Yoga helped my sleep.", "outcome": "helped"}])
    assert "&lt;b&gt;Hi&lt;/b&gt; &amp; welcome. " in html
    assert '<mark class="evidence evidence-helped">Yoga helped my sleep.</mark>' in html


def test_long_posts_are_cut_to_the_evidence_with_context():
    body = "a" * 3000 + " Swimming helped. " + "b" * 3000
    start = body.index("Swimming")
    html = excerpt_html(
        body, [{"start": start, "end": start + 16, "text": "Swimming helped.", "outcome": "helped"}]
    )
    assert html.startswith("… ") and html.endswith(" …")
    assert len(html) < 800
    assert "<mark" in html


def test_a_retagged_post_moves_to_its_new_drill_down(client, tagged_post):
    post = tagged_post("helped")
    PostTag.objects.filter(post=post).update(outcome="worsened")
    rollups_refresh_posts(post_ids=[post.id])

    assert listed_post_ids(drill(client, outcome="helped")) == []
    assert listed_post_ids(drill(client, outcome="worsened")) == [post.id]
