"""The database a --db value names, as it may be shown, and as the driver is given it.

A `postgresql://user:PASSWORD@host:port/db` URL carries a password: it is shown,
logged and remembered only as `postgresql://user:***@host:port/db`. The password
goes to the driver alone, decoded from URL encoding (`p%40ss` is `p@ss`).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

SCHEMES = ("postgresql://", "postgres://")
HIDDEN = "***"
# A password given as a parameter (`?password=…`), which libpq accepts too.
_PASSWORD_PARAMETER = re.compile(r"([?&]password=)[^&#]*", re.IGNORECASE)


class BadUrl(ValueError):
    """A postgresql:// URL that cannot be read; its message never holds the password."""


def shown(target: str) -> str:
    """TARGET as it may be shown: a URL's password replaced by ***; a file path unchanged.

    The user information ends at the last `@`, not at the first `/`, `?` or `#`: a
    password written without URL encoding is hidden whole all the same.
    """
    return _replace_password(target, HIDDEN)


def without_password(target: str) -> str:
    """TARGET with no password at all, for a command a person may copy (the driver then reads
    ~/.pgpass); a file path unchanged."""
    return _replace_password(target, None)


def _replace_password(target: str, by: str | None) -> str:
    """TARGET with the password of its user part and of a `password=` parameter replaced by BY,
    or taken out when BY is None."""
    if not target.startswith(SCHEMES):
        return target
    scheme, rest = target.split("://", 1)
    userinfo, at, place = rest.rpartition("@")
    if at and ":" in userinfo:
        user = userinfo.split(":", 1)[0]
        rest = f"{user}@{place}" if by is None else f"{user}:{by}@{place}"
    if by is not None:
        return f"{scheme}://{_PASSWORD_PARAMETER.sub(lambda m: m.group(1) + by, rest)}"
    base, _mark, query = rest.partition("?")
    kept = [p for p in query.split("&") if p and not p.lower().startswith("password=")]
    return f"{scheme}://{base}{'?' + '&'.join(kept) if kept else ''}"


def connection_settings(url: str) -> dict[str, Any]:
    """The driver's keyword arguments for URL, user name, password and database decoded."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BadUrl(
            "the URL cannot be read: write it as postgresql://user:password@host:port/dbname, with any"
            " @ : / % in the user name or password URL-encoded (%40 %3A %2F %25)"
        ) from None
    settings: dict[str, Any] = {"database": unquote(parts.path.lstrip("/"))}
    if parts.username:
        settings["user"] = unquote(parts.username)
    if parts.password:
        settings["password"] = unquote(parts.password)
    if parts.hostname:
        settings["host"] = unquote(parts.hostname)
    if port:
        settings["port"] = port
    settings.update(parse_qsl(parts.query, keep_blank_values=True))
    return settings


def hide_password(text: str, target: str) -> str:
    """TEXT with any copy of TARGET's password (as written, or decoded) replaced by ***."""
    if not target.startswith(SCHEMES):
        return text
    userinfo = target.split("://", 1)[1].rpartition("@")[0]
    written = [userinfo.split(":", 1)[1] if ":" in userinfo else ""]
    written += [m.group(0).split("=", 1)[1] for m in _PASSWORD_PARAMETER.finditer(target)]
    for password in sorted({*written, *map(unquote, written)}, key=len, reverse=True):
        # Too short a password would blot out ordinary words; the driver never repeats it anyway.
        if len(password) >= 4:
            text = text.replace(password, HIDDEN)
    return text
