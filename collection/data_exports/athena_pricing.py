"""Athena's price of a scan: USD 5 per TB, each query rounded up to the megabyte, 10 MB at least.

https://aws.amazon.com/athena/pricing/ (failed queries are free, cancelled ones pay what they scanned).
"""

import math
from decimal import Decimal

SERVICE = "athena"
USD_PER_TB = Decimal(5)
MB, TB = 2**20, 2**40
MINIMUM_BILLED = 10 * MB


def billed_bytes(scanned: int) -> int:
    """What Athena bills of a query that scanned `scanned` bytes: rounded up to the megabyte, 10 MB at least."""
    return max(MINIMUM_BILLED, math.ceil(scanned / MB) * MB)


def scan_cost_usd(billed: int) -> Decimal:
    """USD of `billed` bytes (`billed_bytes`) at USD 5 per TB."""
    return USD_PER_TB * billed / TB
