"""Reads about members."""

from accounts.models import User
from forum.member_content import member_content_export
from notifications import hooks as notification_hooks


def member_data_export(*, user: User) -> dict:
    """Everything the forum holds that a member wrote, chose, or that was inferred or decided about them:
    profile, posts (with earlier versions, the tagger's reading and moderators' reasons for hiding them),
    drafts, flags raised, reactions given, their own outcome labels, their research consent history and their
    notification settings (email choice, quiet hours, what they follow)."""
    return {
        "profile": {
            "username": user.username,
            "display_name": user.display_name,
            "email": user.email,
            "bio": user.bio,
            "conditions": list(user.conditions),
            "research_opt_in": user.research_opt_in,
            "date_joined": user.date_joined.isoformat(),
            "suspended_until": user.suspended_until.isoformat() if user.suspended_until else None,
            "suspension_reason": user.suspension_reason,
        },
        **member_content_export(user=user),
        "research_consent_history": [
            {"given": c.given, "where": c.where, "recorded_at": c.recorded_at.isoformat()}
            for c in user.research_consents.all()
        ],
        **notification_hooks.member_data(user=user),
    }
