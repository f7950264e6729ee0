"""Failed-login lockout: it follows the attacker's address, never locks a named member out for everyone,
and reads that address from X-Forwarded-For only as far as TRUSTED_PROXY_COUNT trusts it."""

import runpy

import pytest
from django.test import Client
from django.urls import reverse

from config.env import BASE_DIR

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # our nginx/Caddy, the only address gunicorn sees behind it
ATTACKER = "203.0.113.7"
MEMBER_ADDRESS = "198.51.100.23"
LOCKED_OUT = "Too many failed login attempts"
SETTINGS = BASE_DIR / "config" / "settings"


@pytest.fixture
def trusted_proxies(settings, monkeypatch):
    """trusted_proxies(n, header=""): the client address as base.py reads it from TRUSTED_PROXY_COUNT=n and
    TRUSTED_CLIENT_IP_HEADER=header."""

    def configure(count: int, header: str = "") -> None:
        monkeypatch.setenv("TRUSTED_PROXY_COUNT", str(count))
        monkeypatch.setenv("TRUSTED_CLIENT_IP_HEADER", header)
        read = runpy.run_path(str(SETTINGS / "base.py"))
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = read["ALLAUTH_TRUSTED_PROXY_COUNT"]
        settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = read["ALLAUTH_TRUSTED_CLIENT_IP_HEADER"]

    return configure


def log_in(client: Client, login: str, password: str, **request_meta):
    return client.post(reverse("account_login"), {"login": login, "password": password}, **request_meta)


def via_proxy(client_address: str, forged: str = "") -> dict[str, str]:
    """The request as gunicorn receives it from one proxy that appends the client's address to X-F-F."""
    forwarded_for = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for}


def direct(client_address: str, spoofed: str = "") -> dict[str, str]:
    meta = {"REMOTE_ADDR": client_address}
    if spoofed:
        meta["HTTP_X_FORWARDED_FOR"] = spoofed
    return meta


def assert_logged_in(client: Client, user) -> None:
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_behind_one_proxy_failures_lock_out_the_attackers_address_not_everyone(
    trusted_proxies, member, other_member
):
    # Given one trusted proxy in front of gunicorn
    trusted_proxies(1)
    attacker = Client()
    # when an attacker fails to log in to many accounts, forging the member's address in X-Forwarded-For
    for attempt in range(12):
        log_in(attacker, f"someone{attempt}", "wrong", **via_proxy(ATTACKER, forged=MEMBER_ADDRESS))
    # then the attacker's address is locked out, even with a right password
    response = log_in(attacker, other_member.username, other_member.raw_password, **via_proxy(ATTACKER))
    assert LOCKED_OUT in response.content.decode()
    assert "_auth_user_id" not in attacker.session
    # and a member on another address, through the same proxy, still gets in
    member_client = Client()
    response = log_in(member_client, member.username, member.raw_password, **via_proxy(MEMBER_ADDRESS))
    assert response.status_code == 302
    assert_logged_in(member_client, member)


@pytest.mark.parametrize(
    ("proxies", "from_address"), [(0, direct), (1, via_proxy)], ids=["direct", "behind-one-proxy"]
)
def test_failed_logins_against_a_moderator_do_not_lock_the_moderator_out(
    trusted_proxies, moderator, proxies, from_address
):
    trusted_proxies(proxies)
    attacker = Client()
    # Given many wrong passwords for the moderator's username from the attacker's address
    for _ in range(20):
        log_in(attacker, moderator.username, "wrong", **from_address(ATTACKER))
    # then the moderator's account is locked for the attacker's address
    response = log_in(attacker, moderator.username, moderator.raw_password, **from_address(ATTACKER))
    assert LOCKED_OUT in response.content.decode()
    # but the moderator, on their own address, logs in
    moderator_client = Client()
    response = log_in(
        moderator_client, moderator.username, moderator.raw_password, **from_address(MEMBER_ADDRESS)
    )
    assert response.status_code == 302
    assert_logged_in(moderator_client, moderator)


def test_the_owner_is_still_limited_on_their_own_address(trusted_proxies, member):
    # The per-account limit still holds for one address: five wrong passwords, then a pause
    trusted_proxies(0)
    for _ in range(5):
        log_in(Client(), member.username, "wrong", **direct(MEMBER_ADDRESS))
    response = log_in(Client(), member.username, member.raw_password, **direct(MEMBER_ADDRESS))
    assert LOCKED_OUT in response.content.decode()


def test_without_trusted_proxies_a_spoofed_forwarded_for_is_ignored(trusted_proxies, member, other_member):
    # Given no trusted proxy (gunicorn faces clients directly)
    trusted_proxies(0)
    attacker = Client()
    # when an attacker fails repeatedly, claiming a different address in X-Forwarded-For every time
    for attempt in range(12):
        log_in(attacker, f"someone{attempt}", "wrong", **direct(ATTACKER, spoofed=f"192.0.2.{attempt}"))
    # then the lockout follows the address the request really came from
    response = log_in(
        attacker, other_member.username, other_member.raw_password, **direct(ATTACKER, spoofed="192.0.2.99")
    )
    assert LOCKED_OUT in response.content.decode()
    # and forging the member's address in the header neither frees the attacker nor locks the member out
    response = log_in(
        attacker,
        other_member.username,
        other_member.raw_password,
        **direct(ATTACKER, spoofed=MEMBER_ADDRESS),
    )
    assert LOCKED_OUT in response.content.decode()
    member_client = Client()
    response = log_in(member_client, member.username, member.raw_password, **direct(MEMBER_ADDRESS))
    assert response.status_code == 302
    assert_logged_in(member_client, member)


def test_a_trusted_client_ip_header_replaces_forwarded_for(trusted_proxies, member):
    # Given a proxy that sets X-Real-IP to the client's address
    trusted_proxies(0, header="X-Real-IP")
    attacker = Client()
    for attempt in range(12):
        log_in(
            attacker,
            f"someone{attempt}",
            "wrong",
            REMOTE_ADDR=PROXY,
            HTTP_X_REAL_IP=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )
    # then the attacker's address is locked, and a member behind the same proxy is not
    response = log_in(
        attacker, member.username, member.raw_password, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=ATTACKER
    )
    assert LOCKED_OUT in response.content.decode()
    member_client = Client()
    log_in(
        member_client, member.username, member.raw_password, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=MEMBER_ADDRESS
    )
    assert_logged_in(member_client, member)


def test_production_trusts_one_proxy_unless_told_otherwise(monkeypatch):
    # Production already trusts one TLS-terminating proxy's X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER)
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("ALLOWED_HOSTS", "forum.example.org")
    monkeypatch.delenv("TRUSTED_PROXY_COUNT", raising=False)
    assert runpy.run_path(str(SETTINGS / "production.py"))["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "2")
    assert runpy.run_path(str(SETTINGS / "production.py"))["ALLAUTH_TRUSTED_PROXY_COUNT"] == 2
