"""`manage.py run_banner`, the close of `make run`'s start-up: where, which login, the token command, which data."""

import io

import pytest
from django.core.management import call_command
from moto import mock_aws

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:8123"


def banner() -> list[str]:
    out = io.StringIO()
    call_command("run_banner", "--url", f"{URL}/", stdout=out)
    return out.getvalue().splitlines()


def test_demo_banner_names_the_url_login_password_file_and_token_command(demo_source, tmp_path):
    demo_source.DATA_DIR = tmp_path
    (tmp_path / "admin-password").write_text("secret\n")
    lines = banner()
    assert f"costmonitor is running at {URL}/" in lines
    assert f"  Log in     {URL}/admin/ as 'admin', the password is in {tmp_path / 'admin-password'}" in lines
    assert "  API token  DEBUG=true .venv/bin/python manage.py create_api_token admin" in lines
    assert any(line.startswith("  Data       DEMO: a synthetic bill, not yours") for line in lines)
    assert not any("secret" in line for line in lines)  # the password itself stays in its file


def test_aws_banner_names_the_account_in_use(aws_source, spend_confirmed):
    with mock_aws():
        lines = banner()
    assert (
        "  Data       AWS account 123456789012: collections read your bill, each Cost Explorer request USD 0.01"
        in lines
    )


def test_aws_banner_before_the_go_ahead_says_the_schedule_is_paused_and_how_to_confirm(aws_source):
    with mock_aws():
        lines = banner()
    assert (
        "  Data       AWS account 123456789012: scheduled collections are PAUSED until you confirm their Cost "
        "Explorer spend: DEBUG=true .venv/bin/python manage.py confirm_first_run"
    ) in lines


def test_aws_banner_without_a_working_credential_says_the_account_is_unknown(aws_source, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens: the call fails at once
    aws_source.AWS_MAX_ATTEMPTS, aws_source.API_TIMEOUT = 1, 1
    lines = banner()
    assert any(
        line.startswith("  Data       AWS, account unknown: sts:GetCallerIdentity: AWS could not be") for line in lines
    )
