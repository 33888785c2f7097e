"""gunicorn's logger routed through Django's structured LOGGING; the access log as JSON with the request's context."""

import logging
import logging.config
import os
from typing import Any

from gunicorn import glogging


class StructuredLogger(glogging.Logger):
    """gunicorn.error and gunicorn.access lines rendered and masked like every other log line."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "costmonitor.settings")
        from django.conf import settings

        # Replaces the handlers gunicorn just installed with ours (JSON formatter, masking filter).
        logging.config.dictConfig(settings.LOGGING)

    def access(self, resp: Any, req: Any, environ: dict, request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        headers = dict((name.lower(), value) for name, value in resp.headers)
        self.access_log.info(
            "access",
            extra={
                "endpoint": environ.get("PATH_INFO", ""),
                "method": environ.get("REQUEST_METHOD", ""),
                "user_agent": environ.get("HTTP_USER_AGENT", ""),
                "request_id": headers.get("x-request-id", ""),
                "status": int(status),
                "remote_addr": environ.get("REMOTE_ADDR", ""),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
            },
        )
