"""The client-side token bucket, on a fake clock."""

from __future__ import annotations

import pytest

from pipelines.notion.rate_limit import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_burst_goes_at_once_then_requests_are_spaced_at_the_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3.0, burst=3, clock=clock, sleep=clock.sleep)
    sent_at = []
    for _ in range(9):
        limiter.acquire()
        sent_at.append(round(clock.now, 6))
    assert sent_at == [0, 0, 0, 0.333333, 0.666667, 1.0, 1.333333, 1.666667, 2.0]
    assert limiter.waited_seconds == pytest.approx(2.0)


def test_idle_time_refills_the_bucket_up_to_the_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3.0, burst=3, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        limiter.acquire()
    clock.now += 60  # a long pause earns three requests, not 180
    waits = [limiter.acquire() for _ in range(4)]
    assert waits[:3] == [0, 0, 0] and waits[3] == pytest.approx(1 / 3)


def test_a_non_positive_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="rate must be positive"):
        RateLimiter(0)
