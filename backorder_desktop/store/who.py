"""Who the open database's changes are made by: the operating-system login on SQLite, the
database role the session logged in as on PostgreSQL; and on which machine."""

from __future__ import annotations

import getpass
import os
import socket
from dataclasses import dataclass

import peewee

from backorder_desktop.store.database import db, query


@dataclass(frozen=True)
class Who:
    user: str
    host: str


_host: str | None = None
_user_of: tuple[object, str] | None = None  # (the database it was asked of, its session user)


def who() -> Who:
    """The person and the machine of the open database's changes."""
    global _host, _user_of
    if _host is None:
        _host = socket.gethostname()
    if not isinstance(db.obj, peewee.PostgresqlDatabase):
        return Who(_os_login(), _host)
    if _user_of is None or _user_of[0] is not db.obj:
        ((user,),) = query("SELECT session_user")
        _user_of = (db.obj, str(user))
    return Who(_user_of[1], _host)


def _os_login() -> str:
    """The login of the process's user, by its uid where there are uids (the environment's USER
    could be set to anything); on Windows, as getpass finds it."""
    try:
        import pwd
    except ImportError:
        return getpass.getuser()
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # no name for this uid (a bare container)
        return str(os.getuid())
