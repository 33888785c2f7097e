"""Real processes for the abuse scenarios: a big cost history made by SQL, the web role's gunicorn with its own
configuration, clients that ask for expensive answers in a loop, and a /health probe timing every answer."""

import datetime as dt
import http.client
import json
import os
import random
import subprocess
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

from tests.metrics.servers import server_env
from tests.processes import ROOT, free_port, wait_until

# Codes an API request may end with under abuse: each a bound doing its work.
BOUNDED_CODES = {"QUERY_TIMEOUT", "SERVER_BUSY", "THROTTLED", "RESULT_TOO_LARGE"}


@dataclass(frozen=True)
class History:
    first: dt.date
    days: int
    accounts: int
    services: int

    @property
    def rows(self) -> int:
        return self.days * self.accounts * self.services


def seed_history(*, today: dt.date, days: int, accounts: int, services: int) -> History:
    """Commit `days` x `accounts` x `services` daily costs ending yesterday, made by PostgreSQL's generate_series."""
    first = today - dt.timedelta(days=days)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO collection_awsaccount (account_id, name, email, status, is_payer, first_seen, last_seen) "
            "SELECT (400000000000 + a)::text, 'load-' || a, '', 'ACTIVE', false, now(), now() "
            "FROM generate_series(0, %s - 1) a",
            [accounts],
        )
        cursor.execute(
            "INSERT INTO collection_costdata (date, account_id, service, region, unblended_cost, amortized_cost, "
            "currency, estimated, collected_at, updated_at) "
            "SELECT %s::date + n, (400000000000 + a)::text, 'Service ' || s, '', ((a * 7 + s * 13 + n) %% 500) / 7.0, "
            "0, 'USD', false, now(), now() "
            "FROM generate_series(0, %s - 1) n, generate_series(0, %s - 1) a, generate_series(0, %s - 1) s",
            [first, days, accounts, services],
        )
        cursor.execute("ANALYZE collection_costdata")
    return History(first=first, days=days, accounts=accounts, services=services)


@dataclass
class Server:
    host: str
    metrics_host: str
    log: Path


@contextmanager
def web_role(**env: str):
    """The web role as the entrypoint runs it (`gunicorn --config gunicorn.conf.py costmonitor.web:application`,
    2 workers x 4 threads by default) on free ports, on this test's committed database; yields its Server."""
    port, metrics_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as multiproc:
        log = Path(multiproc) / "gunicorn.log"
        settings = {
            "BIND_HOST": "127.0.0.1",
            "PORT": str(port),
            "METRICS_PORT": str(metrics_port),
            "PROMETHEUS_MULTIPROC_DIR": str(Path(multiproc) / "prometheus"),
            **env,
        }
        args = [str(ROOT / ".venv" / "bin" / "python"), "-m", "gunicorn", "--config", "gunicorn.conf.py"]
        with log.open("w") as out:
            proc = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                [*args, "costmonitor.web:application"], cwd=ROOT, env=server_env(**settings), stdout=out, stderr=out
            )
        host = f"127.0.0.1:{port}"
        try:
            wait_until(
                lambda: proc.poll() is None and get(host, "/health").status in (200, 503), what=f"gunicorn\n{log}"
            )
            yield Server(host=host, metrics_host=f"127.0.0.1:{metrics_port}", log=log)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


@dataclass(frozen=True)
class Answer:
    status: int
    seconds: float
    content_type: str
    body: bytes

    def envelope(self) -> dict | None:
        """The JSON envelope answered, None when the body is not one."""
        if not self.content_type.startswith("application/json"):
            return None
        found = json.loads(self.body)
        return found if set(found) == {"status", "data", "metadata", "error"} else None


