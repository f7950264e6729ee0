"""Tags as members and moderators see them: badges, evidence, the author's own label, corrections, review."""

import pytest
from django.urls import reverse

from analysis import services
from analysis.models import PostTag, TagStatus
from forum import services as forum_services
from forum.models import ModerationEvent

pytestmark = pytest.mark.django_db

HELPED = "Gentle walking every morning has eased my pain and I sleep better for it."


def thread_page(client, post) -> str:
    return client.get(reverse("forum:thread", args=[post.thread_id])).content.decode()


def test_a_tagged_post_shows_its_outcome_in_words_with_the_deciding_sentence(client, post_factory):
    post = post_factory(body=HELPED)
    services.post_tags_compute(post_ids=[post.pk])
    page = thread_page(client, post)
    assert "Walking: helped" in page
    assert "read by the tagger" in page
    assert f"<mark>{HELPED}</mark>" in page
    assert "Mentioned: walking — helped." in page


def test_a_badge_names_what_it_is_about_and_other_treatments_get_their_own(client, post_factory):
    post = post_factory(body="Low-dose naltrexone has eased my pain. I have not tried any exercise.")
    PostTag.objects.create(
        post=post,
        status=TagStatus.DONE,
        outcome="none",
        confidence=0.8,
        interventions=[{"name": "ldn", "kind": "treatment", "outcome": "helped"}],
    )
    page = thread_page(client, post)
    assert "Exercise: no outcome reported" in page
    assert "LDN (low-dose naltrexone): helped" in page

    both = post_factory(thread=post.thread, body="Yoga and the pool both left me flat for a week.")
    PostTag.objects.create(
        post=both,
        status=TagStatus.DONE,
        outcome="worsened",
        confidence=0.9,
        interventions=[
            {"name": "yoga", "kind": "exercise", "outcome": "worsened"},
            {"name": "pool", "kind": "exercise", "outcome": "worsened"},
        ],
    )
    assert "Yoga and pool / swimming: made worse" in thread_page(client, both)


def test_a_post_not_yet_tagged_says_it_is_being_read(client, post_factory):
    post = post_factory(body=HELPED)
    services.tags_mark_pending(post_ids=[post.pk])
    assert "Exercise outcome: being read" in thread_page(client, post)


def test_only_the_author_is_offered_to_correct_how_their_post_was_read(
    client, post_factory, member, other_member
):
    post = post_factory(body=HELPED, author=member)
    services.post_tags_compute(post_ids=[post.pk])
    client.force_login(other_member)
    assert "Is this how you meant it?" not in thread_page(client, post)
    client.force_login(member)
    assert "Is this how you meant it?" in thread_page(client, post)


def test_the_author_is_asked_beside_the_badge_not_inside_why_this_tag(client, post_factory, member):
    post = post_factory(body=HELPED, author=member)
    client.force_login(member)
    # asked even while the tagger is still reading: the author's answer does not wait for it
    page = thread_page(client, post)
    assert "being read" in page and "Is this how you meant it?" in page

    services.post_tags_compute(post_ids=[post.pk])
    page = thread_page(client, post)
    details = page[page.index('<details class="tag-details">') : page.index("</details>")]
    assert "Is this how you meant it?" not in details
    assert page.index("Is this how you meant it?") > page.index("</details>")
    assert 'value="helped" checked' in page

    client.post(reverse("analysis:post_label", args=[post.pk]), {"outcome": "helped"})
    page = thread_page(client, post)
    # answered: no more asking; changing it stays possible inside "Why this tag?"
    assert "Is this how you meant it?" not in page
    details = page[page.index('<details class="tag-details">') : page.index("</details>")]
    assert "Change your reading" in details


def test_the_authors_own_label_is_stored_beside_the_machines_and_shown_instead(client, post_factory, member):
    post = post_factory(body=HELPED, author=member)
    services.post_tags_compute(post_ids=[post.pk])
    client.force_login(member)
    response = client.post(reverse("analysis:post_label", args=[post.pk]), {"outcome": "mixed"})
    assert response.status_code == 302
    tag = PostTag.objects.get(post=post)
    assert (tag.outcome, tag.author_outcome) == ("helped", "mixed")
    page = thread_page(client, post)
    assert "Walking: mixed" in page and "the author's own reading" in page
    assert "The tagger read it as: helped" in page


def test_nobody_labels_someone_elses_post(client, post_factory, member, other_member):
    post = post_factory(body=HELPED, author=member)
    services.post_tags_compute(post_ids=[post.pk])
    client.force_login(other_member)
    response = client.post(reverse("analysis:post_label", args=[post.pk]), {"outcome": "worsened"})
    assert response.status_code == 403
    assert PostTag.objects.get(post=post).author_outcome == ""


