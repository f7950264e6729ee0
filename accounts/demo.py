"""Demo accounts for `make run`: passwords are generated on first run and kept in var/."""

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User

MODERATORS_GROUP = "Moderators"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    display_name: str
    conditions: tuple[str, ...] = ()


DEMO_ACCOUNTS = (
    DemoAccount("admin", "admin", "Site admin"),
    DemoAccount("moderator", "moderator", "Moderator"),
    DemoAccount("member_fern", "member", "Fern", ("fibromyalgia",)),
    DemoAccount("member_harbour", "member", "Harbour", ("me/cfs", "long covid")),
)


def _load_passwords(path: Path) -> dict[str, str]:
    if path.exists():
        return json.loads(path.read_text())
    return {}


@transaction.atomic
def demo_accounts_ensure(*, passwords_file: Path) -> list[tuple[DemoAccount, str]]:
    """Create the demo accounts that are missing; return each account with its password."""
    passwords = _load_passwords(passwords_file)
    moderators = Group.objects.get(name=MODERATORS_GROUP)
    result = []
    for account in DEMO_ACCOUNTS:
        password = passwords.setdefault(account.username, secrets.token_urlsafe(12))
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "email": f"{account.username}@example.org",
                "display_name": account.display_name,
                "conditions": list(account.conditions),
                "is_staff": account.role == "admin",
                "is_superuser": account.role == "admin",
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
            if account.role == "moderator":
                user.groups.add(moderators)
        result.append((account, password))
    passwords_file.parent.mkdir(parents=True, exist_ok=True)
    passwords_file.write_text(json.dumps(passwords, indent=2))
    passwords_file.chmod(0o600)
    return result
