from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up stays open; the custom fields are saved by accounts.forms.SignupForm."""
