"""Shared fixtures: the loopback stand-ins (one per session, reset per test)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from harness.klaviyo_standin import KlaviyoStandin  # noqa: E402 - after the path is set
from harness.loop_standin import LoopStandin  # noqa: E402 - after the path is set


@pytest.fixture(scope="session")
def loop_server():
    server = LoopStandin().start()
    yield server
    server.stop()


@pytest.fixture
def loop(loop_server):
    """The Loop stand-in, with its data, keys, faults and request log fresh for this test."""
    loop_server.reset()
    yield loop_server
    loop_server.reset()


@pytest.fixture(scope="session")
def klaviyo_server():
    server = KlaviyoStandin().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def built_dist():
    """Build once per session, exactly as a developer would (offline after the first fetch)."""
    if not os.environ.get("LOOP_SKIP_BUILD"):
        subprocess.run([sys.executable, str(ROOT / "build.py")], check=True, cwd=ROOT)
    return ROOT / "dist"


def pytest_addoption(parser):
    parser.addoption(
        "--allow-writes",
        action="store_true",
        help="the live smoke test (tests/smoke/) may write to Loop: start a return (a draft and a deep link)",
    )
