"""Members in the Django admin: find them, deactivate them, make them moderators or stop it. What a member
has written is moderated on the forum's own pages (with reasons and an audit log), not here."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef

from accounts.models import User
from forum.permissions import MODERATORS_GROUP
from forum.services import moderator_add, moderator_remove


class ModeratorFilter(admin.SimpleListFilter):
    title = "moderator"
    parameter_name = "moderator"

    def lookups(self, request, model_admin):
        return [("yes", "Moderators"), ("no", "Not moderators")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(groups__name=MODERATORS_GROUP)
        if self.value() == "no":
            return queryset.exclude(groups__name=MODERATORS_GROUP)
        return queryset


@admin.register(User)
class MemberAdmin(UserAdmin):
    list_display = [
        "username",
        "display_name",
        "email",
        "is_active",
        "moderator",
        "suspended_until",
        "date_joined",
    ]
    list_filter = ["is_active", ModeratorFilter, "is_staff", "research_opt_in"]
    search_fields = ["username", "display_name", "email"]
    ordering = ["-date_joined"]
    actions = ["make_moderators", "remove_moderators", "deactivate"]
    fieldsets = (
        *UserAdmin.fieldsets,
        ("On the forum", {"fields": ["display_name", "bio", "conditions", "research_opt_in"]}),
        ("Suspension", {"fields": ["suspended_until", "suspension_reason"]}),
    )

    def has_delete_permission(self, request, obj=None):
        # Deleting here would skip what account deletion does (names scrubbed from quotes and the audit log,
        # the dashboards told); members delete their own accounts, admins deactivate.
        return False

    def get_queryset(self, request):
        moderators = User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=MODERATORS_GROUP)
        return super().get_queryset(request).annotate(is_moderator=Exists(moderators))

    @admin.display(boolean=True, ordering="is_moderator")
    def moderator(self, member) -> bool:
        return member.is_moderator

    @admin.action(description="Make the selected members moderators")
    def make_moderators(self, request, queryset):
        for member in queryset:
            moderator_add(user=member)
        self.message_user(request, f"{queryset.count()} member(s) are now moderators.", messages.SUCCESS)

    @admin.action(description="Stop the selected members being moderators")
    def remove_moderators(self, request, queryset):
        for member in queryset:
            moderator_remove(user=member)
        self.message_user(
            request, f"{queryset.count()} member(s) are no longer moderators.", messages.SUCCESS
        )

    @admin.action(description="Deactivate the selected members (they can no longer sign in)")
    def deactivate(self, request, queryset):
        changed = queryset.exclude(pk=request.user.pk).update(is_active=False)
        self.message_user(request, f"{changed} member(s) deactivated.", messages.SUCCESS)
