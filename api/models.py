"""API access: tokens kept as digests only, and scopes that limit a user or a token to some accounts and tag values."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from collection.models import AwsAccount
from collection.selectors.scope import Scope, parse_tag_values


def validate_tag_values(text: str) -> None:
    """One `key=value` per line (`key=` is the untagged cost of `key`)."""
    try:
        parse_tag_values(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class ScopeFields(models.Model):
    """What a scope lets its holder see: these accounts' costs, forecasts, recommendations, and these tag values."""

    accounts = models.ManyToManyField(AwsAccount, blank=True, related_name="+")
    tag_values = models.TextField(
        blank=True,
        validators=[validate_tag_values],
        help_text="key=value lines (key= for untagged); tag costs span accounts.",
    )

    class Meta:
        abstract = True

    def as_scope(self) -> Scope:
        # `accounts.all()` rather than values_list: an admin form's prefetch serves it without a query.
        return Scope(
            accounts=frozenset(a.account_id for a in self.accounts.all()),
            tags=frozenset(parse_tag_values(self.tag_values)),
        )


class AccessScope(ScopeFields):
    """A team's view of the bill. A user in any scope sees what its scopes allow, together; a user in none, all."""

    name = models.CharField(max_length=128, unique=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="access_scopes")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiToken(ScopeFields):
    """An API token, stored as its SHA-256 digest (the token itself is shown once, when created).

    A token with accounts or tag values narrows its user's view to them; one with neither sees what its user sees.
    """

    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False, help_text="The token's first characters, to recognize it.")
    name = models.CharField(max_length=128)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    created = models.DateTimeField(default=timezone.now, editable=False)
    expires = models.DateTimeField(null=True, blank=True, help_text="Empty: never.")

    class Meta:
        ordering = ["user", "name", "-created"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        return self.expires is not None and self.expires <= timezone.now()

    def narrowing(self) -> Scope | None:
        """The scope this token narrows its user's to, None when it narrows nothing."""
        scope = self.as_scope()
        return scope if scope.accounts or scope.tags else None
