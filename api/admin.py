"""Admin for API access: tokens (issued, rotated, revoked; shown once) and the scopes that limit users and tokens."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse

from api.models import AccessScope, ApiToken
from api.tokens import rotate_api_token, set_new_token

ISSUED_TEMPLATE = "admin/api/apitoken/issued.html"
SCOPE_FIELDS = ("accounts", "tag_values")


def _issued(request, issued: list[tuple[ApiToken, str]]) -> TemplateResponse:
    """The page showing new tokens once: rendered in the answer, never kept in a message, a session or a log."""
    context = {
        **admin.site.each_context(request),
        "title": "New API tokens",
        "issued": issued,
        "back": reverse("admin:api_apitoken_changelist"),
    }
    return TemplateResponse(request, ISSUED_TEMPLATE, context)  # the admin's views send it never cached


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Deleting a token revokes it; "Rotate" replaces it with a new value of the same name, scope and lifetime."""

    list_display = ["name", "user", "prefix", "created", "expires", "scoped"]
    list_filter = ["created", "expires"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["prefix", "created"]
    fields = ["user", "name", "expires", *SCOPE_FIELDS, "prefix", "created"]
    filter_horizontal = ["accounts"]
    actions = ["rotate"]

    @admin.display(boolean=True, description="Narrowed")
    def scoped(self, token: ApiToken) -> bool:
        return bool(token.tag_values.strip()) or token.accounts.exists()

    def save_model(self, request, obj: ApiToken, form, change: bool) -> None:
        if not change:
            request.issued_token = set_new_token(obj)
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj: ApiToken, post_url_continue=None):
        return _issued(request, [(obj, request.issued_token)])

    @admin.action(description="Rotate: replace the selected tokens with new ones", permissions=["change"])
    def rotate(self, request, queryset):
        tokens = list(queryset.select_related("user").prefetch_related("accounts"))
        issued = [(token, rotate_api_token(token)) for token in tokens]
        return _issued(request, issued)


@admin.register(AccessScope)
class AccessScopeAdmin(admin.ModelAdmin):
    """A team's accounts and tag values; its users see only those (a user in no scope sees everything)."""

    list_display = ["name"]
    search_fields = ["name", "users__username", "accounts__account_id"]
    fields = ["name", "users", *SCOPE_FIELDS]
    filter_horizontal = ["users", "accounts"]
