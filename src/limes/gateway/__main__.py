"""``python -m limes.gateway --config F [--host H] [--port P]``: the gateway alone.

What the systemd unit runs: the process then loads the gateway, the profiles and the
HTTP machinery, and not even the code of the rest of Limes (``limes gateway serve``,
the same server, comes through the whole command line first).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from limes.gateway.config import CONFIG_VARIABLE, GatewayConfigError, check_environment, load_config
from limes.gateway.server import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m limes.gateway", description=__doc__)
    parser.add_argument("--config", type=Path, default=os.environ.get(CONFIG_VARIABLE))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8443)
    args = parser.parse_args(argv)
    if args.config is None:
        parser.error(f"--config or {CONFIG_VARIABLE} is required")
    try:
        check_environment(os.environ)
        config = load_config(args.config.read_text("utf-8"), str(args.config))
    except (GatewayConfigError, OSError) as exc:
        sys.stderr.write(f"limes gateway: {exc}\n")
        return 2
    serve(config, args.host, args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
