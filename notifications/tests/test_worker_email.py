"""End to end, as production runs it: a reply published in this process, a real Celery worker and a real
Celery beat (separate processes, on Redis and the test database), and the digest email the worker writes
with Django's file email backend, read back here."""

import email
import email.policy
import subprocess
import sys
import time
import uuid

import pytest
import redis

from config.celery import app as celery_app
from devtools.worker_processes import ROOT, WorkerProcess, wait_until
from forum import services as forum_services
from notifications import services
from notifications.models import DigestSend, Notification
from tests.service_checks import require_postgres, require_redis

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]


@pytest.fixture
def queue(transactional_db):
    """A queue of this test's own on the machine's Redis, used by this process, the worker and beat."""
    require_postgres()
    broker_url = require_redis()
    name = f"test-notify-{uuid.uuid4().hex[:10]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name
    try:
        yield broker_url, name
    finally:
        celery_app.conf.task_default_queue = previous
        redis.Redis.from_url(broker_url).delete(name)


def mail_in(folder) -> str:
    return "".join(path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.log")))


def messages_in(folder) -> list[email.message.Message]:
    """Each email the file backend wrote (it separates them with a line of dashes)."""
    separator = b"\n" + b"-" * 79 + b"\n"
    raw = b"".join(path.read_bytes() for path in sorted(folder.glob("*.log")))
    return [
        email.message_from_bytes(part.strip(b"\n"), policy=email.policy.default)
        for part in raw.split(separator)
        if part.strip()
    ]


def test_a_reply_reaches_the_member_in_a_digest_sent_by_beat_and_a_worker(
    queue, tmp_path, user_factory, category
):
    broker_url, queue_name = queue
    outbox = tmp_path / "mail"
    outbox.mkdir()
    # Given Ann, who chose a daily digest, and her thread
    ann = user_factory(username="ann", email="ann@example.org")
    ben = user_factory(username="ben")
    services.email_preference_save(
        user=ann, frequency="daily", quiet_start=None, quiet_end=None, time_zone="UTC"
    )
    thread = forum_services.thread_create(
        category=category, author=ann, title="Recumbent bike and ME", body="Has anyone tried it lying down?"
    )
    # and a worker and a beat whose digest sweep runs every second, with the digest hour at midnight
    email_env = {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "NOTIFICATIONS_DIGEST_HOUR": "0",
        "NOTIFICATIONS_DIGEST_SWEEP_SECONDS": "1",
        "NOTIFICATIONS_IMMEDIATE_SWEEP_SECONDS": "1",
    }
    worker = WorkerProcess(
        queue=queue_name, broker_url=broker_url, log_path=tmp_path / "worker.log", extra_env=email_env
    ).start()
    beat_log = tmp_path / "beat.log"
    with open(beat_log, "wb") as log:
        beat = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
             f"--schedule={tmp_path / 'beat-schedule'}"],
            cwd=ROOT,
            env=worker.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def logs() -> str:
        return worker.log_tail(80) + "\n--- beat ---\n" + beat_log.read_text(errors="replace")[-3000:]

    try:
        # When Ben replies to her (the hook queues the work once the reply is committed)
        reply = forum_services.post_create(
            thread=thread, author=ben, body="Yes, and it spared my legs.", parent=thread.posts.get()
        )
        # Then the worker notifies Ann, and beat's sweep has the worker email her the digest
        wait_until(
            lambda: "replied to your post" in mail_in(outbox),
            timeout=120,
            what="the digest email",
            on_timeout=logs,
        )
        notification = Notification.objects.get(recipient=ann)
        assert notification.post_id == reply.pk and notification.emailed_at is not None
        [digest] = messages_in(outbox)
        assert digest["To"] == "ann@example.org"
        assert digest["Subject"] == "Your daily digest from Movement Stories"
        assert "ben replied to your post in “Recumbent bike and ME”." in digest.get_content()
        unsubscribe = str(digest["List-Unsubscribe"]).strip()
        assert unsubscribe.startswith("<http") and "/notifications/email/unsubscribe/" in unsubscribe
        assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # and however many more times beat runs the sweep today, that digest is not sent again
        time.sleep(4)
        assert len(messages_in(outbox)) == 1
        assert DigestSend.objects.filter(user=ann).count() == 1
    finally:
        beat.terminate()
        beat.wait(timeout=20)
        worker.stop()
