"""The setup command that the README's run command calls."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


@pytest.mark.django_db
def test_ensure_admin_creates_one_login_once(tmp_path, settings, capsys):
    settings.DATA_DIR = tmp_path
    call_command("ensure_admin")
    first = capsys.readouterr().out
    password = (tmp_path / "admin-password").read_text().strip()
    assert password in first
    assert get_user_model().objects.get(username="admin").check_password(password)

    call_command("ensure_admin")
    assert "exists" in capsys.readouterr().out
    assert get_user_model().objects.filter(is_superuser=True).count() == 1
