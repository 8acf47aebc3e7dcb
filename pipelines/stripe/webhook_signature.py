"""Stripe webhook signatures: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`, each v1 an
HMAC-SHA256 of `"{t}.{raw body}"` with the endpoint's signing secret. Any matching v1 passes (Stripe
sends several while a secret is being rolled); a timestamp older than the tolerance is a replay."""

from __future__ import annotations

import hashlib
import hmac
import time

DEFAULT_TOLERANCE = 300  # seconds, as Stripe's own libraries


class SignatureError(ValueError):
    """The request is not a genuine, fresh Stripe webhook; the message says why."""


def signature(payload: bytes, secret: str, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header for `payload`, as Stripe would send it."""
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={signature(payload, secret, t)}"


def verify(
    payload: bytes, header: str | None, secret: str, *, tolerance: int = DEFAULT_TOLERANCE, now: float | None = None
) -> int:
    """The signed timestamp when `header` proves Stripe sent `payload` recently; else SignatureError."""
    if not header:
        raise SignatureError("Missing Stripe-Signature header.")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise SignatureError("Malformed Stripe-Signature header: t is not a unix time.") from None
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        raise SignatureError("Malformed Stripe-Signature header: expected t=<timestamp> and at least one v1=<hex>.")
    expected = signature(payload, secret, timestamp)
    if not any(hmac.compare_digest(expected, c) for c in candidates):
        raise SignatureError("No v1 signature matches the payload: check STRIPE_WEBHOOK_SECRET (whsec_...).")
    age = (time.time() if now is None else now) - timestamp
    if age > tolerance:
        raise SignatureError(f"Signature timestamp is {int(age)} s old, beyond the {tolerance} s tolerance.")
    return timestamp
