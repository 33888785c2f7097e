"""Drop a cached token → user lookup when the token or its user changes (see api.authentication)."""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from rest_framework.authtoken.models import Token

from api.cache_metrics import record_cache_error
from costmonitor.cache_keys import token_user_key


def _forget(keys: list[str]) -> None:
    """After the commit, so a concurrent request cannot cache the state this transaction replaces."""

    def delete() -> None:
        try:
            cache.delete_many([token_user_key(key) for key in keys])
        except Exception as exc:  # the entry then expires after API_AUTH_CACHE_SECONDS
            record_cache_error(operation="auth", error=exc)

    if keys:
        transaction.on_commit(delete)


def token_changed(sender, instance: Token, **kwargs) -> None:
    _forget([instance.key])


def user_changed(sender, instance, **kwargs) -> None:
    """Saved (deactivated, demoted, renamed): its token must be looked up afresh. Deleting a user deletes its
    token, which `token_changed` sees."""
    _forget(list(Token.objects.filter(user_id=instance.pk).values_list("key", flat=True)))


def connect() -> None:
    post_save.connect(token_changed, sender=Token, dispatch_uid="api-token-saved")
    post_delete.connect(token_changed, sender=Token, dispatch_uid="api-token-deleted")
    post_save.connect(user_changed, sender=get_user_model(), dispatch_uid="api-user-saved")