def test_a_moderators_correction_is_shown_and_audit_logged(client, post_factory, moderator):
    post = post_factory(body=HELPED)
    services.post_tags_compute(post_ids=[post.pk])
    client.force_login(moderator)
    client.post(
        reverse("analysis:post_correct", args=[post.pk]), {"outcome": "none", "reason": "advice only"}
    )
    tag = PostTag.objects.get(post=post)
    assert (tag.moderator_outcome, tag.moderator) == ("none", moderator)
    event = ModerationEvent.objects.get(kind=ModerationEvent.Kind.TAG_CORRECTED)
    assert (event.post, event.actor, event.reason) == (post, moderator, "advice only")
    assert "corrected by a moderator" in thread_page(client, post)


@pytest.mark.parametrize("url_name", ["analysis:post_correct", "analysis:review"])
def test_members_and_visitors_cannot_correct_tags_or_see_the_review_queue(
    client, post_factory, member, url_name
):
    post = post_factory(body=HELPED)
    services.post_tags_compute(post_ids=[post.pk])
    args = [post.pk] if url_name == "analysis:post_correct" else []
    url = reverse(url_name, args=args)
    send = client.post if url_name == "analysis:post_correct" else client.get
    assert send(url, {"outcome": "none"}).status_code == 302  # visitors are sent to log in
    client.force_login(member)
    assert send(url, {"outcome": "none"}).status_code == 403
    assert PostTag.objects.get(post=post).moderator_outcome == ""


def test_the_review_queue_lists_uncertain_tags_and_failures_and_agreement_with_authors(
    client, post_factory, moderator, settings
):
    settings.ANALYSIS_REVIEW_CONFIDENCE = 0.6
    sure, unsure, labelled_agree, labelled_disagree, failed = (post_factory(body=HELPED) for _ in range(5))
    services.post_tags_compute(post_ids=[p.pk for p in (sure, unsure, labelled_agree, labelled_disagree)])
    # the queue's rule, not the tagger's reading of this one text, is under test
    PostTag.objects.filter(post=sure).update(confidence=0.95)
    PostTag.objects.filter(post=unsure).update(confidence=0.41)
    services.post_tag_label_by_author(post=labelled_agree, author=labelled_agree.author, outcome="helped")
    services.post_tag_label_by_author(
        post=labelled_disagree, author=labelled_disagree.author, outcome="worsened"
    )
    services.tags_mark_pending(post_ids=[failed.pk])
    services.post_tags_mark_failed(post_ids=[failed.pk], error="RuntimeError: boom")

    client.force_login(moderator)
    page = client.get(reverse("analysis:review")).content.decode()

    assert f'action="{reverse("analysis:post_correct", args=[unsure.pk])}"' in page
    assert f'action="{reverse("analysis:post_correct", args=[sure.pk])}"' not in page
    # the moderator sees what the tagger based its reading on, without opening the post
    assert f"<mark>{HELPED}</mark>" in page
    assert "RuntimeError: boom" in page
    # one of two author-labelled posts agrees with the machine
    assert "Of <strong>2</strong> posts" in page and "<strong>1</strong>" in page and "(50%" in page
    assert PostTag.objects.get(post=failed).status == TagStatus.FAILED


def test_a_tag_without_evidence_says_it_is_a_reading_of_the_whole_post(client, post_factory):
    post = post_factory(body="Three months of the class and I'm a different person.")
    services.post_tags_compute(post_ids=[post.pk])
    # As the model may decide when it is sure enough though no sentence was tied to exercise
    PostTag.objects.filter(post=post).update(outcome="helped", evidence=[], confidence=0.91)
    page = thread_page(client, post)
    assert "Exercise: helped" in page
    assert "No single sentence decided it" in page
    assert "No sentence reports what exercise did" not in page


def test_a_sure_tag_never_claims_to_be_100_percent_sure(client, post_factory):
    post = post_factory(body=HELPED)
    services.post_tags_compute(post_ids=[post.pk])
    PostTag.objects.filter(post=post).update(confidence=0.9996)
    page = thread_page(client, post)
    assert "99% sure" in page and "100% sure" not in page


def test_the_audit_log_names_the_author_and_shows_a_tag_correction_from_and_to(
    client, member, moderator, post_factory
):
    post = post_factory(author=member, body=HELPED)
    services.post_tags_compute(post_ids=[post.pk])
    assert PostTag.objects.get(post=post).shown_outcome == "helped"
    services.post_tag_correct_by_moderator(
        post=post, moderator=moderator, outcome="mixed", reason="Both sides in the text."
    )
    forum_services.flag_create(post=post, reporter=moderator, reason="spam")
    forum_services.post_flags_dismiss(post=post, moderator=moderator, reason="Not spam.")

    client.force_login(moderator)
    log = client.get(reverse("forum:mod_log")).content.decode()
    assert "Outcome tag corrected: helped → mixed" in log
    # both entries about the post say whose post it was
    assert log.count(f"post by {member.public_name}</a>") == 2
