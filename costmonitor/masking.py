"""The design's mask_sensitive_data: account ids as 1234****5678, AWS keys never in clear."""

import re
from typing import Any

from django.conf import settings

ACCOUNT_ID = re.compile(r"(?<!\d)(\d{4})\d{4}(\d{4})(?!\d)")
ACCESS_KEY = re.compile(r"\b((?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{4})[A-Z0-9]{12}\b")
SECRET_KEY = re.compile(r"(?i)(aws_secret_access_key|secret_access_key|secretaccesskey)([\"'\s:=]+)[A-Za-z0-9/+=]{40}")
SENSITIVE_KEYS = {"account_id", "access_key", "aws_access_key_id", "aws_secret_access_key", "secret_access_key"}


def mask_text(text: str) -> str:
    """Mask every account id, access key id and secret key found in free text."""
    text = SECRET_KEY.sub(r"\1\2****", text)
    text = ACCESS_KEY.sub(r"\1************", text)
    return ACCOUNT_ID.sub(r"\1****\2", text)


def mask_sensitive_data(data: Any) -> Any:
    """A masked copy of `data` (dicts, lists and strings, nested); other values come back as they are."""
    if isinstance(data, dict):
        return {
            k: (mask_text(str(v)) if str(k).lower() in SENSITIVE_KEYS and v is not None else mask_sensitive_data(v))
            for k, v in data.items()
        }
    if isinstance(data, list | tuple):
        return type(data)(mask_sensitive_data(v) for v in data)
    if isinstance(data, str):
        return mask_text(data)
    return data


def public_account_id(account_id: str) -> str:
    """An account id as the API and /metrics show it: masked when MASK_ACCOUNT_IDS is on."""
    return mask_text(account_id) if getattr(settings, "MASK_ACCOUNT_IDS", False) else account_id
