import ipaddress

from allauth import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up stays open; the custom fields are saved by accounts.forms.SignupForm."""

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth's "login_failed" rate has a per-IP part and a per-key part, and its key is the account
        # alone: five wrong passwords from anywhere would lock the account for everyone, so one attacker
        # could lock a moderator out. Adding the client's address makes the per-key part "this account
        # from this address": the attacker's address is locked out, the owner elsewhere is not, and the
        # per-IP part still caps guesses over all accounts. allauth uses this one key to count failures,
        # to roll back a success and to clear after a password reset; tests/test_login_lockout.py pins it.
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{_rate_limit_address(self.get_client_ip(request))}"

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        # The "your password was changed" emails name the account they are about (allauth passes the
        # user to this method but not to the template).
        super().send_notification_mail(template_prefix, user, {"user": user, **(context or {})}, email)


def _rate_limit_address(ip: str) -> str:
    """The client's address as allauth's per-IP limits count it: an IPv6 address by its network (/64 by
    default: one subscriber's allocation), so rotating addresses within it buys no more attempts."""
    address = ipaddress.ip_address(ip)
    if address.version == 6:
        prefix = allauth_settings.RATE_LIMIT_IPV6_PREFIX
        return str(ipaddress.IPv6Network(f"{address}/{prefix}", strict=False).network_address)
    return str(address)
