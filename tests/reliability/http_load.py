"""Real processes for the API scenarios: a private redis-server, gunicorn with 2 workers, and a bounded load client.

Every /api/costs answer is checked against the seeded ground truth, so a fast wrong answer counts as an error.
"""

import datetime as dt
import http.client
import json
import random
import signal
import statistics
import subprocess
import threading
import time
from collections import Counter
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from api.tokens import issue_api_token
from collection.models import AwsAccount, CostData
from collection.services.snapshot import write_metric_snapshot
from tests.metrics.servers import server_env
from tests.processes import ROOT, free_port, wait_until

DAYS, ACCOUNTS, SERVICES = 120, 3, 4


def amount(day: dt.date, account: int, service: int) -> Decimal:
    return (Decimal((day.toordinal() * 7 + account * 13 + service * 17) % 500) / 7).quantize(Decimal("1E-10"))


def seed(*, today: dt.date, user) -> str:
    """Commit DAYS x ACCOUNTS x SERVICES daily costs ending yesterday; return an API token of `user`."""
    accounts = [AwsAccount.objects.create(account_id=f"{300000000000 + a}", name=f"load-{a}") for a in range(ACCOUNTS)]
    CostData.objects.bulk_create(
        CostData(date=day, account=acc, service=f"Service {s}", unblended_cost=amount(day, a, s), amortized_cost=0)
        for day in (today - dt.timedelta(days=n) for n in range(1, DAYS + 1))
        for a, acc in enumerate(accounts)
        for s in range(SERVICES)
    )
    for kind in ("costs", "forecast", "tags", "optimization"):
        write_metric_snapshot(kind=kind)
    return issue_api_token(username=user.username)


def expected_total(start: dt.date, end: dt.date, *, today: dt.date) -> Decimal:
    """The seeded total of [start, end] (end inclusive, as the API takes it)."""
    first = today - dt.timedelta(days=DAYS)
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    return sum(
        (amount(d, a, s) for d in days if first <= d < today for a in range(ACCOUNTS) for s in range(SERVICES)),
        Decimal("0"),
    )


class RedisServer:
    """A redis-server of our own on a free port (the machine's shared Redis is never stopped), with `options`
    (e.g. "--maxmemory", "4mb") after the defaults."""

    def __init__(self, directory: Path, *options: str) -> None:
        self.port, self.directory, self.options, self.proc = free_port(), directory, options, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        args += ["--dir", str(self.directory), *self.options]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL)  # noqa: S603
        wait_until(lambda: self.ping())

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)

    def ping(self) -> bool:
        result = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True)  # noqa: S603, S607
        return result.stdout.strip() == "PONG"


METRICS_TOKEN = "load-metrics-token"


@contextmanager
def gunicorn(*, workers: int = 2, **env: str):
    """gunicorn serving costmonitor on a free port with this test's committed database; yields host:port.

    gunicorn.conf.py in the repository root, when there is one, is read as usual; the arguments here win.
    """
    port = free_port()
    args = ["gunicorn", "costmonitor.wsgi:application", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "python"), "-m", *args],
        cwd=ROOT,
        # These scenarios measure faults, not the bounds on one user's work (tests/security does): no throttle, and
        # a slot for every thread, so no read is refused SERVER_BUSY.
        env=server_env(
            API_THROTTLE_RATE="1000000/min", API_MAX_CONCURRENT_QUERIES="64", METRICS_TOKEN=METRICS_TOKEN, **env
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: proc.poll() is None and request(f"127.0.0.1:{port}", "/health")[0] in (200, 503))
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def request(
    host: str, path: str, token: str = "", conn: http.client.HTTPConnection | None = None, scheme: str = "Token"
):
    """(status, parsed JSON or text) of GET `path`, with `Authorization: <scheme> <token>` when given a token."""
    conn = conn or http.client.HTTPConnection(host, timeout=30)
    conn.request("GET", path, headers={"Authorization": f"{scheme} {token}"} if token else {})
    response = conn.getresponse()
    body = response.read().decode()
    is_json = response.getheader("Content-Type", "").startswith("application/json")
    return response.status, json.loads(body) if is_json else body


