"""Structured logging: structlog and stdlib records rendered as one masked JSON object per line."""

import logging
import sys
from typing import Any

import structlog
from django.core.exceptions import ImproperlyConfigured

from costmonitor.masking import mask_sensitive_data, mask_text

# Keys the design puts at the top of a line; everything else goes under "context".
_TOP_LEVEL = {"timestamp", "level", "event"}
FORMATS = ("json", "console", "auto")


def _plain(value: Any) -> Any:
    """JSON-ready values: objects (a request, an exception) as their text, so that text is masked too."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | float):
        return value
    if isinstance(value, int):
        masked = mask_text(str(value))  # an account id logged as a number
        return value if masked == str(value) else masked
    return value if isinstance(value, str) else str(value)


def mask_event(_logger: Any, _name: str, event_dict: dict) -> dict:
    """structlog processor: no account id or AWS key leaves the process in clear, whatever logged it."""
    return mask_sensitive_data(_plain(event_dict))


def design_shape(_logger: Any, _name: str, event_dict: dict) -> dict:
    """structlog processor: `{"timestamp", "level", "message", "context": {...}}`, the design's line shape."""
    return {
        "timestamp": event_dict.get("timestamp"),
        "level": str(event_dict.get("level", "")).upper(),
        "message": event_dict.get("event", ""),
        "context": {k: v for k, v in event_dict.items() if k not in _TOP_LEVEL},
    }


class MaskingFilter(logging.Filter):
    """Masks the text of stdlib records, so handlers with any formatter (gunicorn's, Celery's) never leak."""

    def filter(self, record: logging.LogRecord) -> bool:
        # structlog-originated records carry the event dict as msg; mask_event handles those.
        if not isinstance(record.msg, dict):
            record.msg = mask_text(record.getMessage())
            record.args = ()
        return True


def _renderer(fmt: str, *, debug: bool) -> list:
    if fmt == "auto":
        fmt = "console" if debug and sys.stderr.isatty() else "json"
    # Tracebacks are rendered to text first, so they are masked like everything else.
    masked = [structlog.processors.format_exc_info, mask_event]
    if fmt == "console":
        return [*masked, structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())]
    return [*masked, design_shape, structlog.processors.JSONRenderer()]


def configure_logging(*, level: str, fmt: str, debug: bool) -> dict:
    """Configure structlog and return the `LOGGING` dict that routes every stdlib logger through it.

    https://www.structlog.org/en/stable/standard-library.html#rendering-using-structlog-based-formatters-within-logging
    """
    # Python warnings (deprecations, library notices) become log records too, formatted and masked like the rest.
    logging.captureWarnings(True)
    if fmt not in FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {fmt!r}")
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = {
        "()": structlog.stdlib.ProcessorFormatter,
        "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta, *_renderer(fmt, debug=debug)],
        "foreign_pre_chain": [*shared, structlog.stdlib.ExtraAdder()],
    }
    # Logs go to stderr: stdout stays clean for command output (JSON, CSV) piped elsewhere.
    handler = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "structured"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"mask": {"()": MaskingFilter}},
        "formatters": {"structured": formatter},
        "handlers": {"console": {**handler, "filters": ["mask"]}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Route these through root (and so through the JSON formatter) instead of their own handlers.
            name: {"handlers": [], "propagate": True}
            for name in ("django", "django.server", "gunicorn.error", "gunicorn.access", "celery")
        },
    }
