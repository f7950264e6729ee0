import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import AccountDeleteForm, ProfileForm
from accounts.models import User
from accounts.selectors import member_data_export
from accounts.services import account_delete as account_delete_service
from accounts.services import profile_update
from forum.member_content import member_posts_page


def profile_detail(request, username):
    member = get_object_or_404(User, username=username, is_active=True)
    page = member_posts_page(member=member, user=request.user, page_number=request.GET.get("page"))
    return render(request, "accounts/profile.html", {"member": member, "page": page})


def _profile_initial(user: User) -> dict:
    return {f: getattr(user, f) for f in ("display_name", "bio", "conditions", "research_opt_in")}


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    form = ProfileForm(request.POST or None, initial=_profile_initial(request.user))
    if request.method == "POST" and form.is_valid():
        profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Your profile was saved.")
        return redirect("accounts:profile", username=request.user.username)
    return render(request, "accounts/settings.html", {"form": form})


@login_required
def data_export(request):
    payload = member_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(payload, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{request.user.username}-data.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        account_delete_service(
            user=user, remove_posts=form.cleaned_data["posts"] == AccountDeleteForm.PostsChoice.REMOVE
        )
        messages.success(request, "Your account was deleted.")
        return redirect("forum:index")
    return render(request, "accounts/delete.html", {"form": form})
