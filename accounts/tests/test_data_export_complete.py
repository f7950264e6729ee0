"""A member's data export holds everything the forum keeps about them, in one JSON document: not only what
they wrote, but what they did (flags, reactions, their own outcome labels), the tagger's inferences about
their health from their posts, earlier versions of their posts and moderators' reasons for hiding them."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis import services as analysis_services
from analysis.models import Outcome, PostTag, TagStatus
from forum import services as forum_services

pytestmark = pytest.mark.django_db


def export(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("accounts:export"))
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_export_holds_what_the_member_did_and_what_was_inferred_or_decided_about_them(
    client, member, other_member, moderator, thread, post_factory
):
    # Given a member's post, edited once, tagged by the machine, labelled by them, hidden by a moderator
    post = post_factory(thread=thread, author=member, body="Pacing and a low dose of LDN helped.")
    forum_services.post_edit(post=post, editor=member, body="Pacing helped.")
    PostTag.objects.filter(post=post).update(
        status=TagStatus.DONE,
        outcome=Outcome.HELPED,
        confidence=0.82,
        interventions=["pacing", "low dose naltrexone"],
        symptoms=["fatigue"],
        tagged_at=timezone.now(),
    )
    analysis_services.post_tag_label_by_author(post=post, author=member, outcome=Outcome.MIXED)
    forum_services.post_hide(post=post, moderator=moderator, reason="Medication dose advice.")
    # and a flag and a reaction the member gave on someone else's post
    theirs = post_factory(thread=thread, author=other_member, body="Cold showers cure everything.")
    forum_services.flag_create(post=theirs, reporter=member, reason="harmful_advice", note="Not a cure.")
    forum_services.reaction_toggle(post=thread.posts.first(), user=member)
    # and another member's activity, which is not theirs to download
    forum_services.flag_create(post=post, reporter=other_member, reason="spam", note="Someone else's flag.")
    forum_services.reaction_toggle(post=post, user=other_member)

    # When the member downloads their data
    data = export(client, member)

    # Then it is one document holding all of it
    [exported] = data["posts"]
    assert exported["body"] == "Pacing helped."
    assert [v["body"] for v in exported["earlier_versions"]] == ["Pacing and a low dose of LDN helped."]
    assert exported["hidden_by_moderator"] is True
    assert exported["hide_reason"] == "Medication dose advice."
    tag = exported["outcome_tag"]
    assert (tag["outcome"], tag["confidence"], tag["interventions"]) == (
        "helped",
        0.82,
        ["pacing", "low dose naltrexone"],
    )
    assert tag["symptoms"] == ["fatigue"] and tag["your_label"] == "mixed"
    assert [(label["post"], label["outcome"]) for label in data["outcome_labels"]] == [(post.pk, "mixed")]
    assert [(f["post"], f["reason"], f["note"]) for f in data["flags_raised"]] == [
        (theirs.pk, "harmful_advice", "Not a cure.")
    ]
    assert [r["post"] for r in data["reactions_given"]] == [thread.posts.first().pk]
    assert "Someone else's flag." not in json.dumps(data)
    # and what it had before
    assert data["profile"]["username"] == "member"
    assert {"research_consent_history", "drafts"} <= set(data)


def test_a_member_with_nothing_but_a_profile_gets_empty_lists(client, member):
    data = export(client, member)
    assert data["posts"] == []
    assert data["flags_raised"] == [] and data["reactions_given"] == [] and data["outcome_labels"] == []
