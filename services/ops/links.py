"""Signed, expiring download links: HMAC-SHA256 over the download path and the expiry time.

    token = base64url(file name) "." expiry (unix seconds) "." base64url(hmac(secret, path + "\n" + expiry))

served at GET /downloads/{token}. Nothing is stored: the signature is the permission.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from datetime import datetime

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


class LinkError(Exception):
    """The link cannot be served; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def download_path(file_name: str) -> str:
    return f"/downloads/{file_name}"


def _signature(secret: str, file_name: str, expires: int) -> str:
    message = f"{download_path(file_name)}\n{expires}".encode()
    return _b64(hmac.new(secret.encode(), message, hashlib.sha256).digest())


def sign(file_name: str, expires_at: datetime, secret: str) -> str:
    """The token for `file_name` (a bare name under the exports folder), valid until `expires_at`."""
    if not secret:
        raise ValueError("no signing secret: set KHAACHO_SECRET_KEY")
    if not SAFE_NAME.match(file_name):
        raise ValueError(f"not a plain file name: {file_name!r}")
    expires = int(expires_at.timestamp())
    return f"{_b64(file_name.encode())}.{expires}.{_signature(secret, file_name, expires)}"


def verify(token: str, secret: str, now: datetime) -> str:
    """The file name the token grants, or LinkError: 404 malformed, 403 bad signature or expired."""
    parts = token.split(".")
    if len(parts) != 3 or not token.isascii() or not parts[1].isdigit() or len(parts[1]) > 12 or not secret:
        raise LinkError(404, "no such download")
    try:
        file_name = _unb64(parts[0]).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise LinkError(404, "no such download") from exc
    if not SAFE_NAME.match(file_name):
        raise LinkError(404, "no such download")
    if not hmac.compare_digest(parts[2], _signature(secret, file_name, int(parts[1]))):
        raise LinkError(403, "bad signature")
    if now.timestamp() >= int(parts[1]):
        raise LinkError(403, "link expired")
    return file_name


def link_secret(secrets: object) -> str:
    """KHAACHO_SECRET_KEY, or the key the runtime stored in its place (bot.runtime.with_link_key)."""
    return getattr(secrets, "khaacho_secret_key", None) or ""
