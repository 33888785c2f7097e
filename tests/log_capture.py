"""Log lines captured as stderr renders them: what tests search for masked and unmasked values."""

import contextlib


@contextlib.contextmanager
def captured_log(*, level: int | None = None):
    """Yield a callable returning the lines logged meanwhile, through the same formatter and masking filter as
    stderr. `level`: lower the root logger (and Django's and gunicorn's, which have their own) to it, and keep
    stderr quiet meanwhile."""
    import io
    import logging

    root = logging.getLogger()
    console = next(h for h in root.handlers if h.formatter is not None and h.filters)
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(console.formatter)
    for log_filter in console.filters:
        handler.addFilter(log_filter)
    loggers = [root, logging.getLogger("django"), logging.getLogger("gunicorn.error")] if level else []
    levels, console_level = [logger.level for logger in loggers], console.level
    for logger in loggers:
        logger.setLevel(level)
    if level:
        console.setLevel(logging.CRITICAL + 1)
    root.addHandler(handler)
    try:
        yield lambda: buffer.getvalue().splitlines()
    finally:
        root.removeHandler(handler)
        for logger, previous in zip(loggers, levels, strict=True):
            logger.setLevel(previous)
        console.setLevel(console_level)
