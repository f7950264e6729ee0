import uuid

import pytest

from analysis.tests.workers import PrivateRedis
from config.celery import app as celery_app
from devtools.worker_processes import WorkerProcess
from tests.service_checks import require_redis


class Workers:
    """Starts real worker processes on a queue of the test's own, and stops them all afterwards."""

    def __init__(self, broker_url: str, queue: str, tmp_path):
        self.broker_url = broker_url
        self.queue = queue
        self.tmp_path = tmp_path
        self.started: list[WorkerProcess] = []

    def start(self, *, broker_url: str | None = None, extra_env=None, **kwargs) -> WorkerProcess:
        # One cache for all of this test's worker processes on the machine's Redis, as production's share
        # theirs: a flag one pool process sets ("a rollup refresh is queued") is cleared by another
        # (config/settings/test.py). Not on a Redis of the test's own, which a test may stop.
        shared_cache = {} if broker_url else {"TEST_SHARED_CACHE": self.queue}
        worker = WorkerProcess(
            queue=self.queue,
            broker_url=broker_url or self.broker_url,
            log_path=self.tmp_path / f"worker-{len(self.started)}.log",
            extra_env={**shared_cache, **(extra_env or {})},
            **kwargs,
        )
        self.started.append(worker)
        return worker.start()

    def logs(self) -> str:
        return "\n".join(w.log_tail(200) for w in self.started)

    def stop_all(self):
        for worker in self.started:
            worker.stop()


@pytest.fixture
def workers(transactional_db, tmp_path):
    """Real Celery workers on the machine's Redis and the test database, on a queue of this test's own."""
    broker_url = require_redis()
    queue = f"test-{uuid.uuid4().hex[:10]}"
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    pool = Workers(broker_url, queue, tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()
        celery_app.conf.task_default_queue = previous_queue
        import redis

        redis.Redis.from_url(broker_url).delete(queue)


@pytest.fixture
def private_redis(tmp_path):
    """A Redis server this test may stop and start (the machine's own is never touched)."""
    require_redis()
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
