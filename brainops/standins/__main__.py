"""`python -m brainops.standins {centerpoint,stripe,notion} --sample DIR --port N`: a stand-in as its own process."""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

from brainops.paths import sample_dir
from brainops.standins.faults import Faults


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("service", choices=["centerpoint", "stripe", "notion"])
    parser.add_argument("--sample", type=Path, default=None)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--api-key", default=None, help="The key clients must send (CenterPoint default: sample; Stripe: any test key)."
    )
    parser.add_argument("--rate-limit-every", type=int, default=0)
    parser.add_argument("--error-every", type=int, default=0)
    parser.add_argument("--retry-after", default="0", help="Seconds in the Retry-After header of injected 429s.")
    parser.add_argument(
        "--requests-per-second", type=float, default=0, help="Notion: its average rate limit, e.g. 3 (0: none)."
    )
    args = parser.parse_args()

    faults = Faults(rate_limit_every=args.rate_limit_every, error_every=args.error_every, retry_after=args.retry_after)
    sample = args.sample or sample_dir()
    if args.service == "stripe":
        from brainops.standins import stripe

        app = stripe.create_app(stripe.open_store(sample), api_key=args.api_key, faults=faults)
    elif args.service == "notion":
        from brainops.standins import notion

        rate_limit = notion.RateLimit(rate=args.requests_per_second)
        app = notion.create_app(
            notion.open_store(sample), token=args.api_key or "sample", rate_limit=rate_limit, faults=faults
        )
    else:
        from brainops.standins import centerpoint

        app = centerpoint.create_app(centerpoint.open_store(sample), api_key=args.api_key or "sample", faults=faults)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