def get(host: str, path: str, token: str = "", timeout: float = 60) -> Answer:
    """GET `path` on a fresh connection (as a probe or a script makes it), read to the end and timed."""
    began = time.perf_counter()
    conn = http.client.HTTPConnection(host, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Authorization": f"Token {token}"} if token else {})
        response = conn.getresponse()
        body = response.read()
        return Answer(response.status, time.perf_counter() - began, response.getheader("Content-Type", ""), body)
    finally:
        conn.close()


@dataclass
class Tally:
    """What the clients got: every answer's latency, its status and code; what did not end as an envelope."""

    seconds: list[float] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, path: str, answer: Answer | None, error: str = "") -> None:
        with self.lock:
            if answer is None:
                self.wrong.append(f"{kind} {path}: {error}")
                return
            self.seconds.append(answer.seconds)
            if answer.status == 200 and (answer.content_type.startswith("text/csv") or answer.envelope()):
                self.outcomes[f"{kind} 200"] += 1
                return
            envelope = answer.envelope()
            code = envelope["error"]["code"] if envelope and envelope["error"] else None
            self.outcomes[f"{kind} {answer.status} {code}"] += 1
            if code not in BOUNDED_CODES:
                self.wrong.append(f"{kind} {path}: {answer.status} {answer.body[:200]!r}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


class Abuse:
    """One user's `expensive` clients asking for distinct uncached breakdowns and `exports` clients downloading
    CSV exports, each in a loop, while a probe asks /health every `probe_every` seconds."""

    def __init__(self, *, host: str, token: str, history: History, expensive: int = 16, exports: int = 10) -> None:
        self.host, self.token, self.history = host, token, history
        self.clients = [("expensive", n) for n in range(expensive)] + [("export", n) for n in range(exports)]
        self.tally, self.health = Tally(), []
        self.health_statuses: Counter = Counter()
        self.stop, self.lock = threading.Event(), threading.Lock()

    def path(self, kind: str, rng: random.Random) -> str:
        history = self.history
        if kind == "export":  # about 30 days of every account and service, daily: tens of thousands of rows
            start = history.first + dt.timedelta(days=rng.randint(0, history.days - 31))
            end = start + dt.timedelta(days=rng.randint(20, 30))
            return f"/api/costs?format=csv&start={start}&end={end}&group_by=account,service&granularity=daily"
        start = history.first + dt.timedelta(days=rng.randint(0, history.days // 3))
        end = start + dt.timedelta(days=rng.randint(history.days // 3, history.days // 2))
        group = rng.choice(["service", "account", "account,service"])
        granularity = rng.choice(["daily", "monthly"])
        return f"/api/costs?start={start}&end={end}&group_by={group}&granularity={granularity}&page_size=5"

    def client(self, kind: str, number: int) -> None:
        rng = random.Random(f"{kind}-{number}")
        while not self.stop.is_set():
            path = self.path(kind, rng)
            try:
                answer = get(self.host, path, self.token)
            except OSError as exc:
                self.tally.add(kind, path, None, repr(exc))
            else:
                self.tally.add(kind, path, answer)
                if answer.status == 503:  # as a script would: wait what Retry-After says, or a moment
                    time.sleep(0.2)

    def probe(self, every: float) -> None:
        while not self.stop.is_set():
            try:
                answer = get(self.host, "/health", timeout=30)
            except OSError as exc:
                self.health_statuses[repr(exc)] += 1
            else:
                with self.lock:
                    self.health.append(answer.seconds)
                self.health_statuses[answer.status] += 1
            time.sleep(every)

    def run(self, *, seconds: float, probe_every: float = 0.1, baseline: float = 3) -> dict:
        """Probe /health alone for `baseline` seconds (what this machine answers unloaded), then under abuse."""
        probe = threading.Thread(target=self.probe, args=(probe_every,), daemon=True)
        probe.start()
        time.sleep(baseline)
        with self.lock:
            unloaded, self.health = self.health, []
        threads = [threading.Thread(target=self.client, args=c, daemon=True) for c in self.clients]
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        self.stop.set()
        for thread in [probe, *threads]:
            thread.join(timeout=120)
        return {
            **self.figures(seconds),
            "unloaded_health_p50_ms": round(1000 * percentile(unloaded, 0.50), 1),
            "unloaded_health_p99_ms": round(1000 * percentile(unloaded, 0.99), 1),
        }

    def figures(self, seconds: float) -> dict:
        return {
            "seconds": seconds,
            "api_requests": len(self.tally.seconds) + len(self.tally.wrong),
            "api_max_s": round(max(self.tally.seconds, default=0.0), 2),
            "api_p99_s": round(percentile(self.tally.seconds, 0.99), 2),
            "outcomes": dict(sorted(self.tally.outcomes.items())),
            "not_an_envelope": len(self.tally.wrong),
            "health_probes": len(self.health),
            "health_statuses": {str(k): v for k, v in self.health_statuses.items()},
            "health_p50_ms": round(1000 * percentile(self.health, 0.50), 1),
            "health_p99_ms": round(1000 * percentile(self.health, 0.99), 1),
            "health_max_ms": round(1000 * max(self.health, default=0.0), 1),
        }


def report(name: str, figures: dict) -> None:
    """Print the figures as one JSON line (pytest -s shows it; SECURITY_FIGURES names a file to add them to)."""
    print(f"\n{name}: {json.dumps(figures)}")
    target = os.environ.get("SECURITY_FIGURES")
    if target:
        path = Path(target)
        saved = json.loads(path.read_text()) if path.exists() else {}
        path.write_text(json.dumps({**saved, name: figures}, indent=2))
