from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from harness.loop_standin import FULL_KEY
from harness.memory_transport import StandinTransport
from pyapp.loop.client import ClientConfig, LoopClient
from pyapp.loop.retry import RetryPolicy


class RecordedSleeps(list):
    """Stands in for asyncio.sleep so retry tests do not wait; it records each requested delay."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
def sleeps():
    return RecordedSleeps()


@pytest.fixture
def make_client(loop, sleeps):
    def make(key: str = FULL_KEY, **config) -> LoopClient:
        cfg = ClientConfig(base_url=f"https://localhost:{loop.port}", **{"timeout": 3.0, **config})
        return LoopClient(StandinTransport(loop), key, cfg, RetryPolicy(), sleep=sleeps)

    return make


def run(coro):
    """asyncio.run in its own thread: the e2e tests' Playwright keeps an event loop in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
