"""The sample's fixed clock: every time is an integer of unix seconds before AS_OF, never the wall clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime

AS_OF = datetime(2026, 11, 1, tzinfo=UTC)
AS_OF_TS = int(AS_OF.timestamp())
HISTORY_START_TS = int(datetime(2023, 11, 1, tzinfo=UTC).timestamp())
"""About three years of business before AS_OF; the first customers arrive a little earlier."""

MINUTE = 60
HOUR = 3_600
DAY = 86_400
YEAR = 365 * DAY


def iso(ts: int | None) -> str | None:
    """ISO 8601 in UTC with a Z, as CenterPoint writes it."""
    return None if ts is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def day_floor(ts: int) -> int:
    return ts - ts % DAY


def add_months(ts: int, months: int) -> int:
    """Same day of month (clamped to 28) and time of day, `months` later."""
    dt = datetime.fromtimestamp(ts, UTC)
    years, month0 = divmod(dt.month - 1 + months, 12)
    return int(dt.replace(year=dt.year + years, month=month0 + 1, day=min(dt.day, 28)).timestamp())


def month_ends(first_ts: int = HISTORY_START_TS, last_ts: int = AS_OF_TS) -> list[tuple[str, int]]:
    """("YYYY-MM", last second of that month) for every month from first_ts's month up to last_ts."""
    start = datetime.fromtimestamp(first_ts, UTC).replace(day=1, hour=0, minute=0, second=0)
    out: list[tuple[str, int]] = []
    month = int(start.timestamp())
    while True:
        following = add_months(month, 1)
        if following > last_ts:
            return out
        out.append((time.strftime("%Y-%m", time.gmtime(month)), following - 1))
        month = following
