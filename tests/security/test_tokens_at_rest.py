"""Probe 4: API tokens are stored as digests only, shown once, named, expiring; old DRF tokens are migrated."""

import datetime as dt
import hashlib
import importlib
import re
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from api.models import ApiToken
from tests.security.conftest import SEEN, token_client

pytestmark = pytest.mark.django_db

migration = importlib.import_module("api.migrations.0002_digest_drf_tokens")


def database_text() -> str:
    """Every row of every table, as text: what someone reading the database (or a dump of it) would see."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows)


def shown_tokens(html: str) -> list[str]:
    """The tokens an admin page shows."""
    return re.findall(r"<code>(cm_[A-Za-z0-9_-]+)</code>", html)


def issue(capsys, *args: str) -> str:
    call_command("create_api_token", *args)
    return capsys.readouterr().out.strip()


def test_no_usable_token_value_is_stored_in_the_database(api_user, capsys):
    token = issue(capsys, api_user.username, "--name", "ci")
    assert token_client(token).get("/api/accounts").status_code == 200  # cached, used: every write path taken
    text = database_text()
    assert token not in text
    assert token[8:] not in text  # not even most of it: only an 8-character prefix, to recognize it
    assert hashlib.sha256(token.encode()).hexdigest() in text  # what is stored instead


def test_the_command_names_expires_and_narrows_a_token(api_user, two_accounts, capsys):
    token = issue(capsys, api_user.username, "--name", "finance export", "--expires", "30", "--accounts", SEEN)
    stored = ApiToken.objects.get()
    assert (stored.name, stored.user, list(stored.accounts.values_list("account_id", flat=True))) == (
        "finance export",
        api_user,
        [SEEN],
    )
    assert dt.timedelta(days=29, hours=23) < stored.expires - stored.created <= dt.timedelta(days=30)
    assert token.startswith("cm_")
    assert len(token) == 46


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--expires", "0"], "--expires must be a positive number of days"),
        (["--accounts", "12345"], "--accounts takes 12-digit AWS account ids"),
        (["--accounts", "222222222222"], "unknown account id(s) 222222222222"),
        (["--name", "x" * 129], "--name must be 1 to 128 characters"),
    ],
)
def test_the_command_refuses_bad_arguments_clearly(api_user, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("create_api_token", api_user.username, *args)
    assert not ApiToken.objects.exists()


def test_an_expired_token_is_refused_although_it_was_cached(api_user, capsys):
    token = issue(capsys, api_user.username, "--expires", "1")
    client = token_client(token)
    assert [client.get("/api/forecast").status_code for _ in range(2)] == [200, 200]  # the second from the cache
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=1, seconds=1)):
        body = client.get("/api/forecast").json()
    assert body["error"]["code"] == "AUTHENTICATION_FAILED"


def test_the_admin_shows_a_new_token_once_and_never_again(staff_client, api_user):
    response = staff_client.post(
        reverse("admin:api_apitoken_add"), {"user": api_user.pk, "name": "dashboard", "tag_values": ""}
    )
    assert response.status_code == 200
    stored = ApiToken.objects.get()
    [token] = shown_tokens(response.content.decode())
    assert token.startswith(stored.prefix)
    assert "no-store" in response["Cache-Control"]
    assert token_client(token).get("/api/accounts").status_code == 200
    for page in (reverse("admin:api_apitoken_change", args=[stored.pk]), reverse("admin:api_apitoken_changelist")):
        assert token not in staff_client.get(page).content.decode()


def test_the_admin_rotates_and_revokes_at_once(staff_client, api_user, django_capture_on_commit_callbacks):
    from api.tokens import issue_api_token

    old = issue_api_token(username=api_user.username, name="cron")
    assert token_client(old).get("/api/accounts").status_code == 200  # now cached
    changelist = reverse("admin:api_apitoken_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        page = staff_client.post(
            changelist, {"action": "rotate", "_selected_action": [ApiToken.objects.get().pk]}
        ).content.decode()
    [new] = shown_tokens(page)
    assert (token_client(old).get("/api/accounts").status_code, token_client(new).get("/api/accounts").status_code) == (
        401,
        200,
    )
    assert ApiToken.objects.get().name == "cron"
    revoked = ApiToken.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("admin:api_apitoken_delete", args=[revoked.pk]), {"post": "yes"})
    assert token_client(new).get("/api/accounts").status_code == 401


def test_existing_drf_tokens_are_migrated_to_digests_and_erased(api_user):
    """An installation upgraded from DRF tokens: each old token keeps working, none stays in clear."""
    legacy = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE "authtoken_token" ("key" varchar(40) PRIMARY KEY, "user_id" integer, "created" timestamp)'
        )
        cursor.execute(
            'INSERT INTO "authtoken_token" VALUES (%s, %s, %s)', [legacy, api_user.pk, dt.datetime(2025, 1, 1)]
        )
    # What RunPython hands the function, without a schema editor (SQLite refuses one inside the test's transaction).
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    migration.digest_legacy_tokens(apps, editor)
    assert token_client(legacy).get("/api/accounts").status_code == 200
    assert legacy not in database_text()
    assert ApiToken.objects.get().name == "migrated DRF token"
