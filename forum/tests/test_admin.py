"""The Django admin works for staff on every forum model but drafts, which nobody but their writer reads."""

import pytest
from django.urls import reverse

from forum import services

pytestmark = pytest.mark.django_db

MODELS = ["category", "thread", "post", "postrevision", "reaction", "flag", "moderationevent"]


@pytest.mark.parametrize("model", MODELS)
def test_every_forum_model_has_a_working_admin_list_and_detail(
    client, admin_user, member, moderator, thread, model
):
    post = thread.posts.get()
    services.post_edit(post=post, editor=post.author, body="Edited.")
    services.reaction_toggle(post=post, user=member)
    services.flag_create(post=post, reporter=member, reason="spam")
    services.thread_lock(thread=thread, moderator=moderator)
    services.draft_save(user=member, key=f"thread:{thread.pk}", body="draft")
    client.force_login(admin_user)
    changelist = client.get(reverse(f"admin:forum_{model}_changelist"))
    assert changelist.status_code == 200
    obj = changelist.context["cl"].result_list[0]
    assert client.get(reverse(f"admin:forum_{model}_change", args=[obj.pk])).status_code == 200
    assert client.get(reverse(f"admin:forum_{model}_changelist"), {"q": "x"}).status_code == 200
