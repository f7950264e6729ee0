"""An email backend whose mail server goes away part way: it sends (into django.core.mail.outbox) until it
reaches an address listed in settings.NOTIFICATIONS_TEST_MAIL_DOWN_FOR, then drops the connection, as a
real SMTP server that restarts mid-run does. For the "a crash mid-run sends the rest once" tests."""

from django.conf import settings
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class EmailBackend(LocmemBackend):
    def send_messages(self, messages):
        down_for = set(getattr(settings, "NOTIFICATIONS_TEST_MAIL_DOWN_FOR", ()))
        for message in messages:
            if down_for & set(message.to):
                raise ConnectionResetError("The mail server closed the connection.")
        return super().send_messages(messages)
