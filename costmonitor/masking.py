"""The design's mask_sensitive_data: account ids as 1234****5678; AWS keys, secrets and every token never shown."""

import re
from typing import Any

from django.conf import settings

ACCOUNT_ID = re.compile(r"(?<![0-9])([0-9]{4})[0-9]{4}([0-9]{4})(?![0-9])")
ACCESS_KEY = re.compile(r"\b((?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{4})[A-Z0-9]{12}\b")
# Labels a credential follows, in every form a library logs one: botocore's XML answers
# (<SecretAccessKey>…</SecretAccessKey>, <SessionToken>), JSON bodies and Python reprs of parsed answers and
# request headers ("SessionToken": "…", 'X-Amz-Security-Token': b'…'), header lines (X-Amz-Security-Token: …),
# query strings of presigned URLs (X-Amz-Security-Token=…&X-Amz-Signature=…), environment and config lines
# (AWS_SESSION_TOKEN=…, aws_secret_access_key = …) and SigV4's Authorization header (Signature=…).
# https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_ResponseElements
# https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
_LABEL = r"(?:aws_?)?secret_?access_?key|(?:aws_?)?session_?token|(?:x-amz-)?security-?token|(?:x-amz-)?signature"
# After the label: quotes, spaces or backslashes (an escaped JSON string) around one of : = > (so prose such as
# "the signature you provided" is left alone), and a bytes repr's b prefix.
_SEPARATOR = r"""[\s"'\\]*(?:[:=>]|&gt;|%3D)(?:[\s"'\\]|\bb(?=["']))*"""
# The value: base64, hex or URL-encoded, up to a quote, tag, space, comma or &. Not after "/": a closing tag.
CREDENTIAL = re.compile(rf"(?i)(?<![a-z0-9/])({_LABEL})({_SEPARATOR})[A-Za-z0-9/+=%._~-]+")
ACCOUNT_KEYS = {"account_id", "access_key", "aws_access_key_id"}
# Keys of logged dicts whose value is a credential, compared without case, "_" or "-": masked whole.
SECRET_KEYS = {
    "awssecretaccesskey",
    "secretaccesskey",
    "awssessiontoken",
    "sessiontoken",
    "securitytoken",
    "xamzsecuritytoken",
    "xamzsignature",
    "authorization",
}
MASK = "****"
# An API token (api.tokens: "cm_" and 43 URL-safe characters) anywhere, and any credential after "Token ",
# "Bearer " or a query parameter that carries one (older 40-hex DRF tokens, METRICS_TOKEN): URLs and headers alike.
API_TOKEN = re.compile(r"\bcm_[A-Za-z0-9_-]{43}")
TOKEN_CREDENTIAL = re.compile(
    r"(?i)(\b(?:token|bearer)\s+|\b(?:token|access_token|api_key|apikey|key|auth)=)[A-Za-z0-9._~+/=%-]{16,}"
)


def mask_text(text: str) -> str:
    """Mask every account id, access key id, secret key, session token, signature and API token found in free text."""
    text = API_TOKEN.sub(f"cm_{MASK}", text)
    text = TOKEN_CREDENTIAL.sub(rf"\1{MASK}", text)
    text = CREDENTIAL.sub(rf"\1\2{MASK}", text)
    text = ACCESS_KEY.sub(r"\1************", text)
    return ACCOUNT_ID.sub(r"\1****\2", text)


def _normalized(key: Any) -> str:
    return str(key).lower().replace("_", "").replace("-", "")


def mask_sensitive_data(data: Any) -> Any:
    """A masked copy of `data` (dicts, lists and strings, nested); other values come back as they are."""
    if isinstance(data, dict):
        return {k: _masked_value(k, v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return type(data)(mask_sensitive_data(v) for v in data)
    if isinstance(data, str):
        return mask_text(data)
    return data


def _masked_value(key: Any, value: Any) -> Any:
    if value is None:
        return None
    if _normalized(key) in SECRET_KEYS:
        return MASK
    if str(key).lower() in ACCOUNT_KEYS:
        return mask_text(str(value))
    return mask_sensitive_data(value)


def public_account_id(account_id: str) -> str:
    """An account id as the API and /metrics show it: masked when MASK_ACCOUNT_IDS is on."""
    return mask_text(account_id) if getattr(settings, "MASK_ACCOUNT_IDS", False) else account_id
