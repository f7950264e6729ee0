"""`make run`'s broker and processes: messages are never read half written, a bad file doesn't stop the
worker, and a worker or beat that exits is started again instead of honcho stopping the web server with it.

Real folders and real kombu connections; the publisher runs in its own process, like the web server.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kombu import Connection, Exchange, Queue
from kombu.transport import filesystem, virtual

from config import broker_fs

ROOT = Path(__file__).resolve().parent.parent
SAFE_TRANSPORT = "config.broker_fs:Transport"
STOCK_TRANSPORT = "filesystem"
KEEP_RUNNING = ROOT / "scripts" / "keep_running.sh"

MESSAGES = 200
PAYLOAD_BYTES = 1_000_000


@pytest.fixture(autouse=True)
def _fresh_broker_state(monkeypatch):
    """kombu keeps the bindings it has written in one state per process; each test has its own folders."""
    monkeypatch.setattr(filesystem.Transport, "global_state", virtual.BrokerState())


def broker_options(folder: Path) -> dict:
    """The transport options of config/settings/base.py, with the folders under `folder`."""
    options = {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
        "processed_folder": str(folder / "processed"),
        "bad_folder": str(folder / "bad"),
        "polling_interval": 0,
        "store_processed": False,
    }
    for name in ("queue", "control", "processed"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    return options


def task_queue() -> Queue:
    return Queue("celery", Exchange("celery", type="direct"), routing_key="celery")


def publish(transport: str, options: dict, count: int, payload_bytes: int) -> None:
    """Publish `count` numbered messages; the publisher process of the concurrency test runs this."""
    queue = task_queue()
    with Connection("filesystem://", transport=transport, transport_options=options) as connection:
        producer = connection.Producer()
        for number in range(count):
            producer.publish(
                {"number": number, "padding": "x" * payload_bytes},
                exchange=queue.exchange,
                routing_key=queue.routing_key,
                declare=[queue],
                serializer="json",
            )


def consume(
    transport: str,
    options: dict,
    expected: int,
    *,
    deadline_s: float,
    publisher: subprocess.Popen | None = None,
) -> tuple[list[int], list[str]]:
    """Drain the queue until `expected` messages, the deadline, or the publisher is done and the queue empty;
    returns the numbers received and the errors met."""
    received: list[int] = []
    errors: list[str] = []

    def on_message(body, message):
        received.append(body["number"])
        message.ack()

    deadline = time.monotonic() + deadline_s
    with Connection("filesystem://", transport=transport, transport_options=options) as connection:
        with connection.Consumer([task_queue()], accept=["json"], callbacks=[on_message]):
            while len(received) < expected and time.monotonic() < deadline:
                try:
                    connection.drain_events(timeout=0.2)
                except TimeoutError:
                    if publisher is not None and publisher.poll() is not None:
                        break
                    continue
                except Exception as exc:  # the stock transport's failures are what the race test counts
                    errors.append(type(exc).__name__)
    return received, errors


def publish_and_consume_at_once(transport: str, folder: Path) -> tuple[list[int], list[str]]:
    options = broker_options(folder)
    # The worker declares its queue first, as `make run` does.
    with Connection("filesystem://", transport=transport, transport_options=options) as connection:
        task_queue()(connection.default_channel).declare()
    code = (
        "import json, sys; from tests.test_local_broker import publish; "
        "publish(sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))"
    )
    publisher = subprocess.Popen(
        [sys.executable, "-c", code, transport, json.dumps(options), str(MESSAGES), str(PAYLOAD_BYTES)],
        cwd=ROOT,
    )
    try:
        return consume(transport, options, MESSAGES, deadline_s=60, publisher=publisher)
    finally:
        publisher.wait(timeout=60)


PROBE = """
import django, json
django.setup()
from config.celery import app
with app.connection_for_write() as connection:
    print(json.dumps([type(connection.transport).__module__, connection.transport_options["bad_folder"]]))
"""


def test_settings_use_the_safe_transport_when_there_is_no_redis():
    # Given the settings `make run` uses (no REDIS_URL; read in a fresh process, whatever this run has),
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    # when the Celery app opens its broker connection, then it is the safe transport, with a folder for
    # unreadable files
    module, bad_folder = json.loads(out.stdout.strip().splitlines()[-1])
    assert module == broker_fs.Transport.__module__
    assert bad_folder.endswith(os.path.join("broker", "bad"))


def test_messages_published_while_a_worker_reads_arrive_whole_and_exactly_once(tmp_path):
    # Given a publisher process writing large messages while a consumer drains the same folder
    received, errors = publish_and_consume_at_once(SAFE_TRANSPORT, tmp_path)

    # then every message arrives once, none is read half written, none is set aside
    assert errors == []
    assert sorted(received) == list(range(MESSAGES))
    assert not (tmp_path / "bad").exists() or not list((tmp_path / "bad").iterdir())
    assert os.listdir(tmp_path / "queue") == []


def test_kombu_stock_transport_lets_a_reader_take_a_half_written_message(tmp_path):
    """The race this transport closes: kombu's own transport, same load, loses messages or fails in json."""
    # Given the same publisher and consumer on kombu's filesystem transport
    received, errors = publish_and_consume_at_once(STOCK_TRANSPORT, tmp_path)

    # then the consumer reads half-written files (JSONDecodeError) and those messages are lost
    assert "JSONDecodeError" in errors
    assert len(set(received)) < MESSAGES


