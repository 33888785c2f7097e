"""The design's mask_sensitive_data: account ids as 1234****5678, AWS keys and API tokens never in clear."""

import re
from typing import Any

from django.conf import settings

ACCOUNT_ID = re.compile(r"(?<!\d)(\d{4})\d{4}(\d{4})(?!\d)")
ACCESS_KEY = re.compile(r"\b((?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{4})[A-Z0-9]{12}\b")
SECRET_KEY = re.compile(r"(?i)(aws_secret_access_key|secret_access_key|secretaccesskey)([\"'\s:=]+)[A-Za-z0-9/+=]{40}")
# An API token (api.tokens: "cm_" and 43 URL-safe characters) anywhere, and any credential after "Token ",
# "Bearer " or a query parameter that carries one (older 40-hex DRF tokens, METRICS_TOKEN): URLs and headers alike.
API_TOKEN = re.compile(r"\bcm_[A-Za-z0-9_-]{43}")
CREDENTIAL = re.compile(
    r"(?i)(\b(?:token|bearer)\s+|\b(?:token|access_token|api_key|apikey|key|auth)=)[A-Za-z0-9._~+/=%-]{16,}"
)
SENSITIVE_KEYS = {"account_id", "access_key", "aws_access_key_id", "aws_secret_access_key", "secret_access_key"}


def mask_text(text: str) -> str:
    """Mask every account id, access key id, secret key and API token found in free text."""
    text = API_TOKEN.sub("cm_****", text)
    text = CREDENTIAL.sub(r"\1****", text)
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
