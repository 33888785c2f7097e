"""Django settings for costmonitor, from the environment (README's settings table), assembled one concern at a time."""

# One module per concern. Each reads the environment through base's `env` and imports by name what it needs from
# another (the cache and celery read redis's URLs), so their order here does not matter. Ranges and choices
# are system checks (costmonitor/checks.py); only what Django cannot start with is refused at import.
from costmonitor.settings.api import *  # noqa: F403
from costmonitor.settings.base import *  # noqa: F403
from costmonitor.settings.cache import *  # noqa: F403
from costmonitor.settings.celery import *  # noqa: F403
from costmonitor.settings.collection import *  # noqa: F403
from costmonitor.settings.database import *  # noqa: F403
from costmonitor.settings.logging import *  # noqa: F403
from costmonitor.settings.metrics import *  # noqa: F403
from costmonitor.settings.redis import *  # noqa: F403
from costmonitor.settings.security import *  # noqa: F403