def test_a_message_is_invisible_to_readers_until_written_whole(tmp_path):
    # Given a message written through the safe transport
    options = broker_options(tmp_path)
    with Connection("filesystem://", transport=SAFE_TRANSPORT, transport_options=options) as connection:
        channel = connection.default_channel
        channel._put("celery", {"properties": {}, "body": "x" * PAYLOAD_BYTES})

    # then the only file left is the whole message under the reader's pattern; no work file remains
    names = os.listdir(tmp_path / "queue")
    assert len(names) == 1
    assert names[0].partition(".")[2] == "celery.msg"
    assert json.loads((tmp_path / "queue" / names[0]).read_text())["body"] == "x" * PAYLOAD_BYTES
    # and the name a file has while it is being written never matches that pattern
    part = f".{names[0]}.0123abcd{broker_fs.PART_SUFFIX}"
    assert part.partition(".")[2] != "celery.msg"


@pytest.mark.parametrize("content", [b"", b'{"body": "eyJ0YXNrIjog', b"\xff\xfe not utf-8", b"[1, 2, 3]"])
def test_an_unreadable_message_file_is_set_aside_and_the_worker_goes_on(tmp_path, caplog, content):
    # Given a broken message file left in the queue ahead of a good message
    options = broker_options(tmp_path)
    # Files are read in name order and kombu names them by the clock's milliseconds, which never start
    # with 0: this one is read first whatever the clock says.
    broken = "0_00000000-0000-0000-0000-000000000000.celery.msg"
    (tmp_path / "queue" / broken).write_bytes(content)
    publish(SAFE_TRANSPORT, options, count=1, payload_bytes=10)

    # When the worker drains the queue
    with caplog.at_level(logging.WARNING, logger="config.broker_fs"):
        received, errors = consume(SAFE_TRANSPORT, options, expected=1, deadline_s=10)

    # then the good message arrives, the broken file is in the bad folder, with a warning naming it
    assert errors == []
    assert received == [0]
    assert (tmp_path / "bad" / broken).read_bytes() == content
    assert os.listdir(tmp_path / "queue") == []
    assert broken in caplog.text


def test_an_empty_exchange_table_left_over_is_set_aside_and_written_again(tmp_path, caplog):
    # Given an exchange table left empty by kombu's own transport (it creates the file before writing it)
    options = broker_options(tmp_path)
    (tmp_path / "control" / "celery.exchange").write_bytes(b"")

    # When a message is published and consumed
    with caplog.at_level(logging.WARNING, logger="config.broker_fs"):
        publish(SAFE_TRANSPORT, options, count=1, payload_bytes=10)
        received, errors = consume(SAFE_TRANSPORT, options, expected=1, deadline_s=10)

    # then it is delivered, the table is whole again, and the empty one was set aside
    assert (errors, received) == ([], [0])
    assert json.loads((tmp_path / "control" / "celery.exchange").read_text()) == [["celery", "", "celery"]]
    assert [p.name.startswith("celery.exchange.") for p in (tmp_path / "bad").iterdir()] == [True]


# The restart loop of Procfile.local.


def procfile_commands() -> dict[str, str]:
    lines = (ROOT / "Procfile.local").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_procfile_runs_the_worker_and_beat_under_the_restart_loop_and_the_web_server_alone():
    commands = procfile_commands()

    assert commands["worker"].startswith("scripts/keep_running.sh .venv/bin/celery -A config worker ")
    assert commands["beat"].startswith("scripts/keep_running.sh .venv/bin/celery -A config beat ")
    # honcho still stops everything if the web server itself exits
    assert "keep_running" not in commands["web"]
    assert os.access(KEEP_RUNNING, os.X_OK)


def start_loop(*command: str) -> subprocess.Popen:
    # In its own session, as honcho starts each process.
    return subprocess.Popen(
        [str(KEEP_RUNNING), *command],
        env={**os.environ, "RESTART_DELAY": "0.1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_group(loop: subprocess.Popen) -> None:
    if loop.poll() is None:
        os.killpg(loop.pid, signal.SIGKILL)
        loop.wait(timeout=5)


def wait_for(condition, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_command_that_exits_is_started_again(tmp_path):
    # Given the loop around a command that records each run and exits with an error
    runs = tmp_path / "runs"
    loop = start_loop("sh", "-c", f"echo run >> {runs}; exit 1")
    try:
        # then it runs again and again, and the loop itself stays up
        assert wait_for(lambda: runs.exists() and len(runs.read_text().splitlines()) >= 3, timeout_s=10)
        assert loop.poll() is None
    finally:
        stop_group(loop)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_loop_and_its_command_at_once(tmp_path, signum):
    # Given the loop around a long-running command
    started = tmp_path / "started"
    loop = start_loop("sh", "-c", f"echo $$ > {started}; exec sleep 60")
    try:
        assert wait_for(lambda: started.exists() and started.read_text().strip(), timeout_s=10)
        child = int(started.read_text())

        # When the loop alone is signalled (honcho signals the whole group; this is the harder case)
        began = time.monotonic()
        loop.send_signal(signum)

        # then the loop exits promptly, and takes the command with it instead of starting it again
        assert loop.wait(timeout=5) == 128 + signum
        assert time.monotonic() - began < 3
        assert wait_for(lambda: not _alive(child), timeout_s=3)
    finally:
        stop_group(loop)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
