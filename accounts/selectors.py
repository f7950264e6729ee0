"""Reads about members."""

from django.db.models import Prefetch

from accounts.models import User


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _machine_tag(tag) -> dict | None:
    """What the tagger inferred from a post (health data about its author), with any human labels."""
    if tag is None:
        return None
    return {
        "status": tag.status,
        "outcome": tag.outcome,
        "confidence": tag.confidence,
        "interventions": list(tag.interventions),
        "symptoms": list(tag.symptoms),
        "evidence": list(tag.evidence),
        "tagger_version": tag.tagger_version,
        "tagged_at": _iso(tag.tagged_at),
        "your_label": tag.author_outcome,
        "moderator_label": tag.moderator_outcome,
    }


def member_data_export(*, user: User) -> dict:
    """Everything the forum holds that a member wrote, chose, or that was inferred or decided about them:
    profile, posts (with earlier versions, the tagger's reading and moderators' reasons for hiding them),
    drafts, flags raised, reactions given, their own outcome labels and their research consent history."""
    from analysis.models import PostTag
    from forum.models import Draft, Flag, Post, PostRevision, Reaction

    posts = (
        Post.objects.filter(author=user)
        .select_related("thread", "thread__category", "tag")
        .prefetch_related(Prefetch("revisions", queryset=PostRevision.objects.order_by("created_at", "id")))
        .order_by("created_at", "id")
    )
    flags = (
        Flag.objects.filter(reporter=user).select_related("post", "post__thread").order_by("created_at", "id")
    )
    reactions = Reaction.objects.filter(user=user).select_related("post__thread").order_by("created_at", "id")
    labels = (
        PostTag.objects.filter(post__author=user)
        .exclude(author_outcome="")
        .select_related("post__thread")
        .order_by("author_labelled_at", "post_id")
    )
    return {
        "profile": {
            "username": user.username,
            "display_name": user.display_name,
            "email": user.email,
            "bio": user.bio,
            "conditions": list(user.conditions),
            "research_opt_in": user.research_opt_in,
            "date_joined": user.date_joined.isoformat(),
            "suspended_until": _iso(user.suspended_until),
            "suspension_reason": user.suspension_reason,
        },
        "posts": [
            {
                "id": post.id,
                "thread": post.thread.title,
                "category": post.thread.category.name,
                "created_at": post.created_at.isoformat(),
                "edited_at": _iso(post.edited_at),
                "deleted": post.is_deleted,
                "hidden_by_moderator": post.is_hidden,
                "hidden_at": _iso(post.hidden_at),
                "hide_reason": post.hide_reason,
                "body": post.body,
                "earlier_versions": [
                    {"body": r.body, "replaced_at": r.created_at.isoformat()} for r in post.revisions.all()
                ],
                "outcome_tag": _machine_tag(getattr(post, "tag", None)),
            }
            for post in posts
        ],
        "outcome_labels": [
            {
                "post": label.post_id,
                "thread": label.post.thread.title,
                "outcome": label.author_outcome,
                "labelled_at": _iso(label.author_labelled_at),
            }
            for label in labels
        ],
        "flags_raised": [
            {
                "post": flag.post_id,
                "thread": flag.post.thread.title,
                "reason": flag.reason,
                "note": flag.note,
                "status": flag.status,
                "created_at": flag.created_at.isoformat(),
                "resolved_at": _iso(flag.resolved_at),
            }
            for flag in flags
        ],
        "reactions_given": [
            {"post": r.post_id, "thread": r.post.thread.title, "created_at": r.created_at.isoformat()}
            for r in reactions
        ],
        "research_consent_history": [
            {"given": c.given, "where": c.where, "recorded_at": c.recorded_at.isoformat()}
            for c in user.research_consents.all()
        ],
        "drafts": [
            {"place": d.key, "title": d.title, "body": d.body, "updated_at": d.updated_at.isoformat()}
            for d in Draft.objects.filter(user=user).order_by("-updated_at")
        ],
    }
