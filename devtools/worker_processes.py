"""Start and stop real `celery worker` processes: for the pipeline tests and bench_pipeline.

A worker is started on the current database (whatever `connection` points at, including pytest's test
database) and a broker URL, on a queue of the caller's choosing, in its own process group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def current_database_url() -> str:
    """A DATABASE_URL for the database this process is using right now."""
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{conf['NAME']}"
    user = conf.get("USER") or ""
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = conf.get("HOST") or "localhost"
    port = f":{conf['PORT']}" if conf.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{conf['NAME']}"


def wait_until(
    condition: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    interval: float = 0.2,
    on_timeout: Callable[[], str] | None = None,
    alive: Callable[[], bool] | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if alive is not None and not alive():
            raise AssertionError(
                f"process died while waiting for {what}\n{on_timeout() if on_timeout else ''}"
            )
        time.sleep(interval)
    raise AssertionError(
        f"timed out after {timeout}s waiting for {what}\n{on_timeout() if on_timeout else ''}"
    )


@dataclass
class WorkerProcess:
    """One `celery worker` (a parent and its pool processes) in its own process group."""

    queue: str
    broker_url: str
    log_path: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    concurrency: int = 2
    settings_module: str = field(default_factory=lambda: os.environ["DJANGO_SETTINGS_MODULE"])
    process: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE=self.settings_module,
            DATABASE_URL=current_database_url(),
            CELERY_QUEUE=self.queue,
            **self.extra_env,
        )
        # A Redis broker is given as REDIS_URL; without one the worker's settings choose the file broker.
        env.pop("REDIS_URL", None)
        if self.broker_url.startswith(("redis://", "rediss://")):
            env["REDIS_URL"] = self.broker_url
        return env

    def start(self, *, timeout: float = 60) -> WorkerProcess:
        name = f"{self.queue}-{uuid.uuid4().hex[:6]}@%h"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "-Q",
                    self.queue,
                    "-n",
                    name,
                    f"--concurrency={self.concurrency}",
                    "--pool=prefork",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=INFO",
                ],
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(
            lambda: b"ready." in self.log_path.read_bytes(),
            timeout=timeout,
            what="worker ready",
            on_timeout=self.log_tail,
            alive=self.alive,
        )
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole worker, parent and pool, as an OOM killer or a pulled plug would."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])
