"""`python -m brainops.standins centerpoint --sample DIR --port N`: a stand-in as its own process."""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

from brainops.paths import sample_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("service", choices=["centerpoint"])
    parser.add_argument("--sample", type=Path, default=None)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-key", default="sample")
    parser.add_argument("--rate-limit-every", type=int, default=0)
    parser.add_argument("--error-every", type=int, default=0)
    args = parser.parse_args()

    from brainops.standins import centerpoint

    store = centerpoint.open_store(args.sample or sample_dir())
    app = centerpoint.create_app(
        store,
        api_key=args.api_key,
        faults=centerpoint.Faults(rate_limit_every=args.rate_limit_every, error_every=args.error_every),
    )
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
