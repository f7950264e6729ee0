from django.core.management.base import BaseCommand

from accounts.demo import demo_accounts_ensure
from config.env import VAR_DIR


class Command(BaseCommand):
    help = "Create the demo admin, moderator and member accounts (once) and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="The address to print.")

    def handle(self, *args, url, **options):
        accounts = demo_accounts_ensure(passwords_file=VAR_DIR / "demo_accounts.json")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Movement Stories is starting at {url}"))
        self.stdout.write("Demo accounts (passwords kept in var/demo_accounts.json):")
        for account, password in accounts:
            self.stdout.write(f"  {account.role:<10} {account.username:<16} {password}")
        self.stdout.write("")
