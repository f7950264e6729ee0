"""kombu's filesystem transport, made safe for a publisher and a worker using the folders at the same time.

`make run` uses this (CELERY_BROKER_TRANSPORT) when REDIS_URL is unset. kombu's own transport
(kombu/transport/filesystem.py) creates each message file under its final name and then writes it, while a
worker lists the folder, moves any file that matches and reads it: a worker can take a message half written,
fail in json with "Unrecoverable error: JSONDecodeError" and stop, and the message is lost. The exchange
tables in the control folder are created the same way.

Here a message is written under a name outside the reader's pattern and renamed into place (`os.replace` is
atomic on one filesystem), so a reader sees a whole message or none; an exchange table appears whole too.
A file that still can't be read (left over from before, or written by something else) is moved to the bad
folder with a warning, and the worker goes on with the next message.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from contextlib import suppress
from pathlib import Path
from queue import Empty
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads
from kombu.utils.objects import cached_property

logger = logging.getLogger(__name__)

# Work files start with a dot, so they never match the reader's "<anything>.<queue>.msg" pattern.
PART_SUFFIX = ".part"
CLAIMED_SUFFIX = ".claimed"


def _write_part(path: Path, data: bytes) -> Path:
    """`data` written and flushed to disk in a hidden file beside `path` (the caller moves it into place)."""
    part = path.with_name(f".{path.name}.{uuid.uuid4().hex}{PART_SUFFIX}")
    try:
        with open(part, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(part)
        raise
    return part


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to a hidden file beside `path`, flush it to disk, then rename it to `path`."""
    part = _write_part(path, data)
    try:
        os.replace(part, path)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(part)


def create_atomically(path: Path, data: bytes) -> None:
    """Create `path` holding `data` unless it exists; it appears complete or not at all."""
    part = _write_part(path, data)
    try:
        os.link(part, path)  # unlike os.replace, fails if another process created it first
    except FileExistsError:
        pass
    finally:
        with suppress(FileNotFoundError):
            os.unlink(part)


class Channel(filesystem.Channel):
    """Atomic writes, single claims, and bad files set aside instead of stopping the worker."""

    @cached_property
    def bad_folder(self) -> Path:
        default = Path(self.data_folder_in).resolve().parent / "bad"
        return Path(self.transport_options.get("bad_folder", default))

    def _put(self, queue, payload, **kwargs):
        """Put `payload` onto `queue`: the same file name as kombu's, written whole before it appears."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        path = Path(self.data_folder_out) / name
        try:
            write_atomically(path, str_to_bytes(dumps(payload)))
        except OSError as exc:
            raise ChannelError(f"Cannot add file {str(path)!r} to directory") from exc

    def _get(self, queue):
        """Take the oldest readable message of `queue`; unreadable ones go to the bad folder."""
        pattern = f"{queue}.msg"
        folder = Path(self.data_folder_in)
        for name in sorted(os.listdir(folder)):
            if name.partition(".")[2] != pattern:
                continue
            # Claim it by renaming it out of the pattern, in the same folder: atomic, so when several
            # workers race for a message exactly one gets it.
            claimed = folder / f".{name}{CLAIMED_SUFFIX}"
            try:
                os.rename(folder / name, claimed)
            except OSError:
                continue  # another worker took it
            try:
                raw = claimed.read_bytes()
            except OSError as exc:
                raise ChannelError(f"Cannot read file {str(claimed)!r} from queue.") from exc
            try:
                payload = loads(bytes_to_str(raw))
                if not isinstance(payload, dict) or not isinstance(payload.get("properties"), dict):
                    raise ValueError("not a kombu message")
            except (ValueError, TypeError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
                self._set_aside(claimed, name, exc)
                continue
            self._finish(claimed, name)
            return payload
        raise Empty()

    def _finish(self, claimed: Path, name: str) -> None:
        if self.store_processed:
            shutil.move(claimed, Path(self.processed_folder) / name)
        else:
            claimed.unlink()

    def _set_aside(self, path: Path, name: str, exc: Exception) -> None:
        target = self.bad_folder / name
        try:
            self.bad_folder.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
        except OSError:
            logger.exception("Unreadable broker file %s (%s) could not be moved aside", path, exc)
            return
        logger.warning("Unreadable broker file %s (%s): moved to %s", name, exc, target)

    def get_table(self, exchange):
        try:
            return super().get_table(exchange)
        except ValueError as exc:
            # An exchange table left half written by kombu's own transport: set it aside; the workers'
            # queue declarations write it again.
            file = self._exchange_file(exchange)
            self._set_aside(file, f"{file.name}.{uuid.uuid4().hex}", exc)
            return []

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        # kombu creates a missing table with open("wb") before it locks and writes it, so a reader can
        # find it empty. Create it whole first; kombu then updates it under its lock.
        file = self._exchange_file(exchange)
        self.control_folder.mkdir(parents=True, exist_ok=True)
        if not file.exists():
            with suppress(OSError):  # e.g. no hard links on this filesystem: kombu creates it its own way
                create_atomically(file, str_to_bytes(dumps([])))
        try:
            super()._queue_bind(exchange, routing_key, pattern, queue)
        except ValueError as exc:
            self._set_aside(file, f"{file.name}.{uuid.uuid4().hex}", exc)
            create_atomically(file, str_to_bytes(dumps([])))
            super()._queue_bind(exchange, routing_key, pattern, queue)


class Transport(filesystem.Transport):
    """kombu's filesystem transport with the safe Channel; the same transport options, plus `bad_folder`."""

    Channel = Channel
