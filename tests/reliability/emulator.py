"""An HTTP Cost Explorer emulator with a known ground truth and injectable faults, for the reliability suite."""

import datetime as dt
import json
import random
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERVICES = [
    "Amazon Elastic Compute Cloud - Compute",
    "Amazon Simple Storage Service",
    "Amazon Relational Database Service",
    "AWS Lambda",
    "Amazon CloudFront",
    "Tax",
]
CREDIT = "Credits"  # a negative line, as AWS promotional credits appear
RECORD_TYPES = {CREDIT: "Credit", "Tax": "Tax"}  # each line's charge type (RECORD_TYPE); the others are Usage


class CostExplorerEmulator:
    """Answers Cost Explorer's GetCostAndUsage (JSON 1.1) from a deterministic dataset, page by page.

    `ground_truth(start, end)` is the exact Decimal total the emulator will report for a window.
    Faults: `throttle_rate` answers that share of calls with LimitExceededException; `malformed`
    (a callable taking the call number and the request body) replaces that response with a broken page
    (a dict, sent as JSON, or raw bytes such as a truncated body) when it returns something; `stuck_token`
    answers a page asked for with a NextPageToken with that same token again (a cursor that never moves, so a
    client that follows it never ends); `hold_from` keeps call number `hold_from` and every later one waiting,
    unanswered, until `release` is set (a client killed in the middle of a request); `currency` is the Unit of
    every amount.
    """

    def __init__(self, *, accounts: int = 5, page_size: int = 7, seed: int = 7, today: dt.date | None = None):
        self.accounts = [f"{210000000000 + i * 1111:012d}" for i in range(accounts)]
        self.page_size = page_size
        self.today = today or dt.date.today()
        self.throttle_rate = 0.0
        self.malformed = None
        self.stuck_token = False
        self.hold_from: int | None = None
        self.release = threading.Event()
        self.currency = "USD"
        self.rng = random.Random(seed)
        self.calls: dict[str, int] = {}
        self.throttled = 0
        self.lock = threading.Lock()
        self.overrides: dict[tuple[dt.date, str, str], Decimal] = {}

    # The dataset -----------------------------------------------------------------------------------
    def amount(self, day: dt.date, account: str, service: str) -> Decimal:
        if (day, account, service) in self.overrides:
            return self.overrides[(day, account, service)]
        if service == CREDIT:
            return (Decimal(-((day.toordinal() + int(account[-4:])) % 3)) / 7).quantize(Decimal("0.0000000001"))
        base = (day.toordinal() * 31 + int(account[-4:]) * 7 + len(service) * 13) % 997
        weekly = Decimal("0.6") if day.weekday() >= 5 else Decimal("1")
        return (Decimal(base) * weekly / Decimal("3.7")).quantize(Decimal("0.0000000001"))

    def lines(self, start: dt.date, end: dt.date):
        day = start
        while day < end:
            if day < self.today:  # Cost Explorer has no data for the future
                for account in self.accounts:
                    for service in [*SERVICES, CREDIT]:
                        yield day, account, service, self.amount(day, account, service)
            day += dt.timedelta(days=1)

    def ground_truth(self, start: dt.date, end: dt.date) -> Decimal:
        return sum((amount for *_, amount in self.lines(start, end)), Decimal("0"))

    def day_totals(self, start: dt.date, end: dt.date) -> dict[dt.date, Decimal]:
        totals: dict[dt.date, Decimal] = {}
        for day, *_, amount in self.lines(start, end):
            totals[day] = totals.get(day, Decimal("0")) + amount
        return totals

    def estimated(self, day: dt.date) -> bool:
        return (self.today - day).days <= 2

    def period(self, day: dt.date) -> dict:
        return {"Start": day.isoformat(), "End": (day + dt.timedelta(days=1)).isoformat()}

    def totals_answer(self, start: dt.date, end: dt.date, metrics: list[str]) -> dict:
        """An ungrouped query (costmonitor's change probe): one Total per day of the window, no pages."""
        totals = self.day_totals(start, end)
        results = []
        day = start
        while day < end:
            money = {"Amount": str(totals.get(day, Decimal("0"))), "Unit": self.currency}
            results.append(
                {
                    "TimePeriod": self.period(day),
                    "Total": dict.fromkeys(metrics, money),
                    "Groups": [],
                    "Estimated": self.estimated(day),
                }
            )
            day += dt.timedelta(days=1)
        return {"GroupDefinitions": [], "ResultsByTime": results, "DimensionValueAttributes": []}

    # The API ---------------------------------------------------------------------------------------
    def get_cost_and_usage(self, body: dict) -> dict:
        start = dt.date.fromisoformat(body["TimePeriod"]["Start"])
        end = dt.date.fromisoformat(body["TimePeriod"]["End"])
        keys = [g["Key"] for g in body.get("GroupBy", [])]
        metrics = body["Metrics"]
        if not keys:
            return self.totals_answer(start, end, metrics)
        # One group per day and keys: lines of one charge type (RECORD_TYPE) in several services add up.
        groups: dict[tuple, Decimal] = {}
        for day, account, service, amount in self.lines(start, end):
            value = {"LINKED_ACCOUNT": account, "SERVICE": service, "RECORD_TYPE": RECORD_TYPES.get(service, "Usage")}
            key = (day, *(value[k] for k in keys))
            groups[key] = groups.get(key, Decimal("0")) + amount
        rows = list(groups.items())
        offset = int(body.get("NextPageToken") or 0)
        page = rows[offset : offset + self.page_size]
        by_day: dict[dt.date, list] = {}
        for (day, *group_keys), amount in page:
            money = {"Amount": str(amount), "Unit": self.currency}
            by_day.setdefault(day, []).append({"Keys": group_keys, "Metrics": dict.fromkeys(metrics, money)})
        results = [
            {
                "TimePeriod": self.period(day),
                "Total": {},
                "Groups": groups,
                "Estimated": self.estimated(day),
            }
            for day, groups in by_day.items()
        ]
        response = {
            "GroupDefinitions": body.get("GroupBy", []),
            "ResultsByTime": results,
            "DimensionValueAttributes": [
                {"Value": a, "Attributes": {"description": f"emulated-{i}"}} for i, a in enumerate(self.accounts)
            ],
        }
        if offset + self.page_size < len(rows):
            response["NextPageToken"] = (
                body["NextPageToken"] if self.stuck_token and offset else str(offset + self.page_size)
            )
        return response

    def handle(self, target: str, body: dict) -> tuple[int, dict | bytes]:
        operation = target.rsplit(".", 1)[-1]
        with self.lock:
            self.calls[operation] = self.calls.get(operation, 0) + 1
            call_number = sum(self.calls.values())
            throttle = self.rng.random() < self.throttle_rate
            if throttle:
                self.throttled += 1
        if self.hold_from is not None and call_number >= self.hold_from:
            self.release.wait(timeout=60)
        if throttle:
            return 400, {"__type": "LimitExceededException", "message": "Rate exceeded (emulated)"}
        if self.malformed and (broken := self.malformed(call_number, body)) is not None:
            return 200, broken
        if operation == "GetCostAndUsage":
            return 200, self.get_cost_and_usage(body)
        return 400, {"__type": "ValidationException", "message": f"{operation} is not emulated"}


class EmulatorServer:
    """Serves an emulator on a free loopback port; `url` is what AWS_ENDPOINT_URL should point at."""

    def __init__(self, emulator: CostExplorerEmulator):
        self.emulator = emulator
        handler = _handler_for(emulator)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "EmulatorServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler_for(emulator: CostExplorerEmulator):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            status, payload = emulator.handle(self.headers.get("X-Amz-Target", ""), body)
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            return

    return Handler
