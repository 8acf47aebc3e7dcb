"""Who a source client reads, for the sync state (pipelines/loaders/sync_state.py): a cursor is resumed only
by a sync of the same account."""

from __future__ import annotations

import hashlib


def key_account(address: str, secret: str) -> str:
    """An account known only by where it is read and with which key: the address and a fingerprint of the key
    (never the key itself), for APIs that cannot say who the key belongs to."""
    return f"{address.rstrip('/')} key:{hashlib.sha256(secret.encode()).hexdigest()[:12]}"
