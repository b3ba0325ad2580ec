"""Who is working, and what they may do (SPEC 8).

On SQLite whoever can open the file is its administrator: the file, readable by its owner
only, is the boundary, and the person is the operating-system login. On PostgreSQL the person
is the database role the session logged in as, and the server decides what it may do: the
owner and the members of the database's administrators' group may change the Order Entry
preferences and the schedules and grant roles; staff may do everything else. The program asks
the server (`has_table_privilege`) so as to say so before trying; the server refuses the write
by its own privileges all the same.
"""

from __future__ import annotations

import peewee

from backorder_desktop.domain import clock
from backorder_desktop.domain.errors import BadInput, Problem, Refused
from backorder_desktop.store.database import db, query, write
from backorder_desktop.store.who import Who as Who
from backorder_desktop.store.who import who as who

LEVELS = ("admin", "staff", "none")


class NeedsAdministrator(Refused):
    """A change only an administrator may make, asked for by someone who is not one."""


def is_server() -> bool:
    return isinstance(db.obj, peewee.PostgresqlDatabase)


def is_administrator() -> bool:
    """Whether this session may change the preferences and the schedules (the server says)."""
    if not is_server():
        return True
    ((allowed,),) = query("SELECT has_table_privilege('schedule', 'UPDATE')")
    return bool(allowed)


def require_administrator(what: str) -> None:
    """NeedsAdministrator unless this session may do WHAT (a phrase: "changing the schedules")."""
    if not is_administrator():
        raise NeedsAdministrator(f"permission denied: {what} needs an administrator ({who().user} is staff)")


def roles() -> tuple[str, str] | None:
    """The database's administrators' and staff groups on the server; None on SQLite."""
    if not is_server():
        return None
    ((admin, staff),) = query("SELECT admin_role, staff_role FROM team")
    return str(admin), str(staff)


def level_of(user: str) -> str:
    """'owner', 'admin', 'staff' or 'none': what USER (a role of the server) is in this database."""
    found = roles()
    if found is None:
        return "owner"
    admin, staff = found
    ((owner, is_admin, is_staff),) = query(
        "SELECT pg_has_role(?, (SELECT tableowner FROM pg_tables"
        "   WHERE tablename = 'schedule' AND schemaname = current_schema()), 'USAGE'),"
        " pg_has_role(?, ?, 'USAGE'), pg_has_role(?, ?, 'USAGE')",
        (user, user, admin, user, staff),
    )
    return "owner" if owner else "admin" if is_admin else "staff" if is_staff else "none"


def change_level(user: str, level: str) -> str:
    """Make the login role USER an administrator or a staff member of this database, or neither
    (LEVEL 'none'); only on PostgreSQL, by the owner or an administrator. Returns what USER was
    before ('admin', 'staff' or 'none'); the same level changes nothing. The server's
    `backorder_grant` checks it all again, makes the change and logs it (store/groups.py)."""
    if level not in LEVELS:
        raise BadInput([Problem("grant", "level", f"must be admin, staff or none, not {level!r}")])
    if not is_server():
        raise Refused(
            "grant works on a PostgreSQL database only: on SQLite whoever can open the file is its"
            " administrator, and the file's permissions decide who can"
        )
    require_administrator("granting roles")
    with write():
        rows = query(
            "SELECT rolname, rolcanlogin, rolsuper FROM pg_roles WHERE rolname IN (?, ?)",
            (user, user.lower()),
        )
        if not rows:
            raise Refused(f"the server has no role {user!r}: create the login first (CREATE ROLE … LOGIN)")
        # As typed, or as PostgreSQL folds a name written without quotes (CREATE ROLE Ann: ann).
        ((user, can_login, superuser),) = [row for row in rows if row[0] == user] or rows[:1]
        if not can_login:
            raise Refused(f"{user} is not a login role: grant to a person's login, not to a group")
        if superuser or level_of(user) == "owner":
            raise Refused(f"{user} owns this database (or is a superuser): it may do everything already")
        ((before,),) = query("SELECT backorder_grant(?, ?, ?, ?)", (user, level, who().host, clock.now()))
    return str(before)
