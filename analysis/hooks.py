"""What the forum and the accounts tell analysis: the one module of analysis they import.

Each call names something that happened; analysis decides what follows (tagging, the dashboards' counts).
Call them inside the transaction that made the change, after the write: what they write commits or rolls
back with it, and what they send to the workers waits for the commit.
"""

from collections.abc import Sequence

from analysis import queueing, services
from analysis.rollups import rollups_refresh_member, rollups_refresh_posts


def post_written(*, post_id: int) -> None:
    """A post was published or its text edited: (re)tag it once the transaction commits."""
    queueing.post_tagging_schedule(post_id=post_id)


def posts_visibility_changed(*, post_ids: Sequence[int]) -> None:
    """Posts were hidden, restored or deleted, or their thread was moved, hidden or restored."""
    rollups_refresh_posts(post_ids=post_ids)


def member_sharing_changed(*, user_id: int) -> None:
    """A member changed their research consent or the conditions they share."""
    rollups_refresh_member(user_id=user_id)


def posts_text_removed(*, post_ids: Sequence[int]) -> None:
    """These posts' text was blanked (removed with the account): no reading of it may stay."""
    services.post_tags_forget(post_ids=post_ids)


def account_deleted(*, user_id: int, post_ids: Sequence[int]) -> None:
    """A member's account is gone: nobody is left to consent to their posts being counted."""
    rollups_refresh_member(user_id=user_id)
    rollups_refresh_posts(post_ids=post_ids)
