#!/usr/bin/env python
"""Django's command-line utility for costmonitor."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "costmonitor.settings")
    import structlog
    from django.core.management import execute_from_command_line

    # Every log line of a command names it, e.g. {"context": {"command": "collect_costs", ...}}.
    structlog.contextvars.bind_contextvars(command=sys.argv[1] if len(sys.argv) > 1 else "help")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
