"""Injected failures for stand-in servers: every Nth request answers 429 or 500, or, during an outage, every
request answers the outage's status (503 by default), until the outage is over."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class Faults:
    """Every Nth request fails: a 429 (with Retry-After) or a 500. 0 turns a fault off. `outage` (a status such as
    503) fails every request while set, with `outage_retry_after` as its Retry-After header when given."""

    rate_limit_every: int = 0
    error_every: int = 0
    retry_after: str = "0"
    outage: int = 0
    outage_retry_after: str | None = None
    count: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def next(self) -> int | None:
        with self._lock:
            self.count += 1
            n = self.count
        if self.outage:
            return self.outage
        if self.rate_limit_every and n % self.rate_limit_every == 0:
            return 429
        if self.error_every and n % self.error_every == 0:
            return 500
        return None

    def outage_headers(self) -> dict[str, str]:
        return {"Retry-After": self.outage_retry_after} if self.outage_retry_after is not None else {}
