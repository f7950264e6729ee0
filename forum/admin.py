"""Django admin for staff. Moderation is done on the site (so it is logged); the admin is for looking
things up and fixing data. The audit log and post revisions are read-only here."""

from django.contrib import admin

from forum.models import Category, Flag, ModerationEvent, Post, PostRevision, Reaction, Thread


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "author", "created_at", "last_posted_at", "is_locked"]
    list_filter = ["category", "is_locked"]
    search_fields = ["title", "author__username", "seed_key"]
    list_select_related = ["category", "author"]
    raw_id_fields = ["author"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        # Locking and moving go through the site's moderation pages, which write the audit log.
        return ["is_locked", "category"] if obj else []


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["id", "thread", "author_name", "created_at", "edited_at", "is_hidden", "is_deleted"]
    list_filter = ["is_hidden", "is_deleted", "thread__category"]
    search_fields = ["body", "author_name", "author__username", "thread__title"]
    list_select_related = ["thread"]
    raw_id_fields = ["thread", "parent", "author", "hidden_by"]
    # Hiding and restoring go through the site's moderation pages, which write the audit log.
    readonly_fields = [
        "created_at",
        "edited_at",
        "deleted_at",
        "is_hidden",
        "hidden_at",
        "hidden_by",
        "hide_reason",
    ]
    date_hierarchy = "created_at"


@admin.register(PostRevision)
class PostRevisionAdmin(ReadOnlyAdmin):
    list_display = ["post", "created_at", "edited_by"]
    search_fields = ["body", "post__id"]
    list_select_related = ["post", "edited_by"]


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin):
    list_display = ["post", "user", "created_at"]
    search_fields = ["user__username"]
    list_select_related = ["post", "user"]
    raw_id_fields = ["post", "user"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["post", "reason", "status", "reporter", "created_at", "resolved_by", "resolved_at"]
    list_filter = ["status", "reason"]
    search_fields = ["note", "reporter__username", "post__body"]
    list_select_related = ["post", "reporter", "resolved_by"]
    raw_id_fields = ["post", "reporter", "resolved_by"]


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "actor", "post", "thread", "member", "reason"]
    list_filter = ["kind"]
    search_fields = ["reason", "actor__username", "member__username"]
    list_select_related = ["actor", "post", "thread", "member"]
    date_hierarchy = "created_at"


# Drafts are not in the admin: they are what a member has not chosen to publish, and nobody else reads them.
