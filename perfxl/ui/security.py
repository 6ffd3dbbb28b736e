"""What keeps the local page safe: the LAN token, CSRF tokens and upload names.

- **Where it listens.** On 127.0.0.1 only the user's own programs reach the page; a web page
  elsewhere could still send the browser there (DNS rebinding), so a request whose ``Host``
  is not a loopback name is refused. ``--host 0.0.0.0`` (an office LAN) requires a random
  token: the address printed at start carries ``?token=…``; the first visit sets a cookie
  and every later request must carry it.
- **CSRF.** Every POST must carry the session's random token (form field ``csrf_token`` or
  header ``X-CSRF-Token``), compared in constant time. The few lines here do what Flask-WTF's
  CSRFProtect does, without WTForms and its form classes that no page here needs.
- **Upload names.** werkzeug's ``secure_filename`` keeps ASCII only, so 某某中心.xlsx would
  become ``xlsx``; :func:`upload_name` keeps Chinese, drops every folder part (``../``, ``C:\\``),
  and makes the name safe on Windows (the same rules as the blank forms' names).
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import unicodedata

from perfxl.write.blank import safe_filename

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
TOKEN_COOKIE = "perfxl_token"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]", "::1")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def same_token(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def is_loopback(host: str) -> bool:
    name = host.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def loopback_host_header(host_header: str) -> bool:
    """Whether a request's ``Host`` names this machine (``127.0.0.1:8000``, ``localhost``)."""
    host = host_header.strip().lower()
    if host.startswith("["):
        name = host[: host.find("]") + 1] if "]" in host else host
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name in LOOPBACK_NAMES


def upload_name(raw: str | None, suffixes: tuple[str, ...]) -> str | None:
    """A safe file name for an upload, or None when nothing usable is left or its type is
    not one of ``suffixes`` (lower case, with the dot).

    Only the last part of the name counts (browsers send ``folder/sub/a.xlsx`` for a folder
    upload, old ones ``C:\\Users\\…\\a.xlsx``); control characters and leading dots go, Windows'
    forbidden characters become ``_``, a reserved device name (CON, NUL, COM1…) gets a ``_``
    in front, and the result stays short enough for every file system."""
    if not raw:
        return None
    text = unicodedata.normalize("NFC", raw)
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = text.strip().lstrip(".").strip()
    if not text or text in (".", ".."):
        return None
    stem, dot, ext = text.rpartition(".")
    if not dot or not stem.strip(" ."):
        return None
    suffix = "." + ext.lower()
    if suffix not in suffixes:
        return None
    safe = safe_filename(stem.strip(), limit=80)
    return safe + suffix
