"""Argument types shared by the collection commands: clear messages instead of tracebacks."""

import argparse
from datetime import date

from collection.services.windows import parse_day


def day_argument(value: str) -> date:
    """argparse type for YYYY-MM-DD dates."""
    try:
        return parse_day(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
