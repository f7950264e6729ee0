"""Fixtures shared by the forum's tests."""

import time
from datetime import UTC, datetime

import pytest
from django.utils import timezone


@pytest.fixture
def frozen_time(monkeypatch):
    """Control the clock (seconds in now["t"]) that stamps new posts, flags and drafts and that the rate
    limits count by."""
    now = {"t": time.time()}
    monkeypatch.setattr(timezone, "now", lambda: datetime.fromtimestamp(now["t"], tz=UTC))
    return now
