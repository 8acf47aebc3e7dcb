"""Identifiers: CenterPoint's decimal strings from per-resource counters, Stripe's prefixed base62."""

from __future__ import annotations

import random
import string

BASE62 = string.digits + string.ascii_letters


def stripe_id(rng: random.Random, prefix: str, length: int = 24) -> str:
    """`cus_…`, `ch_…`: a prefix and base62 characters drawn from the seeded RNG."""
    return f"{prefix}_{''.join(rng.choices(BASE62, k=length))}"


class Counter:
    """Decimal string ids, unique within one CenterPoint resource."""

    def __init__(self, start: int) -> None:
        self._next = start

    def next(self) -> str:
        value = self._next
        self._next += 1
        return str(value)


class CenterPointIds:
    """One counter per resource; companies are numbered by their index instead (10001 + index)."""

    COMPANY_BASE = 10_001

    def __init__(self) -> None:
        self.profiles = Counter(2_000_001)
        self.properties = Counter(3_000_001)
        self.opportunities = Counter(4_000_001)
        self.productions = Counter(5_000_001)
        self.invoices = Counter(6_000_001)
        self.invoice_numbers = Counter(1)

    def company(self, index: int) -> str:
        return str(self.COMPANY_BASE + index)

    def invoice_number(self) -> str:
        return f"INV-{int(self.invoice_numbers.next()):06d}"
