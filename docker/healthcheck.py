"""Container healthcheck without curl: GET /health on the local web port; exit 0 when it answers 200.

The Host header is the first ALLOWED_HOSTS entry, so Django serves the probe whatever hosts are configured.
"""

import http.client
import os
import sys


def probe_host() -> str:
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and "*" not in host:
            return host
    return "localhost"


def main() -> int:
    connection = http.client.HTTPConnection("127.0.0.1", int(os.environ.get("PORT", "5000")), timeout=5)
    try:
        connection.request("GET", "/health", headers={"Host": probe_host(), "User-Agent": "costmonitor-healthcheck"})
        status = connection.getresponse().status
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status != 200:
        print(f"unhealthy: /health answered {status}", file=sys.stderr)
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
