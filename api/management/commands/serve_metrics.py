"""Serve /metrics alone on the design's separate metrics port (8080 by default)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.servers.basehttp import run


class Command(BaseCommand):
    help = "Serve only /metrics on METRICS_PORT (threaded; under load, run api.metrics.wsgi in gunicorn)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=settings.METRICS_ADDR, help="Address to bind (METRICS_ADDR).")
        parser.add_argument("--port", type=int, default=settings.METRICS_PORT, help="Port to bind (METRICS_PORT).")

    def handle(self, *args, addr: str, port: int, **options):
        if not 0 <= port <= 65535:
            raise CommandError(f"--port must be 0..65535, got {port}")
        from api.metrics.wsgi import application

        ipv6 = ":" in addr
        addr = addr.strip("[]")
        self.stdout.write(f"Serving /metrics on http://{f'[{addr}]' if ipv6 else addr}:{port}/metrics")
        run(addr, port, application, ipv6=ipv6, threading=True)
