"""RetryPolicy on its own: which answers are tried again, and for how long the client waits."""

from __future__ import annotations

import random

import pytest

from pyapp.loop.retry import RetryPolicy, parse_retry_after


def test_writes_are_never_retried_and_reads_stop_at_three_attempts():
    p = RetryPolicy()
    assert not p.should_retry(1, idempotent=False, status=503)
    assert p.should_retry(1, idempotent=True, status=503) and p.should_retry(2, idempotent=True, status=429)
    assert not p.should_retry(3, idempotent=True, status=503)
    assert not p.should_retry(1, idempotent=True, status=404) and not p.should_retry(1, idempotent=True, status=401)


def test_a_timeout_is_not_retried_but_a_refused_connection_is():
    p = RetryPolicy()
    assert not p.should_retry(1, idempotent=True, transport_error="timeout")
    assert p.should_retry(1, idempotent=True, transport_error="connection")


def test_backoff_has_equal_jitter_below_its_ceiling():
    p = RetryPolicy(rand=random.Random(1))
    for attempt, ceiling in ((1, 0.5), (2, 1.0), (3, 2.0), (6, 4.0)):
        delays = [p.delay(attempt) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays) and len(set(delays)) > 1


def test_retry_after_is_honoured_up_to_the_bound():
    p = RetryPolicy(max_retry_after=10)
    assert p.delay(1, "3") == 3.0 and p.delay(1, "120") is None


@pytest.mark.parametrize(
    "raw,seconds",
    [
        ("5", 5.0),
        (" 0 ", 0.0),
        ("-3", 0.0),
        ("soon", None),
        (None, None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", None),  # a date: back off instead
        ("120", 120.0),
        ("121", 120.0),
        ("99999999", 120.0),  # at most 120 s
        ("inf", 120.0),
        ("Infinity", 120.0),
        ("nan", 120.0),
        ("1e400", 120.0),
    ],
)
def test_retry_after_values(raw, seconds):
    assert parse_retry_after(raw) == seconds
