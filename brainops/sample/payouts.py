"""Automatic payouts every few days, each sweeping the balance that has become available."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from brainops.sample import stripe_objects as so
from brainops.sample.ids import stripe_id
from brainops.sample.timeline import AS_OF_TS, DAY, day_floor


def write_payouts(seed: int, net_by_day: dict[int, int], sink: Callable[[str, dict[str, Any]], None]) -> int:
    """Payouts (with their balance transactions and payout.paid events) from net balance by day.

    A payout on day D, created at 23:59:59, sweeps every balance transaction available on or before D.
    A negative balance (refunds, chargebacks) waits for later charges. Returns the payout count.
    """
    if not net_by_day:
        return 0
    rng = random.Random(f"{seed}:payouts")
    destination = stripe_id(rng, "ba")
    days = sorted(net_by_day)
    last_day = day_floor(AS_OF_TS - 1)
    balance, index, count = 0, 0, 0
    payout_day = days[0] + rng.choice((2, 3, 4)) * DAY
    while payout_day <= last_day:
        while index < len(days) and days[index] <= payout_day:
            balance += net_by_day[days[index]]
            index += 1
        if balance > 0:
            created = min(payout_day + DAY - 1, AS_OF_TS - 1)
            arrival = day_floor(created) + 2 * DAY
            payout_id, txn_id = stripe_id(rng, "po"), stripe_id(rng, "txn")
            sink("balance_transactions", so.balance_transaction(
                id=txn_id, created=created, available_on=created, amount=-balance, fee=0,
                description="STRIPE PAYOUT", source=payout_id, type="payout", reporting_category="payout",
                available=True,
            ))
            obj = so.payout(id=payout_id, created=created, arrival_date=arrival, amount=balance,
                            balance_transaction=txn_id, destination=destination, paid=arrival <= AS_OF_TS)
            sink("payouts", obj)
            if arrival <= AS_OF_TS:
                sink("events", so.event(id=stripe_id(rng, "evt"), created=arrival, type="payout.paid", obj=obj))
            balance, count = 0, count + 1
        payout_day += rng.choice((2, 3, 4)) * DAY
    return count
