from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from accounts.allauth_forms import PlainWordingMixin
from accounts.models import Condition
from accounts.services import signup_choices_save
from core.forms import AccessibleFormMixin
from core.text_input import MemberTextField


class SignupForm(PlainWordingMixin, AllauthSignupForm):
    """allauth's sign-up plus what a member chooses to share. No real name is asked."""

    labels = {"password2": "Password, again"}

    conditions = forms.MultipleChoiceField(
        choices=Condition.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Conditions you choose to share (optional)",
    )
    research_opt_in = forms.BooleanField(
        required=False,
        initial=False,
        label="Yes, count my posts in the public research dashboards (optional)",
        help_text=(
            "Your posts say things about your health. If you tick this, the public dashboards count what "
            "your posts report exercise did to you, without your name. Leave it unticked and your posts are "
            "never counted; the forum works the same either way. You can change your mind at any time in "
            "your settings."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["username", "email", "password1", "password2", "conditions", "research_opt_in"])

    def save(self, request):
        user = super().save(request)
        return signup_choices_save(
            user=user,
            conditions=self.cleaned_data.get("conditions", []),
            research_opt_in=bool(self.cleaned_data.get("research_opt_in", False)),
        )


class ProfileForm(AccessibleFormMixin, forms.Form):
    display_name = MemberTextField(
        max_length=60,
        required=False,
        label="Display name",
        help_text="Shown on your posts. A pseudonym is fine; please don't use your real name.",
    )
    bio = MemberTextField(
        multiline=True, max_length=1000, required=False, label="About you (optional)", widget=forms.Textarea
    )
    conditions = forms.MultipleChoiceField(
        choices=Condition.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Conditions you choose to share",
    )
    research_opt_in = forms.BooleanField(
        required=False,
        label="Use my posts in the research dashboards",
        help_text=(
            "The public dashboards count what members report exercise did to them, without names. "
            "Turn this off and your posts leave every figure, list and export at once."
        ),
    )


class AccountDeleteForm(AccessibleFormMixin, forms.Form):
    class PostsChoice:
        KEEP = "keep"
        REMOVE = "remove"

    posts = forms.ChoiceField(
        label="What should happen to your posts?",
        choices=[
            (PostsChoice.KEEP, 'Keep them, shown as written by "deleted member"'),
            (PostsChoice.REMOVE, "Remove them from the forum"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what should happen to your posts: keep them or remove them."},
    )
    confirm = forms.CharField(
        label="Type DELETE to confirm",
        max_length=10,
        error_messages={"required": "Type DELETE, in capitals, to confirm."},
    )

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value != "DELETE":
            raise forms.ValidationError("Type DELETE, in capitals, to confirm.")
        return value
