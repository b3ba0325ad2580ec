"""The administrators' and staff groups of a PostgreSQL database, and their privileges (SPEC 8).

Each database has two groups of its own, named after it and its oid so that no two databases of
a server share one (not `shop-1` and `shop_1`, not a database dropped and made again under its
old name): `backorder_admin_<db>_<oid>` and `backorder_staff_<db>_<oid>`. The table `team` says
which database they were made for. When the owner opens a database whose `team` names no groups
or another database's (a copy made with CREATE DATABASE … TEMPLATE, a restored backup), they are
made here, and the rights on every table go to them alone:

- staff read every table, and write every table but the Order Entry preferences, the schedules,
  `team` and the migration history; of the activity log they may only read and add rows;
- administrators are staff, and may also change the preferences and the schedules, and grant;
- the owner (who made the tables) may do anything;
- no one else has any right on them: rights another role had (granted by hand before the
  database had groups, or by default privileges) are revoked, so that the groups are the
  whole story.

Granting is `backorder_grant(member, level, host, at)`: run with the owner's rights (SECURITY
DEFINER), executable by administrators only, checking everything again itself and writing the
activity row, so that calling it in plain SQL is no way around the rules or the log.
"""

from __future__ import annotations

import logging
import re

import peewee

from backorder_desktop.store.database import db, query
from backorder_desktop.store.errors import DatabaseProblem, Kind
from backorder_desktop.store.identity import HISTORY_TABLE

log = logging.getLogger(__name__)

ADMIN_ONLY = ("preferences", "schedule")  # staff may read them; administrators may change them
READ_ONLY = ("team", HISTORY_TABLE)  # the owner's alone to change
OBJECT_KINDS = {"r": "TABLES", "S": "SEQUENCES", "f": "FUNCTIONS", "T": "TYPES", "n": "SCHEMAS"}


def group_names(database: str, oid: int) -> tuple[str, str]:
    """The administrators' and staff groups of the database DATABASE with oid OID (63 characters
    at most, as PostgreSQL allows)."""
    slug = re.sub(r"[^a-z0-9_]+", "_", database.lower()).strip("_")[:28] or "db"
    return f"backorder_admin_{slug}_{oid}", f"backorder_staff_{slug}_{oid}"


def ensure(place: str) -> None:
    """Give the open PostgreSQL database groups of its own if it has none yet or its original's.

    Only its owner can: anyone else opening such a database gets a DatabaseProblem saying so.
    Nothing to do (one read) on a database set up already, on one older than schema 5 (which
    has no `team`), and on SQLite. Inside a transaction (a migration's) it joins it."""
    if not isinstance(db.obj, peewee.PostgresqlDatabase) or not _has_team() or _set_up_here():
        return
    with db.atomic():
        db.execute_sql("SELECT pg_advisory_xact_lock(7792805)")  # the migrations' lock
        if _set_up_here():
            return  # another program of the team did it meanwhile
        ((owner, may),) = query(
            "SELECT pg_get_userbyid(relowner), pg_has_role(session_user, relowner, 'USAGE')"
            " FROM pg_class WHERE oid = 'team'::regclass"
        )
        if not may:
            raise DatabaseProblem(
                f"{place}: this database has no groups of administrators and staff of its own yet"
                f" (it is new, just upgraded, or a copy of another database); its owner ({owner})"
                " must open it once to make them",
                Kind.PERMISSION_DENIED,
            )
        before = query("SELECT admin_role, staff_role FROM team")
        people = _members(before[0]) if before else []
        made = _set_up(str(owner), place)
        if people:
            _log_copy(before[0], made, people)


def _has_team() -> bool:
    """Whether the database is of schema 5 or later (an older one has no groups to keep)."""
    return not query("SELECT to_regclass('team') IS NULL")[0][0]


def _set_up_here() -> bool:
    rows = query(
        "SELECT t.database_oid = d.oid FROM team t, pg_database d WHERE d.datname = current_database()"
    )
    return bool(rows and rows[0][0])