class Load:
    """`threads` clients looping over a cached /api/costs query, uncached ones and /metrics until stopped."""

    MIX = (("cached", 4), ("uncached", 4), ("metrics", 2))

    def __init__(self, *, host: str, token: str, today: dt.date, threads: int = 8, seed: int = 1) -> None:
        self.host, self.token, self.today, self.threads, self.seed = host, token, today, threads, seed
        self.latencies: dict[str, list[float]] = {kind: [] for kind, _ in self.MIX}
        self.statuses: Counter[int] = Counter()
        self.wrong: list[str] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def query(self, kind: str, rng: random.Random) -> tuple[str, Decimal | None]:
        if kind == "metrics":
            return "/metrics", None
        if kind == "cached":
            start, end = self.today - dt.timedelta(days=30), self.today - dt.timedelta(days=1)
        else:
            start = self.today - dt.timedelta(days=rng.randint(1, DAYS + 10))
            end = start + dt.timedelta(days=rng.randint(0, 60))
            end = min(end, self.today)
        group = rng.choice(["service", "account", "service,account"])
        path = f"/api/costs?start={start}&end={end}&group_by={group}&page_size=5"
        return path, expected_total(start, end, today=self.today)

    def client(self, number: int) -> None:
        rng = random.Random(self.seed * 1000 + number)
        kinds = [kind for kind, weight in self.MIX for _ in range(weight)]
        conn = http.client.HTTPConnection(self.host, timeout=30)
        while not self.stop.is_set():
            kind = rng.choice(kinds)
            path, expected = self.query(kind, rng)
            began = time.perf_counter()
            try:
                if kind == "metrics":  # the API port serves /metrics behind METRICS_TOKEN in production
                    status, body = request(self.host, path, METRICS_TOKEN, conn, scheme="Bearer")
                else:
                    status, body = request(self.host, path, self.token, conn)
            except OSError as exc:
                status, body = 0, str(exc)
                conn = http.client.HTTPConnection(self.host, timeout=30)
            elapsed = time.perf_counter() - began
            with self.lock:
                self.statuses[status] += 1
                self.latencies[kind].append(elapsed)
                if status != 200:
                    self.wrong.append(f"{status} {path}")
                elif expected is not None and Decimal(body["data"]["total"]) != expected:
                    self.wrong.append(f"wrong total {body['data']['total']} != {expected} for {path}")

    @property
    def done(self) -> int:
        return sum(self.statuses.values())

    @contextmanager
    def running(self):
        workers = [threading.Thread(target=self.client, args=(n,), daemon=True) for n in range(self.threads)]
        began = time.perf_counter()
        for worker in workers:
            worker.start()
        try:
            yield self
        finally:
            self.stop.set()
            for worker in workers:
                worker.join(timeout=60)
            self.seconds = time.perf_counter() - began

    def figures(self) -> dict:
        every = sorted(t for times in self.latencies.values() for t in times)

        def ms(times: list[float], q: float) -> float:
            times = sorted(times)
            return round(1000 * times[min(len(times) - 1, int(q * len(times)))], 1) if times else 0.0

        return {
            "seconds": round(self.seconds, 1),
            "requests": len(every),
            "throughput_rps": round(len(every) / self.seconds, 1),
            "p50_ms": ms(every, 0.50),
            "p99_ms": ms(every, 0.99),
            "mean_ms": round(1000 * statistics.fmean(every), 1) if every else 0.0,
            **{f"{kind}_p50_ms": ms(times, 0.50) for kind, times in self.latencies.items()},
            **{f"{kind}_p99_ms": ms(times, 0.99) for kind, times in self.latencies.items()},
            "by_kind": {kind: len(times) for kind, times in self.latencies.items()},
            "errors": len(self.wrong),
            "server_errors": sum(n for status, n in self.statuses.items() if status >= 500),
        }
