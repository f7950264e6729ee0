from django.urls import path

from forum import moderation_views, views

app_name = "forum"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("c/<slug:slug>/", views.category_detail, name="category"),
    path("c/<slug:slug>/new/", views.thread_create, name="thread_create"),
    path("t/<int:thread_id>/", views.thread_detail, name="thread"),
    path("t/<int:thread_id>/reply/", views.thread_reply, name="reply"),
    path("p/<int:post_id>/", views.post_detail, name="post"),
    path("p/<int:post_id>/reply/", views.post_reply, name="post_reply"),
    path("p/<int:post_id>/quote/", views.post_quote, name="post_quote"),
    path("p/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:post_id>/delete/", views.post_delete, name="post_delete"),
    path("p/<int:post_id>/react/", views.post_react, name="post_react"),
    path("p/<int:post_id>/flag/", views.post_flag, name="post_flag"),
    path("drafts/save/", views.draft_save, name="draft_save"),
    path("drafts/discard/", views.draft_discard, name="draft_discard"),
    # Moderation: everything under mod/ answers 403 to non-moderators.
    path("mod/flags/", moderation_views.flag_queue, name="mod_flags"),
    path("mod/log/", moderation_views.audit_log, name="mod_log"),
    path("mod/p/<int:post_id>/dismiss-flags/", moderation_views.post_flags_dismiss, name="mod_flags_dismiss"),
    path("mod/p/<int:post_id>/hide/", moderation_views.post_hide, name="mod_post_hide"),
    path("mod/p/<int:post_id>/restore/", moderation_views.post_restore, name="mod_post_restore"),
    path("mod/p/<int:post_id>/history/", moderation_views.post_history, name="mod_post_history"),
    path("mod/t/<int:thread_id>/lock/", moderation_views.thread_lock, name="mod_thread_lock"),
    path("mod/t/<int:thread_id>/unlock/", moderation_views.thread_unlock, name="mod_thread_unlock"),
    path("mod/t/<int:thread_id>/move/", moderation_views.thread_move, name="mod_thread_move"),
    path("mod/t/<int:thread_id>/hide/", moderation_views.thread_hide, name="mod_thread_hide"),
    path("mod/t/<int:thread_id>/restore/", moderation_views.thread_restore, name="mod_thread_restore"),
    path("mod/t/<int:thread_id>/title/", moderation_views.thread_title_edit, name="mod_thread_title"),
    path("mod/members/<str:username>/suspend/", moderation_views.member_suspend, name="mod_member_suspend"),
    path(
        "mod/members/<str:username>/unsuspend/",
        moderation_views.member_unsuspend,
        name="mod_member_unsuspend",
    ),
]
