"""`manage.py collect_costs`: the former name of `manage.py collect`, kept for existing scripts."""

import logging

from collection.management.commands.collect import Command as CollectCommand

logger = logging.getLogger(__name__)


class Command(CollectCommand):
    help = f"Deprecated name of `manage.py collect` (it collects every kind, not only costs). {CollectCommand.help}"

    def handle(self, *args, **options) -> None:
        logger.warning("manage.py collect_costs is deprecated: it is now manage.py collect")
        super().handle(*args, **options)