def _set_up(owner: str, place: str) -> tuple[str, str]:
    """Make the groups (if need be), give them their rights and no one else any; return them."""
    ((name, oid, schema),) = query(
        "SELECT datname, oid, current_schema() FROM pg_database WHERE datname = current_database()"
    )
    admin, staff = group_names(str(name), int(oid))
    missing = [g for g in (admin, staff) if not query("SELECT 1 FROM pg_roles WHERE rolname = ?", (g,))]
    ((may_create,),) = query("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
    if missing and not may_create:
        groups = " and ".join(f'"{g}"' for g in (admin, staff))
        raise DatabaseProblem(
            f"{place}: permission denied: making the groups {groups} needs a role that may create roles: ask"
            f' the server\'s administrator to give "{owner}" CREATEROLE, or to create both groups'
            f' (NOLOGIN) and grant them to "{owner}" WITH ADMIN OPTION; then open it again',
            Kind.PERMISSION_DENIED,
        )
    run = db.execute_sql
    for group in missing:
        run(f'CREATE ROLE "{group}" NOLOGIN')
    _revoke_every_right(str(schema), owner)
    run(f'GRANT "{staff}" TO "{admin}"')  # administrators are staff too
    _give_rights(str(schema), admin, staff)
    run("DELETE FROM team")
    run("INSERT INTO team (database_oid, admin_role, staff_role) VALUES (%s, %s, %s)", (oid, admin, staff))
    log.info("gave the database %s its groups %s and %s", name, admin, staff)
    return admin, staff


def give_rights_again() -> None:
    """After a migration step on a database with groups: the groups' rights on every table as
    they should be, a table the step made included (so that no step has to remember it)."""
    if not isinstance(db.obj, peewee.PostgresqlDatabase) or not _has_team() or not _set_up_here():
        return
    ((schema, admin, staff),) = query("SELECT current_schema(), admin_role, staff_role FROM team")
    _give_rights(str(schema), str(admin), str(staff))


def _give_rights(schema: str, admin: str, staff: str) -> None:
    run = db.execute_sql
    run(f'GRANT USAGE ON SCHEMA "{schema}" TO "{staff}"')
    run(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO "{staff}"')
    run(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{staff}"')
    run(f'REVOKE ALL ON SEQUENCE activity_id_seq FROM "{staff}"')  # the log's trigger numbers rows
    for table in (*ADMIN_ONLY, *READ_ONLY):
        run(f'REVOKE INSERT, UPDATE, DELETE ON "{table}" FROM "{staff}"')
    run(f'REVOKE UPDATE, DELETE ON activity FROM "{staff}"')
    for table in ADMIN_ONLY:
        run(f'GRANT UPDATE ON "{table}" TO "{admin}"')
    run(_GRANT_FUNCTION.replace("{schema}", f'"{schema}"'))
    run("REVOKE ALL ON FUNCTION backorder_grant(TEXT, TEXT, TEXT, TIMESTAMP) FROM PUBLIC")
    run(f'GRANT EXECUTE ON FUNCTION backorder_grant(TEXT, TEXT, TEXT, TIMESTAMP) TO "{admin}"')


def _revoke_every_right(schema: str, owner: str) -> None:
    """No role but the owner keeps a right on the schema's tables, sequences and functions, and
    the owner's default privileges give none to anyone for what is made later."""
    run = db.execute_sql
    grantees = query(
        "SELECT DISTINCT a.grantee FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a"
        " WHERE c.relnamespace = current_schema()::regnamespace AND a.grantee <> c.relowner"
        " UNION SELECT DISTINCT a.grantee FROM pg_proc p CROSS JOIN LATERAL aclexplode(p.proacl) a"
        " WHERE p.pronamespace = current_schema()::regnamespace AND a.grantee <> p.proowner"
    )
    names = ["PUBLIC"] + [f'"{_role(grantee)}"' for (grantee,) in grantees if grantee != 0]
    for who in names:
        for kind in ("TABLES", "SEQUENCES", "FUNCTIONS"):
            run(f'REVOKE ALL ON ALL {kind} IN SCHEMA "{schema}" FROM {who}')
    defaults = query(
        "SELECT d.defaclnamespace, d.defaclobjtype, a.grantee FROM pg_default_acl d"
        " CROSS JOIN LATERAL aclexplode(d.defaclacl) a"
        " WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = ?) AND a.grantee <> d.defaclrole",
        (owner,),
    )
    for namespace, kind, grantee in defaults:
        within = f' IN SCHEMA "{_schema(namespace)}"' if namespace else ""
        who = "PUBLIC" if grantee == 0 else f'"{_role(grantee)}"'
        kinds = OBJECT_KINDS[kind]
        run(f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}"{within} REVOKE ALL ON {kinds} FROM {who}')


def _role(oid: int) -> str:
    return str(query("SELECT rolname FROM pg_roles WHERE oid = ?", (oid,))[0][0])


def _schema(oid: int) -> str:
    return str(query("SELECT nspname FROM pg_namespace WHERE oid = ?", (oid,))[0][0])


def _members(groups: tuple[str, ...]) -> list[str]:
    """The roles in GROUPS (the original's, for a copy), but for the groups themselves."""
    found = query(
        "SELECT DISTINCT r.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid"
        " JOIN pg_roles r ON r.oid = m.member WHERE g.rolname IN (?, ?) AND r.rolname NOT IN (?, ?)"
        " ORDER BY r.rolname",
        (*groups, *groups),
    )
    return [str(name) for (name,) in found]


def _log_copy(before: tuple[str, str], made: tuple[str, str], people: list[str]) -> None:
    """The activity row of a copy given groups of its own: the people its original's groups had
    rights here till now, and have none any more."""
    from backorder_desktop.store.who import who

    person = who()
    db.execute_sql(
        "INSERT INTO activity (at, login, host, action, subject, details) VALUES"
        " (localtimestamp, %s, %s, 'grant', 'groups', %s)",
        (
            person.user,
            person.host,
            f"groups of this database: {' and '.join(before)} -> {' and '.join(made)}; a copy of"
            f" another database gets groups of its own: grant again whom it needs of {', '.join(people)}",
        ),
    )


# Every % of the body is written %%: the driver reads % as its placeholders' mark.
_GRANT_FUNCTION = """
CREATE OR REPLACE FUNCTION backorder_grant(member TEXT, level TEXT, host TEXT, at TIMESTAMP)
RETURNS TEXT LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    admin_group TEXT := (SELECT admin_role FROM {schema}.team);
    staff_group TEXT := (SELECT staff_role FROM {schema}.team);
    owner_role TEXT := (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = '{schema}.team'::regclass);
    can_login BOOLEAN := (SELECT rolcanlogin FROM pg_roles WHERE rolname = member);
    superuser BOOLEAN := (SELECT rolsuper FROM pg_roles WHERE rolname = member);
    before TEXT;
    after TEXT;
BEGIN
    IF NOT (pg_has_role(session_user, admin_group, 'USAGE')
            OR pg_has_role(session_user, owner_role, 'USAGE')) THEN
        RAISE EXCEPTION 'permission denied: granting roles needs an administrator'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF level IS NULL OR level NOT IN ('admin', 'staff', 'none') THEN
        RAISE EXCEPTION 'level must be admin, staff or none' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF can_login IS NULL OR NOT can_login THEN
        RAISE EXCEPTION 'no login role %%', member USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF superuser OR pg_has_role(member, owner_role, 'USAGE') THEN
        RAISE EXCEPTION '%% owns this database: it may do everything already', member
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    before := CASE WHEN pg_has_role(member, admin_group, 'USAGE') THEN 'admin'
                   WHEN pg_has_role(member, staff_group, 'USAGE') THEN 'staff' ELSE 'none' END;
    IF before = level THEN
        RETURN before;
    END IF;
    INSERT INTO {schema}.activity (at, login, host, action, subject, details)
        VALUES (at, session_user, host, 'grant', member, 'level: ' || before || ' -> ' || level);
    EXECUTE format('REVOKE %%I FROM %%I', admin_group, member);
    EXECUTE format('REVOKE %%I FROM %%I', staff_group, member);
    IF level = 'admin' THEN
        EXECUTE format('GRANT %%I TO %%I', admin_group, member);
    ELSIF level = 'staff' THEN
        EXECUTE format('GRANT %%I TO %%I', staff_group, member);
    END IF;
    after := CASE WHEN pg_has_role(member, admin_group, 'USAGE') THEN 'admin'
                  WHEN pg_has_role(member, staff_group, 'USAGE') THEN 'staff' ELSE 'none' END;
    IF after <> level THEN
        RAISE EXCEPTION '%% is still %% through a membership granted by hand, not by grant: revoke it there',
            member, CASE after WHEN 'admin' THEN 'an administrator' ELSE 'a staff member' END
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN before;
END $$
"""
