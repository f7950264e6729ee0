"""Reads about members."""

from accounts.models import User


def member_data_export(*, user: User) -> dict:
    """Everything the forum holds that a member wrote or chose: their profile and their posts."""
    from forum.models import Draft, Post

    posts = (
        Post.objects.filter(author=user)
        .select_related("thread", "thread__category")
        .order_by("created_at", "id")
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
        },
        "posts": [
            {
                "id": post.id,
                "thread": post.thread.title,
                "category": post.thread.category.name,
                "created_at": post.created_at.isoformat(),
                "edited_at": post.edited_at.isoformat() if post.edited_at else None,
                "deleted": post.is_deleted,
                "hidden_by_moderator": post.is_hidden,
                "body": post.body,
            }
            for post in posts
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
