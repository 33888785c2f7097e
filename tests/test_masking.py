"""The design's mask_sensitive_data: account ids and AWS keys never in clear."""

from costmonitor.masking import mask_sensitive_data, mask_text, public_account_id


def test_account_ids_and_keys_are_masked_in_text():
    text = "account 123456789012 key AKIAIOSFODNN7EXAMPLE aws_secret_access_key=" + "a" * 40
    masked = mask_text(text)
    assert "1234****9012" in masked
    assert "123456789012" not in masked
    assert "AKIAIOSFODNN7EXAMPLE" not in masked
    assert "a" * 40 not in masked


def test_nested_structures_are_masked_and_not_mutated():
    data = {"account_id": "123456789012", "items": [{"note": "from 210987654321"}], "amount": 3}
    masked = mask_sensitive_data(data)
    assert masked == {"account_id": "1234****9012", "items": [{"note": "from 2109****4321"}], "amount": 3}
    assert data["account_id"] == "123456789012"


def test_longer_digit_runs_are_not_account_ids():
    assert mask_text("order 1234567890123") == "order 1234567890123"


def test_public_account_id_follows_the_setting(settings):
    settings.MASK_ACCOUNT_IDS = False
    assert public_account_id("123456789012") == "123456789012"
    settings.MASK_ACCOUNT_IDS = True
    assert public_account_id("123456789012") == "1234****9012"
