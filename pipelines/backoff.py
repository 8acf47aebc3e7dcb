"""Retrying a source that does not answer: exponential backoff with full jitter, Retry-After honoured, inside a
total time budget (and, optionally, an attempt cap). An outage then costs a bounded, spread-out wait per request,
never a hot loop, and the caller gets a clear moment to give up and say so.

No Dagster here: the clients of every source (CenterPoint, Notion, Stripe) share it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class Backoff:
    base: float = 0.5  # the first wait is at most this; each further one doubles the ceiling
    cap: float = 30.0  # the largest backoff wait (a server's Retry-After may ask for more, within the budget)
    budget: float = 300.0  # seconds from the first attempt after which no further attempt starts
    max_attempts: int | None = None  # attempts in all; None: only the budget bounds them

    def start(self, clock: Callable[[], float] = time.monotonic) -> Attempts:
        """The retries of one request."""
        return Attempts(self, clock)


class Attempts:
    """Counts one request's attempts and says how long to wait before the next, or that it is time to give up."""

    def __init__(self, policy: Backoff, clock: Callable[[], float]) -> None:
        self.policy = policy
        self._clock = clock
        self._started = clock()
        self.made = 0  # attempts that failed so far

    @property
    def elapsed(self) -> float:
        return self._clock() - self._started

    def next_delay(self, retry_after: float | None = None) -> float | None:
        """After a failed attempt: the seconds to wait before the next one, or None to give up."""
        self.made += 1
        policy = self.policy
        if policy.max_attempts is not None and self.made >= policy.max_attempts:
            return None
        if retry_after is not None:
            # As told, plus a little so that workers told the same thing do not return in lockstep.
            delay = max(retry_after, 0.0) * random.uniform(1.0, 1.1)
        else:
            # Full jitter: anywhere up to the exponential ceiling.
            delay = random.uniform(0, min(policy.cap, policy.base * 2 ** (self.made - 1)))
        if self.elapsed + delay > policy.budget:
            return None
        return delay


def retry_after_seconds(value: str | None, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) as seconds from now; None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now()).total_seconds(), 0.0)
