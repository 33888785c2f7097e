"""Logging (costmonitor/log.py): masked JSON lines; console when DEBUG on a terminal."""

from costmonitor.log import configure_logging
from costmonitor.settings.base import DEBUG, env

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOG_FORMAT = env.str("LOG_FORMAT", default="auto").lower()
LOGGING = configure_logging(level=LOG_LEVEL, fmt=LOG_FORMAT, debug=DEBUG)
