"""API tokens for scripts: issued, rotated and revoked here; the database keeps only their digests.

A token is `cm_` and 43 URL-safe characters (256 random bits, `secrets.token_urlsafe`). The prefix lets log
masking (`costmonitor.masking`) and secret scanners recognize one wherever it is written.
"""

import datetime as dt
import secrets
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from api.models import ApiToken
from collection.models import AwsAccount
from costmonitor.cache_keys import token_digest

TOKEN_PREFIX = "cm_"  # noqa: S105 - a prefix, not a secret
DEFAULT_NAME = "manage.py create_api_token"


@transaction.atomic
def issue_api_token(
    *,
    username: str,
    name: str = DEFAULT_NAME,
    expires_days: int | None = None,
    account_ids: Iterable[str] = (),
    rotate: bool = False,
) -> str:
    """A new API token of `username`, named `name`, valid `expires_days` (None: no expiry), narrowed to
    `account_ids` when given; `rotate` first revokes the user's tokens of that name. The token is returned once:
    only its digest is stored. An unknown user raises LookupError; an unknown account id or a non-positive
    `expires_days`, ValueError."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise LookupError(f"no user {username!r}")
    if not name.strip() or len(name) > ApiToken._meta.get_field("name").max_length:
        raise ValueError(f"--name must be 1 to 128 characters, not {len(name)}")
    if expires_days is not None and expires_days < 1:
        raise ValueError(f"--expires must be a positive number of days, not {expires_days}")
    wanted = sorted(set(account_ids))
    accounts = list(AwsAccount.objects.filter(account_id__in=wanted))
    unknown = sorted(set(wanted) - {a.account_id for a in accounts})
    if unknown:
        raise ValueError(f"unknown account id(s) {', '.join(unknown)}: collect accounts first (manage.py collect)")
    if rotate:
        ApiToken.objects.filter(user=user, name=name).delete()
    expires = None if expires_days is None else timezone.now() + dt.timedelta(days=expires_days)
    issued = ApiToken(name=name, user=user, expires=expires)
    token = set_new_token(issued)
    issued.save()
    issued.accounts.set(accounts)
    return token


def set_new_token(token: ApiToken) -> str:
    """Give `token` a fresh value (its digest and prefix); the value, to show once. The caller saves `token`."""
    value = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token.digest, token.prefix = token_digest(value), value[:8]
    return value


@transaction.atomic
def rotate_api_token(token: ApiToken) -> str:
    """Replace `token` with a new one of the same user, name, scope and lifetime; the old one stops at once."""
    lifetime = None if token.expires is None else token.expires - token.created
    accounts = list(token.accounts.all())
    replacement = ApiToken(name=token.name, user=token.user, tag_values=token.tag_values)
    value = set_new_token(replacement)
    replacement.expires = None if lifetime is None else replacement.created + lifetime
    token.delete()
    replacement.save()
    replacement.accounts.set(accounts)
    return value
